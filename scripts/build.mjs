// One esbuild step for every bundle: extension host (node/cjs), CLI and MCP server (node/cjs),
// embedding worker (node/cjs), sidebar webview and memoir graph panel (browser/iife). Native modules stay external and
// ship in node_modules: libsql (N-API), onnxruntime-node (+ the onnxruntime-common it registers in), or
// onnxruntime-web (WebAssembly) where onnxruntime-node has no binary, sqlite-vec.
// usage: node scripts/build.mjs [--minify] [--watch]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const minify = process.argv.includes('--minify');
const watch = process.argv.includes('--watch');

// Text-only embeddings never touch sharp; the stub must be truthy (transformers' utils/image.js throws at load otherwise).
const stubSharp = {
  name: 'stub-sharp',
  setup(b) {
    b.onResolve({ filter: /^sharp$/ }, () => ({ path: 'sharp', namespace: 'stub-sharp' }));
    b.onLoad({ filter: /.*/, namespace: 'stub-sharp' }, () => ({
      contents: "module.exports = function sharp() { throw new Error('sharp is not bundled (text-only build)'); };",
      loader: 'js',
    }));
  },
};

// transformers.js loads onnxruntime-node when it loads, even when a runtime is placed at
// globalThis[Symbol.for('onnxruntime')] (which it then uses instead). src/embed/onnx-runtime.ts places
// onnxruntime-web there where onnxruntime-node has no binary (darwin-x64, alpine-x64), so that require must
// be skipped then. The build fails if transformers.js no longer has exactly that one call.
const NATIVE_ORT_REQUIRE = 'requireFromHere("onnxruntime-node")';
const lazyNativeOrt = {
  name: 'lazy-native-ort',
  setup(b) {
    b.onLoad({ filter: /[\\/]@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.(mjs|cjs)$/ }, (args) => {
      const src = fs.readFileSync(args.path, 'utf8');
      const n = src.split(NATIVE_ORT_REQUIRE).length - 1;
      if (n !== 1) throw new Error(`${args.path}: expected one ${NATIVE_ORT_REQUIRE}, found ${n}`);
      const lazy = `(Symbol.for("onnxruntime") in globalThis ? undefined : ${NATIVE_ORT_REQUIRE})`;
      return { contents: src.replace(NATIVE_ORT_REQUIRE, lazy), loader: 'js' };
    });
  },
};

const nodeExternal = [
  'vscode',
  'libsql',
  '@libsql/*',
  'onnxruntime-node',
  'onnxruntime-common',
  'onnxruntime-web',
  'sqlite-vec',
  'sqlite-vec-*',
];
// jsonc-parser's "main" is a UMD build whose require('./impl/format') esbuild cannot follow (the bundled
// `mnemos init` crashed with "Cannot find module './impl/format'"): bundle its ESM build instead.
const jsoncEsm = path.join(root, 'node_modules/jsonc-parser/lib/esm/main.js');
const node = {
  bundle: true,
  platform: 'node',
  alias: { 'jsonc-parser': jsoncEsm },
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify,
  external: nodeExternal,
  plugins: [stubSharp, lazyNativeOrt],
  logLevel: 'warning',
};

// `mnemos serve` (the MCP SDK, zod and ajv: 1.5 MB) is a bundle of its own, dist/mcp.js, loaded by the CLI's
// lazy import('../mcp/cli') only when serve runs: every other command starts without parsing it. It is
// loaded with require(): node's import() of a CommonJS file scans all of it for exports first (+0.25 s).
const mcpApart = {
  name: 'mcp-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/mcp\/cli$/ }, () => ({ path: 'mcp', namespace: 'mcp-apart' }));
    b.onLoad({ filter: /.*/, namespace: 'mcp-apart' }, () => ({ contents: "module.exports = require('./mcp.js');" }));
    b.onResolve({ filter: /^\.\/mcp\.js$/, namespace: 'mcp-apart' }, () => ({ path: './mcp.js', external: true }));
  },
};

// Entries whose source does not exist yet are skipped, so the build works while features land.
const entries = [
  { in: 'src/extension/extension.ts', out: 'extension', opts: node },
  {
    in: 'src/cli/main.ts',
    out: 'cli',
    opts: { ...node, plugins: [...node.plugins, mcpApart], banner: { js: '#!/usr/bin/env node' } },
  },
  { in: 'src/mcp/cli.ts', out: 'mcp', opts: node },
  { in: 'src/embed/worker.ts', out: 'embed-worker', opts: node },
  { in: 'src/hooks/bin.ts', out: 'hook', opts: { ...node, banner: { js: '#!/usr/bin/env node' } } },
  {
    in: 'src/webview/main.ts',
    out: 'webview',
    opts: {
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: true,
      minify,
      logLevel: 'warning',
      loader: { '.css': 'text' },
    },
  },
  // The memoir graph panel: its own bundle, so the sidebar's does not carry the graph code.
  {
    in: 'src/graph-webview/main.ts',
    out: 'graph',
    opts: {
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: true,
      minify,
      logLevel: 'warning',
      loader: { '.css': 'text' },
    },
  },
].filter((e) => fs.existsSync(path.join(root, e.in)));

const t0 = performance.now();
const contexts = [];
for (const e of entries) {
  const cfg = { ...e.opts, entryPoints: { [e.out]: path.join(root, e.in) }, outdir: path.join(root, 'dist') };
  if (watch) {
    const ctx = await esbuild.context(cfg);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(cfg);
  }
}
// Codicons font + CSS for the webview.
const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
if (fs.existsSync(codicons)) {
  fs.mkdirSync(path.join(root, 'dist/codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf'])
    fs.copyFileSync(path.join(codicons, f), path.join(root, 'dist/codicons', f));
}
if (fs.existsSync(path.join(root, 'dist/cli.js'))) fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
console.log(
  `built ${entries.map((e) => e.out).join(', ')} in ${Math.round(performance.now() - t0)} ms${watch ? ' (watching)' : ''}`,
);
