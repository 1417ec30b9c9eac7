// Bundles the extension's host tests (TypeScript) into out/test/extension/index.js, which the
// extension host loads as extensionTestsPath. Native drivers stay external (they load from node_modules).
// usage: node test/extension/build-tests.mjs
import * as esbuild from 'esbuild';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const t0 = performance.now();
await esbuild.build({
  entryPoints: [path.join(root, 'test/extension/suite/index.ts')],
  outfile: path.join(root, 'out/test/extension/index.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'libsql', '@libsql/*', 'onnxruntime-node', 'onnxruntime-common', 'sqlite-vec', 'sqlite-vec-*'],
  logLevel: 'warning',
});
console.log(`built out/test/extension/index.js in ${Math.round(performance.now() - t0)} ms`);
