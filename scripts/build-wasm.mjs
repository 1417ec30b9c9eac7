// Regenerates the WebAssembly bytes in src/store/kernel.ts from src/store/wasm/dot.wat.
// Needs the `wabt` package (not a project dependency): npx -p wabt@1.0.39 node scripts/build-wasm.mjs
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const wabt = await require('wabt')();
const src = new URL('../src/store/wasm/dot.wat', import.meta.url);
const mod = wabt.parseWat('dot.wat', fs.readFileSync(src, 'utf8'), { simd: true });
const b64 = Buffer.from(mod.toBinary({}).buffer).toString('base64');
const kernel = new URL('../src/store/kernel.ts', import.meta.url);
const text = fs.readFileSync(kernel, 'utf8').replace(/const DOT_WASM = '[^']*';/, `const DOT_WASM = '${b64}';`);
fs.writeFileSync(kernel, text);
console.log(`src/store/kernel.ts: ${b64.length} base64 characters`);
