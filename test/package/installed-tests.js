// The extensionTests module for the INSTALLED extension: loaded by test/host/run-ext-tests.js inside
// code-server's extension host, where Mnemos was installed from the VSIX with
// `code-server --install-extension mnemos-linux-x64.vsix --extensions-dir D` (the development path is
// an empty probe extension, never the repository). Plain CommonJS: no build step, nothing from src/.
// Environment (from test/package/vsix.test.ts): MNEMOS_PKG_EXTENSIONS_DIR (D), MNEMOS_PKG_REPO,
// MNEMOS_PKG_DB (the database file the settings point at), MNEMOS_PKG_FIGURES (JSON out),
// MNEMOS_MODEL_DIR (the tiny offline models).
'use strict';
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXT_ID = 'mnemos.mnemos';
const env = process.env;
const figures = {};
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const inside = (file, dir) => !path.relative(dir, file).startsWith('..') && !path.isAbsolute(path.relative(dir, file));

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** `node <ext>/dist/cli.js …` with the extension host's own runtime, as the MCP definition starts it. */
function cli(ext, args, extraEnv = {}) {
  const childEnv = { PATH: env.PATH, HOME: env.HOME, ELECTRON_RUN_AS_NODE: '1', ...extraEnv };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ext.extensionPath, 'dist', 'cli.js'), ...args],
      { env: childEnv, timeout: 30_000, cwd: ext.extensionPath },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

function ext() {
  const e = vscode.extensions.getExtension(EXT_ID);
  assert.ok(e, `${EXT_ID} is not installed`);
  return e;
}

test('Mnemos is loaded from the installed VSIX, not from the repository, and activates', async () => {
  const e = ext();
  const dir = fs.realpathSync(env.MNEMOS_PKG_EXTENSIONS_DIR);
  const extPath = fs.realpathSync(e.extensionPath);
  assert.ok(inside(extPath, dir), `extension path ${extPath} is not under the extensions dir ${dir}`);
  assert.ok(!inside(extPath, env.MNEMOS_PKG_REPO), 'the extension must not be the development checkout');
  assert.ok(!fs.existsSync(path.join(extPath, 'src')), 'no sources in the installed extension');
  assert.equal(
    e.packageJSON.version,
    JSON.parse(fs.readFileSync(path.join(env.MNEMOS_PKG_REPO, 'package.json'), 'utf8')).version,
  );
  const t0 = Date.now();
  const api = e.isActive ? e.exports : await e.activate();
  figures.activateMs = Date.now() - t0;
  assert.ok(e.isActive, 'activated');
  assert.equal(typeof api.getStore, 'function', 'activate() returned the Mnemos API');
  const cmds = await vscode.commands.getCommands(true);
  for (const c of ['mnemos.saveMemory', 'mnemos.recall', 'mnemos.showStoreInfo', 'mnemos.embedMissing'])
    assert.ok(cmds.includes(c), `${c} is registered`);
});

test('every runtime package the bundles require resolves inside the installed extension', async () => {
  const e = ext();
  const from = [path.join(e.extensionPath, 'dist')];
  for (const m of [
    'libsql',
    '@libsql/client',
    'onnxruntime-node',
    'onnxruntime-common',
    '@libsql/linux-x64-gnu',
    'sqlite-vec',
    'sqlite-vec-linux-x64/vec0.so',
  ]) {
    const resolved = require.resolve(m, { paths: from });
    assert.ok(
      inside(fs.realpathSync(resolved), fs.realpathSync(e.extensionPath)),
      `${m} resolved to ${resolved}, outside the extension`,
    );
  }
});

test('the installed extension stores and recalls through its bundled libsql', async () => {
  const saved = await vscode.commands.executeCommand('mnemos.saveMemory', {
    summary: 'The packaged extension stores memories with its own libsql binary',
    topic: 'package-check',
    keywords: ['vsix'],
  });
  assert.ok(saved && /^[0-9A-Z]{26}$/.test(saved.id), `saveMemory returned ${JSON.stringify(saved)}`);
  const r = await vscode.commands.executeCommand('mnemos.recall', { query: 'packaged libsql binary' });
  assert.ok(r && r.items.some((i) => i.id === saved.id), `recall found it: ${JSON.stringify(r)}`);
  const info = await vscode.commands.executeCommand('mnemos.showStoreInfo', { quiet: true });
  assert.equal(info.mode, 'local');
  assert.match(JSON.stringify(info), new RegExp(path.basename(env.MNEMOS_PKG_DB).replace('.', '\\.')));
  figures.savedId = saved.id;
});

test('the CLI inside the installed extension (node <ext>/dist/cli.js) reads and writes the same database', async () => {
  const e = ext();
  const db = env.MNEMOS_PKG_DB;
  const rec = await cli(e, ['--db', db, '--json', 'recall', 'packaged', 'libsql']);
  assert.equal(rec.code, 0, rec.stderr);
  assert.ok(
    JSON.parse(rec.stdout).items.some((i) => i.memory.id === figures.savedId),
    `CLI recall: ${rec.stdout}`,
  );
  const st = await cli(e, [
    '--db',
    db,
    '--json',
    'store',
    '-t',
    'package-check',
    '-c',
    'Stored by the CLI that ships inside the VSIX',
    '-k',
    'cli',
  ]);
  assert.equal(st.code, 0, st.stderr);
  const { id } = JSON.parse(st.stdout);
  const r = await vscode.commands.executeCommand('mnemos.recall', { query: 'ships inside the VSIX' });
  assert.ok(
    r.items.some((i) => i.id === id),
    'the extension sees what the CLI stored',
  );
  const bad = await cli(e, ['--db', db, 'store', '-t', 'x']);
  assert.equal(bad.code, 2, 'usage errors keep their exit code');
});

test('the installed extension and its CLI embed with the bundled onnxruntime (tiny model): recall becomes hybrid', async () => {
  const e = ext();
  assert.ok(env.MNEMOS_MODEL_DIR, 'MNEMOS_MODEL_DIR must be set');
  const first = await vscode.commands.executeCommand('mnemos.recall', { query: 'packaged binary' });
  assert.ok(first, 'recall answered');
  const api = e.exports;
  await waitFor(() => api.embeddings().kind === 'ready', 30_000, 'the tiny model to load in the installed worker');
  const b = await vscode.commands.executeCommand('mnemos.embedMissing', { batchSize: 8 });
  assert.equal(b.available, true, JSON.stringify(b));
  assert.equal(b.errors, 0);
  const h = await vscode.commands.executeCommand('mnemos.recall', { query: 'packaged libsql binary' });
  assert.equal(h.mode, 'hybrid');
  const c = await cli(e, ['--db', env.MNEMOS_PKG_DB, '--json', 'recall', 'packaged', 'binary'], {
    MNEMOS_EMBED_MODEL: 'tiny-bert',
    MNEMOS_MODEL_DIR: env.MNEMOS_MODEL_DIR,
    MNEMOS_EMBED_OFFLINE: '1',
  });
  assert.equal(c.code, 0, c.stderr);
  assert.equal(JSON.parse(c.stdout).mode, 'hybrid', c.stdout + c.stderr);
});

exports.run = async function run() {
  let failed = 0;
  const t0 = Date.now();
  for (const t of tests) {
    const t1 = Date.now();
    try {
      await t.fn();
      console.log(`  ok    ${t.name} (${Date.now() - t1} ms)`);
    } catch (e) {
      failed++;
      console.log(
        `  FAIL  ${t.name} (${Date.now() - t1} ms)\n${String((e && e.stack) || e).replace(/^/gm, '        ')}`,
      );
    }
  }
  console.log(`${tests.length - failed} passed, ${failed} failed in ${Date.now() - t0} ms`);
  if (env.MNEMOS_PKG_FIGURES)
    fs.writeFileSync(env.MNEMOS_PKG_FIGURES, JSON.stringify({ ...figures, passed: tests.length - failed, failed }));
  if (failed) throw new Error(`${failed} installed-extension test(s) failed`);
};
