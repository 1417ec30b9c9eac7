// extensionTests module for test/security/extension.test.ts: drives the real extension (development
// path = this repository) against a sqld with JWT auth through everything that writes to disk: Connect
// with a wrong and a right token (user and workspace targets), Set Auth Token, saves, export, an embedded
// replica of the authenticated server, a refused token, Show Store Info, the MCP server definition.
// The outer test then searches every file the host left (settings, logs, global storage, replica files,
// workspace) for the tokens. Plain CommonJS: no build step.
// Environment: MNEMOS_SEC_SERVERS (0600 JSON: url, token, wrong), MNEMOS_SEC_OUT (folder for exports).
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const servers = JSON.parse(fs.readFileSync(process.env.MNEMOS_SEC_SERVERS, 'utf8'));
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const run = (id, ...args) => vscode.commands.executeCommand(id, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}
let api;
/** The settings file on disk holds the server URL (so Connect wrote it) and no token. */
async function settingsFileHolds(file, what) {
  const text = await waitFor(
    () =>
      fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(servers.url) ? fs.readFileSync(file, 'utf8') : '',
    5000,
    `${what} to hold the URL`,
  );
  noToken(text, what);
  assert.doesNotMatch(text, /token/i, `${what} mentions a token`);
}
async function waitOpen(mode) {
  await api.getStore().catch(() => undefined); // the store opens on first use
  await waitFor(
    () => api.status().mode === mode && api.status().state === 'open',
    20_000,
    `the ${mode} store (now ${JSON.stringify(api.status())})`,
  );
}
const noToken = (text, where) => {
  for (const t of [servers.token, servers.token.split('.')[2], servers.wrong])
    assert.ok(!String(text).includes(t), `a token in ${where}`);
};

test('activate', async () => {
  const ext = vscode.extensions.getExtension('mnemos.mnemos');
  api = ext.isActive ? ext.exports : await ext.activate();
});

test('Connect with a wrong token saves nothing; with the right one saves the URL (user settings) and works', async () => {
  const bad = await run('mnemos.connect', { url: servers.url, token: servers.wrong });
  assert.ok(!bad || bad.ok !== true, `connect with a wrong token: ${JSON.stringify(bad)}`);
  assert.equal(vscode.workspace.getConfiguration('mnemos').get('database.url'), '');
  const ok = await run('mnemos.connect', { url: servers.url, token: servers.token });
  assert.equal(ok && ok.ok, true, JSON.stringify(ok));
  await waitOpen('remote');
  const saved = await run('mnemos.saveMemory', {
    summary: 'saved behind JWT auth (security at rest)',
    topic: 'sec-at-rest',
    keywords: ['jwt'],
  });
  assert.ok(saved && saved.id);
  const found = await run('mnemos.recall', { query: 'security at rest' });
  assert.ok(found.items.some((i) => i.id === saved.id));
  const info = await run('mnemos.showStoreInfo', { quiet: true });
  noToken(JSON.stringify(info), 'Show Store Info');
  noToken(JSON.stringify(api.mcp.provideMcpServerDefinitions()), 'the listed MCP definition');
  await settingsFileHolds(path.join(process.env.MNEMOS_SEC_USER_DATA, 'User', 'settings.json'), 'user settings.json');
});

test('an export from the authenticated server holds memories only', async () => {
  const file = path.join(process.env.MNEMOS_SEC_OUT, 'ext-export.json');
  const r = await run('mnemos.export', { path: file });
  assert.ok(r && r.count >= 1, JSON.stringify(r));
  noToken(fs.readFileSync(file, 'utf8'), 'the export');
});

test('a wrong token set later is refused with the message, and the right one reconnects', async () => {
  await run('mnemos.setAuthToken', servers.wrong);
  assert.equal(await run('mnemos.saveMemory', { summary: 'must not land', topic: 'sec-at-rest' }), undefined);
  await waitFor(
    () => api.notices().some((n) => /refused the auth token/.test(n.message)),
    10_000,
    'the refusal notice',
  );
  await run('mnemos.setAuthToken', servers.token);
  await waitOpen('remote');
  assert.ok(await run('mnemos.saveMemory', { summary: 'back after the right token', topic: 'sec-at-rest' }));
});

test('Connect with the workspace as target writes only the URL to the workspace settings', async () => {
  const ok = await run('mnemos.connect', { url: servers.url, token: servers.token, target: 'workspace' });
  assert.equal(ok && ok.ok, true, JSON.stringify(ok));
  assert.equal(ok.target, 'workspace');
  await waitOpen('remote');
  await settingsFileHolds(
    path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, '.vscode', 'settings.json'),
    'the workspace .vscode/settings.json',
  );
});

test('an embedded replica of the authenticated server syncs, and its files are in global storage', async () => {
  const cfg = vscode.workspace.getConfiguration('mnemos');
  await cfg.update('database.url', undefined, vscode.ConfigurationTarget.Workspace);
  await cfg.update('database.url', undefined, vscode.ConfigurationTarget.Global);
  await cfg.update('database.syncUrl', servers.url, vscode.ConfigurationTarget.Global);
  await waitOpen('replica');
  const r = await run('mnemos.saveMemory', {
    summary: 'written through an authenticated replica',
    topic: 'sec-at-rest',
  });
  assert.ok(r && r.id);
  await run('mnemos.syncNow');
  const found = await run('mnemos.recall', { query: 'authenticated replica' });
  assert.ok(found.items.some((i) => i.id === r.id));
});

test('nothing the extension says holds a token', async () => {
  noToken(api.logText(), 'the output channel');
  noToken(
    api
      .notices()
      .map((n) => n.message + (n.detail || ''))
      .join('\n'),
    'notifications',
  );
  noToken(JSON.stringify(api.status()), 'the status');
  noToken(JSON.stringify(api.statusBar()), 'the status bar');
  noToken(JSON.stringify(vscode.workspace.getConfiguration('mnemos')), 'the mnemos settings');
  // Close the store so the replica's files are complete on disk for the outer search.
  await vscode.workspace
    .getConfiguration('mnemos')
    .update('database.syncUrl', undefined, vscode.ConfigurationTarget.Global);
  await waitOpen('local');
});

exports.run = async function () {
  let failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      console.log(`  ok    ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${t.name}\n${String((e && e.stack) || e).replace(/^/gm, '        ')}`);
      if (!api) break;
    }
  }
  console.log(`${tests.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} test(s) failed`);
};
