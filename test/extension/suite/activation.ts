import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, EXT_ID, figure, test } from './harness';

test('activation takes under 100 ms and opens no store', async () => {
  const a = await api();
  figure('activation', `${a.activationMs.toFixed(1)} ms`);
  assert.ok(a.activationMs < 100, `activate() took ${a.activationMs.toFixed(1)} ms`);
  assert.equal(a.status().state, 'closed', 'the store must open on first use, not at activation');
  assert.equal(a.embeddings().kind, 'not-loaded', 'no embedding model (nor worker) at activation');
  assert.doesNotMatch(a.logText(), /embeddings: /);
  assert.match(a.logText(), /activated in [\d.]+ ms/);
  assert.doesNotMatch(a.logText(), /\bopened /);
});

test('the status bar shows the mode and that recall is keyword-only', async () => {
  const a = await api();
  const sb = a.statusBar();
  assert.match(sb.text, /Mnemos local · keyword-only/);
  assert.match(sb.tooltip, /not opened yet/);
});

test('every contributed command is registered, and every registered mnemos command is contributed', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command).sort();
  const registered = (await vscode.commands.getCommands(true))
    .filter((c) => /^mnemos\.[a-zA-Z]+$/.test(c) && !c.startsWith('mnemos.memories'))
    .sort();
  assert.deepEqual(registered, contributed);
  assert.ok(contributed.length >= 16);
});

test('the default database is memories.db in the extension global storage', async () => {
  const a = await api();
  const s = a.settings().store;
  assert.equal(s.mode, 'local');
  assert.equal(path.basename((s as { path: string }).path), 'memories.db');
  assert.match((s as { path: string }).path, /mnemos\.mnemos/);
});

test('loading the extension bundle is cheap too (nothing runs at import)', () => {
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const file = path.join(ext.extensionPath, 'dist', 'extension.js');
  const req = createRequire(file);
  delete req.cache[file];
  const t0 = performance.now();
  const mod = req(file) as { activate?: unknown };
  const ms = performance.now() - t0;
  figure('bundle load (fresh require of dist/extension.js)', `${ms.toFixed(1)} ms`);
  assert.equal(typeof mod.activate, 'function');
  assert.ok(ms < 200, `loading the bundle took ${ms.toFixed(1)} ms`);
});
