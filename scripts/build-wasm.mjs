// Regenerates the WebAssembly bytes kept as base64 in TypeScript sources from their .wat text:
//   src/store/wasm/dot.wat → src/store/kernel.ts (DOT_WASM)
//   bench/lib/quant.wat    → bench/lib/quant.ts  (QUANT_WASM, bench/vectors-million.ts only)
// Needs the `wabt` package (not a project dependency): npx -p wabt@1.0.39 node scripts/build-wasm.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

// npx puts wabt's .bin folder on PATH but not the package on Node's module path: look beside each .bin.
function loadWabt() {
  const dirs = [path.dirname(new URL(import.meta.url).pathname), ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    try {
      return createRequire(path.join(dir, '..', 'noop.js'))('wabt');
    } catch {
      // not here
    }
  }
  throw new Error('wabt not found: run as  npx -p wabt@1.0.39 node scripts/build-wasm.mjs');
}
const wabt = await loadWabt()();

const targets = [
  ['../src/store/wasm/dot.wat', '../src/store/kernel.ts', 'DOT_WASM'],
  ['../bench/lib/quant.wat', '../bench/lib/quant.ts', 'QUANT_WASM'],
];
for (const [wat, ts, name] of targets) {
  const src = new URL(wat, import.meta.url);
  const mod = wabt.parseWat(path.basename(wat), fs.readFileSync(src, 'utf8'), { simd: true });
  const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
  const file = new URL(ts, import.meta.url);
  const before = fs.readFileSync(file, 'utf8');
  // Prettier puts a long literal on its own line: match either layout, write its.
  const pattern = new RegExp(`const ${name} =\\s*'[^']*';`);
  if (!pattern.test(before)) throw new Error(`${ts}: no "const ${name} = '…';" to replace`);
  fs.writeFileSync(file, before.replace(pattern, `const ${name} =\n  '${b64}';`));
  console.log(`${ts.slice(3)}: ${b64.length} base64 characters`);
}
