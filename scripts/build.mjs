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
  // dist/cli.js and dist/hook.js are small entries (the warm helper's clients, src/hooks/client.ts); the
  // whole CLI, the hook and the helper are dist/cli-main.js, required only when the work runs in-process.
  { in: 'src/cli/launch.ts', out: 'cli', opts: { ...node, banner: { js: '#!/usr/bin/env node' } } },
  { in: 'src/cli/full.ts', out: 'cli-main', opts: { ...node, plugins: [...node.plugins, mcpApart] } },
  { in: 'src/mcp/cli.ts', out: 'mcp', opts: node },
  { in: 'src/mcp/front.ts', out: 'mcp-front', opts: node },
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
await recordToolList();

// dist/mcp-tools.json: what `mnemos serve`'s front (src/mcp/front.ts) answers before the real server is
// loaded — recorded from the built server itself (initialize and tools/list over its stdio), so the two
// cannot differ; plus the SDK's protocol versions, for the front's version negotiation.
async function recordToolList() {
  const full = path.join(root, 'dist/cli-main.js');
  if (!fs.existsSync(full) || !fs.existsSync(path.join(root, 'dist/mcp.js'))) return;
  const { SUPPORTED_PROTOCOL_VERSIONS, LATEST_PROTOCOL_VERSION } = await import('@modelcontextprotocol/sdk/types.js');
  const { spawn } = await import('node:child_process');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-build-'));
  try {
    const script =
      "const {PassThrough,Writable}=require('node:stream');const i=new PassThrough();let o='';" +
      'const w=new Writable({write(c,e,cb){o+=c;cb()}});' +
      `i.end(${JSON.stringify(
        [
          {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
              protocolVersion: LATEST_PROTOCOL_VERSION,
              capabilities: {},
              clientInfo: { name: 'build', version: '0' },
            },
          },
          { jsonrpc: '2.0', method: 'notifications/initialized' },
          { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        ]
          .map((m) => JSON.stringify(m))
          .join('\n') + '\n',
      )});` +
      `require(${JSON.stringify(full)}).main(['serve','--db',${JSON.stringify(path.join(dir, 'm.db'))}],{stdin:i,stdout:w,stderr:new Writable({write(c,e,cb){cb()}}),env:{...process.env,MNEMOS_EMBED_MODEL:'off',RUST_LOG:'off'}}).then(c=>{process.stdout.write(o);process.exit(c)})`;
    const text = await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      p.stdout.on('data', (d) => (s += d));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`recording the tool list: exit ${code}`))));
    });
    const replies = new Map(
      String(text)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .map((m) => [m.id, m]),
    );
    const init = replies.get(1)?.result;
    const tools = replies.get(2)?.result?.tools;
    if (!init || !Array.isArray(tools)) throw new Error(`recording the tool list: unexpected answers ${text}`);
    const data = {
      initialize: init,
      supportedVersions: SUPPORTED_PROTOCOL_VERSIONS,
      latestVersion: LATEST_PROTOCOL_VERSION,
      tools,
    };
    fs.writeFileSync(path.join(root, 'dist/mcp-tools.json'), JSON.stringify(data));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  `built ${entries.map((e) => e.out).join(', ')} in ${Math.round(performance.now() - t0)} ms${watch ? ' (watching)' : ''}`,
);
