/**
 * The packaged extension: `bash scripts/package.sh` (the `npm run package` script) builds the minified
 * bundles and packs mnemos-linux-x64.vsix; then its file list is checked against what the bundles
 * really require() at run time, its CLI runs from the unzipped folder (local file, sqld over HTTP and
 * WebSocket, the tiny embedding model), and it is installed into code-server with
 * `--install-extension` and tested there (test/package/installed-tests.js) as an installed extension.
 * MNEMOS_VSIX=FILE tests that VSIX instead of packing a new one.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';

const ROOT = path.resolve(__dirname, '../..');
const HOST_DIR = process.env.MNEMOS_HOST_DIR || path.join(os.homedir(), '.cache/mnemos/vscode-host');
const HOST_NODE = path.join(HOST_DIR, 'node24/bin/node');
const CS_ENTRY = path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const MODELS = path.join(ROOT, 'test/fixtures/models');

/** The runtime externals scripts/build.mjs leaves out of the bundles (its `nodeExternal`, minus `vscode`). */
const EXTERNAL = [/^libsql$/, /^@libsql\//, /^onnxruntime-node$/, /^onnxruntime-common$/, /^sqlite-vec(-.*)?$/];
const BUILTIN = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

let work: string;
let vsix: string;
let unpacked: string; // <work>/x/extension
let entries: string[]; // paths inside extension/
let packMs = 0;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node <unpacked>/dist/cli.js …` with nothing from this repository on the module path. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return run(process.execPath, [path.join(unpacked, 'dist/cli.js'), ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: work, XDG_DATA_HOME: path.join(work, 'xdg'), ...env },
  });
}

/**
 * Bare module names a bundle loads: real `require("x")` calls (ajv's generated-code strings excluded),
 * plus the externals it loads through an alias (transformers.js minified: `createRequire(…)("onnxruntime-node")`).
 */
function bundleRequires(file: string): Set<string> {
  const src = fs.readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of src.matchAll(/(?<!['"`\w.$])require\("([^"]+)"\)/g)) {
    const name = m[1];
    if (name.startsWith('.') || name.startsWith('/') || BUILTIN.has(name) || name === 'vscode') continue;
    out.add(name);
  }
  for (const m of src.matchAll(/"(libsql|@libsql\/[a-z0-9-]+|onnxruntime-node|onnxruntime-common|sqlite-vec[a-z0-9-]*)"/g)) out.add(m[1]);
  return out;
}

const pkgName = (req: string) => (req.startsWith('@') ? req.split('/').slice(0, 2).join('/') : req.split('/')[0]);

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-pkg-test-'));
  if (process.env.MNEMOS_VSIX) {
    vsix = path.resolve(process.env.MNEMOS_VSIX);
  } else {
    vsix = path.join(work, 'mnemos-linux-x64.vsix');
    const t0 = Date.now();
    const r = await run('bash', ['scripts/package.sh', '--out', vsix], { timeoutMs: 180_000 });
    packMs = Date.now() - t0;
    assert.equal(r.code, 0, `package.sh failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\[package\] .*linux-x64, \d+ files/);
  }
  execFileSync('unzip', ['-q', vsix, '-d', path.join(work, 'x')]);
  unpacked = path.join(work, 'x/extension');
  entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('extension/') && !l.endsWith('/'))
    .map((l) => l.slice('extension/'.length));
});
after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the VSIX file list', () => {
  test('holds the bundles, assets, README and LICENSE (vsce renames them readme.md, LICENSE.txt), package.json, and no sources, tests or maps', () => {
    for (const f of ['package.json', 'readme.md', 'LICENSE.txt', 'dist/extension.js', 'dist/cli.js', 'dist/embed-worker.js', 'dist/webview.js', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf', 'media/icon.png', 'media/mnemos.svg', 'resources/mnemos.instructions.md']) {
      assert.ok(entries.includes(f), `${f} is in the VSIX`);
    }
    assert.match(fs.readFileSync(path.join(unpacked, 'LICENSE.txt'), 'utf8'), /Apache License\s+Version 2\.0/);
    const bad = entries.filter(
      (f) =>
        /^(src|test|bench|scripts|docs|out|\.ci|\.git|test-results)\//.test(f) ||
        /\.(map|ts|tsx|mts|cts|db|vsix|tgz)$/.test(f) ||
        /(^|\/)(tsconfig[^/]*\.json|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(f),
    );
    assert.deepEqual(bad, [], 'nothing but what runs');
    const top = new Set(entries.map((f) => f.split('/')[0]));
    assert.deepEqual([...top].sort(), ['LICENSE.txt', 'dist', 'media', 'node_modules', 'package.json', 'readme.md', 'resources']);
    // Bundles are minified: the CLI bundle has far fewer lines than an unminified esbuild output.
    const cliLines = fs.readFileSync(path.join(unpacked, 'dist/cli.js'), 'utf8').split('\n').length;
    assert.ok(cliLines < 2000, `dist/cli.js is minified (${cliLines} lines)`);
  });

  test('carries native binaries for linux-x64 only', () => {
    const natives = entries.filter((f) => /\.(node|so(\.\d+)*|dylib|dll)$/.test(f)).sort();
    assert.deepEqual(natives, [
      'node_modules/@libsql/linux-x64-gnu/index.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    ]);
    assert.deepEqual(entries.filter((f) => /darwin|win32|arm64|musl|sqlite-vec/.test(f)), []);
  });

  test('ships exactly the packages the bundles require at run time, with their dependencies', () => {
    // What the bundles really ask for (scripts/build.mjs's externals they use).
    const required = new Set<string>();
    for (const b of ['extension', 'cli', 'embed-worker', 'webview']) {
      for (const r of bundleRequires(path.join(unpacked, 'dist', `${b}.js`))) {
        assert.ok(EXTERNAL.some((re) => re.test(pkgName(r))), `dist/${b}.js requires "${r}", which is neither bundled nor a declared external`);
        required.add(pkgName(r));
      }
    }
    assert.deepEqual([...required].sort(), ['@libsql/client', 'libsql', 'onnxruntime-common', 'onnxruntime-node']);
    // Their closure inside the VSIX: every dependency present; optional ones only for this platform;
    // type-only packages are not needed.
    const nm = path.join(unpacked, 'node_modules');
    const needed = new Set<string>();
    const missing: string[] = [];
    const walk = (name: string, optional: boolean) => {
      if (needed.has(name)) return;
      const pj = path.join(nm, name, 'package.json');
      if (!fs.existsSync(pj)) {
        if (!optional && !name.startsWith('@types/')) missing.push(name);
        return;
      }
      needed.add(name);
      const j = JSON.parse(fs.readFileSync(pj, 'utf8'));
      for (const d of Object.keys(j.dependencies ?? {})) walk(d, false);
      for (const d of Object.keys(j.optionalDependencies ?? {})) walk(d, true);
    };
    for (const r of required) walk(r, false);
    // onnxruntime-node's own dependencies (adm-zip, global-agent, …) serve only its install script.
    const installOnly = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/onnxruntime-node/package.json'), 'utf8')).dependencies ?? {};
    assert.deepEqual(missing.filter((m) => !(m in installOnly)), [], 'dependencies missing from the VSIX');
    assert.ok(needed.has('@libsql/linux-x64-gnu'), 'libsql\'s native binary for linux-x64 (glibc)');
    const shipped = new Set(entries.filter((f) => f.startsWith('node_modules/')).map((f) => pkgName(f.slice('node_modules/'.length))));
    assert.deepEqual([...shipped].filter((p) => !needed.has(p)).sort(), [], 'packages in the VSIX that nothing requires');
    // The node_modules files are the run-time ones: the entry points and CommonJS code.
    for (const p of shipped) {
      const j = JSON.parse(fs.readFileSync(path.join(nm, p, 'package.json'), 'utf8'));
      const main = typeof j.exports?.['.']?.require === 'string' ? j.exports['.'].require : j.main ?? 'index.js';
      if (p === '@libsql/core') continue; // subpath exports only
      const file = path.join(nm, p, main);
      assert.ok(fs.existsSync(file) || fs.existsSync(`${file}.js`), `${p}'s entry point ${main} is in the VSIX`);
    }
  });
});

describe('the CLI from the unpacked VSIX', () => {
  let sqld: Sqld;
  before(async () => {
    sqld = await startSqld({ auth: true });
  });
  after(async () => {
    await sqld?.stop();
  });

  test('stores and recalls on a local file, and recalls hybrid with the tiny model through the bundled onnxruntime', async () => {
    const db = path.join(work, 'unpacked.db');
    const s = await cli(['--db', db, '--json', 'store', '-t', 'pkg', '-c', 'The unpacked CLI writes with its bundled libsql', '-k', 'vsix']);
    assert.equal(s.code, 0, s.stderr);
    const r = await cli(['--db', db, '--json', 'recall', 'bundled', 'libsql']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].memory.id, JSON.parse(s.stdout).id);
    const h = await cli(['--db', db, '--json', 'recall', 'writes', 'bundled'], { MNEMOS_EMBED_MODEL: 'tiny-bert', MNEMOS_MODEL_DIR: MODELS, MNEMOS_EMBED_OFFLINE: '1' });
    assert.equal(h.code, 0, h.stderr);
    assert.equal(JSON.parse(h.stdout).mode, 'hybrid', h.stdout + h.stderr);
  });

  test('talks to sqld with JWT auth over HTTP and WebSocket through the bundled @libsql/client', async () => {
    const env = { TURSO_AUTH_TOKEN: sqld.token! };
    const ws = sqld.url.replace(/^http:/, 'ws:');
    const s = await cli(['--url', ws, '--json', 'store', '-t', 'pkg-remote', '-c', 'Written over a WebSocket by the packaged CLI'], env);
    assert.equal(s.code, 0, s.stderr);
    const r = await cli(['--url', sqld.url, '--json', 'recall', 'WebSocket', 'packaged'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).items[0].memory.id, JSON.parse(s.stdout).id);
    const refused = await cli(['--url', sqld.url, 'topics'], { TURSO_AUTH_TOKEN: 'not-a-valid-token' });
    assert.equal(refused.code, 4, refused.stderr);
  });

  test('serves MCP over stdio (the SDK and its validators are bundled)', async () => {
    const db = path.join(work, 'mcp.db');
    const p = spawn(process.execPath, [path.join(unpacked, 'dist/cli.js'), '--db', db, 'serve'], { cwd: work, env: { PATH: process.env.PATH, HOME: work }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const send = (o: unknown) => p.stdin.write(JSON.stringify(o) + '\n');
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'icm_memory_store', arguments: { topic: 'pkg-mcp', content: 'stored through the packaged MCP server', keywords: 42 } } });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'icm_memory_store', arguments: { topic: 'pkg-mcp', content: 'stored through the packaged MCP server' } } });
    const end = Date.now() + 15_000;
    while (Date.now() < end && !/"id":3/.test(out)) await new Promise((r) => setTimeout(r, 50));
    p.stdin.end();
    await new Promise((r) => p.once('close', r));
    const replies = out.trim().split('\n').map((l) => JSON.parse(l));
    const bad = replies.find((m) => m.id === 2);
    assert.equal(bad.result.isError, true);
    assert.match(bad.result.content[0].text, /keywords must be a list of strings/);
    assert.match(replies.find((m) => m.id === 3).result.content[0].text, /^ok:[0-9A-Z]{26}$/);
  });
});

describe('the VSIX installed into code-server', () => {
  test('installs with --install-extension, activates from the extensions folder, and its CLI works with the bundled natives', async (t) => {
    if (!fs.existsSync(HOST_NODE) || !fs.existsSync(CS_ENTRY)) {
      t.skip('the VS Code test host is not installed: run scripts/setup-vscode-host.sh');
      return;
    }
    const extDir = path.join(work, 'extensions');
    const home = path.join(work, 'cs-home');
    fs.mkdirSync(home, { recursive: true });
    const t0 = Date.now();
    const inst = await run(HOST_NODE, [CS_ENTRY, '--install-extension', vsix, '--extensions-dir', extDir, '--user-data-dir', path.join(work, 'cs-data')], {
      env: { PATH: process.env.PATH, HOME: home },
    });
    const installMs = Date.now() - t0;
    assert.equal(inst.code, 0, inst.stdout + inst.stderr);
    assert.match(inst.stdout, /was successfully installed/);
    const installed = JSON.parse(fs.readFileSync(path.join(extDir, 'extensions.json'), 'utf8'));
    assert.deepEqual(installed.map((e: { identifier: { id: string } }) => e.identifier.id), ['mnemos.mnemos']);
    const extPath = installed[0].location.path as string;
    assert.ok(fs.existsSync(path.join(extPath, 'dist/cli.js')));

    // The runner needs a development extension: an empty probe, so Mnemos itself comes from extDir.
    const probe = path.join(work, 'probe');
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'package.json'), JSON.stringify({ name: 'mnemos-package-probe', publisher: 'mnemos-test', version: '0.0.1', engines: { vscode: '^1.138.0' } }));
    const ws = path.join(work, 'ws');
    fs.mkdirSync(ws);
    const db = path.join(work, 'installed.db');
    const settings = path.join(work, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ 'mnemos.database.path': db, 'mnemos.embeddings.model': 'tiny-bert' }));
    const figuresFile = path.join(work, 'figures.json');
    const t1 = Date.now();
    const host = await run(
      process.execPath,
      [
        path.join(ROOT, 'test/host/run-ext-tests.js'),
        '--extensionDevelopmentPath', probe,
        '--extensionTestsPath', path.join(ROOT, 'test/package/installed-tests.js'),
        '--extensions-dir', extDir,
        '--settings', settings,
        '--env', `MNEMOS_PKG_EXTENSIONS_DIR=${extDir}`,
        '--env', `MNEMOS_PKG_REPO=${ROOT}`,
        '--env', `MNEMOS_PKG_DB=${db}`,
        '--env', `MNEMOS_PKG_FIGURES=${figuresFile}`,
        '--env', `MNEMOS_MODEL_DIR=${MODELS}`,
        '--timeout', '120',
        ws,
      ],
      { timeoutMs: 150_000 },
    );
    const hostMs = Date.now() - t1;
    assert.equal(host.code, 0, `installed-extension tests failed:\n${host.stdout}\n${host.stderr}`);
    assert.match(host.stdout, /5 passed, 0 failed/);
    const figures = JSON.parse(fs.readFileSync(figuresFile, 'utf8'));
    const size = fs.statSync(vsix).size;
    console.log(
      `# package figures: vsix ${(size / 1048576).toFixed(2)} MB (${size} bytes), ${entries.length} files; pack ${packMs} ms; install ${installMs} ms; host run ${hostMs} ms; activate ${figures.activateMs} ms`,
    );
  });
});
