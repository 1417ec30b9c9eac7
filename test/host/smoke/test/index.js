// Smoke test of the test host itself, loaded by VS Code as extensionTestsPath.
// Contract (same for any suite run by test/host/run-ext-tests.js): export `run(): Promise<void>`;
// VS Code awaits it inside the extension host; resolve = pass (exit 0), reject = fail (exit 1).
// console.* output here is streamed to run-ext-tests.js's stdout. No mocha: a tiny loop suffices.
'use strict';
const assert = require('assert');
const vscode = require('vscode');

const EXT_ID = 'mnemos-test.mnemos-host-smoke';
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const waitFor = async (cond, ms = 10000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return cond();
};

let api;
test('extension under development is visible and activates', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `${EXT_ID} not found`);
  api = await ext.activate();
  assert.ok(api && api.info, 'activate() returned the API');
  console.log('  host info:', JSON.stringify(api.info));
});

test('runs in the code-server host (VS Code 1.139, Node 24)', () => {
  assert.match(vscode.version, /^1\.139\./);
  assert.strictEqual(process.versions.node.split('.')[0], '24');
});

test('command is registered and returns a value', async () => {
  const all = await vscode.commands.getCommands(true);
  assert.ok(all.includes('mnemosSmoke.hello'));
  const res = await vscode.commands.executeCommand('mnemosSmoke.hello');
  assert.strictEqual(res.hello, 'world');
});

test('libsql native addon loads in the extension host', () => {
  assert.ok(!api.info.libsqlError, api.info.libsqlError);
  assert.strictEqual(api.info.libsql.answer, 42);
});

test('--settings file reached the user settings', () => {
  assert.strictEqual(vscode.workspace.getConfiguration('mnemosSmoke').get('greeting'), 'hello from --settings');
});

test('--env reached the extension host environment', () => {
  assert.strictEqual(process.env.MNEMOS_SMOKE_ENV, 'hello from --env');
});

test('webview view resolves and its script posts back', async () => {
  await vscode.commands.executeCommand('mnemosSmoke.view.focus');
  assert.ok(await waitFor(() => api.view.resolved > 0), 'resolveWebviewView was not called');
  assert.ok(
    await waitFor(() => api.view.messages.some((m) => m.type === 'ready')),
    'no message from the webview script',
  );
});

test('globalStorage is writable and holds a libsql file database', () => {
  const fs = require('fs');
  const path = require('path');
  const Database = require('libsql');
  const dir = api.context.globalStorageUri.fsPath;
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'smoke.db'));
  db.exec('create table if not exists t(x integer)');
  db.prepare('insert into t values (?)').run(7);
  assert.strictEqual(db.prepare('select sum(x) as s from t').get().s, 7); // fresh user-data-dir per run
  db.close();
  console.log('  globalStorage:', dir);
});

test('SecretStorage round-trips', async () => {
  await api.context.secrets.store('smoke-token', 's3cret');
  assert.strictEqual(await api.context.secrets.get('smoke-token'), 's3cret');
});

if (process.env.MNEMOS_SMOKE_FAIL === '1') {
  test('deliberate failure (MNEMOS_SMOKE_FAIL=1)', () => assert.strictEqual(1, 2));
}

exports.run = async function run() {
  let passed = 0,
    failed = 0;
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`  ok    ${t.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL  ${t.name}\n${String((e && e.stack) || e).replace(/^/gm, '        ')}`);
    }
  }
  // Plain closing line that CI tooling understands; expected-failure mode words it differently
  // so that a deliberate failure can never be read as this suite's verdict.
  if (process.env.MNEMOS_SMOKE_FAIL === '1') console.log(`expected-failure mode: ${passed} ok, ${failed} not ok`);
  else console.log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} smoke test(s) failed`);
};
