import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Memory } from '../../../src/store';
import { api, nextEvent, noticeMark, noticesSince, run, test, waitFor, workspaceRoot } from './harness';

type Saved = { id: string; action: string; topic: string };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-ext-'));

async function getMemory(id: string): Promise<Memory | null> {
  return (await (await api()).getStore()).get(id);
}

async function openSample(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'src', 'sample.ts'));
  return vscode.window.showTextDocument(doc);
}

let selectionId = '';
let plainId = '';

test('saveMemory stores text given as arguments and opens the store on first use', async () => {
  const r = await run<Saved>('mnemos.saveMemory', {
    summary: 'We deploy on Tuesdays only',
    topic: 'process',
    importance: 'high',
    keywords: ['deploy'],
  });
  assert.equal(r.action, 'created');
  plainId = r.id;
  const m = await getMemory(r.id);
  assert.equal(m?.summary, 'We deploy on Tuesdays only');
  assert.equal(m?.importance, 'high');
  assert.deepEqual(m?.keywords, ['deploy']);
  const a = await api();
  assert.equal(a.status().state, 'open');
  assert.match(a.logText(), /opened local file .*memories\.db/);
});

test('saving the same memory again reports it instead of duplicating it', async () => {
  const r = await run<Saved>('mnemos.saveMemory', { summary: 'We  deploy on tuesdays ONLY', topic: 'process' });
  assert.equal(r.id, plainId);
  assert.equal(r.action, 'unchanged');
});

test('saveMemory with a bad importance shows a warning and stores nothing', async () => {
  const mark = await noticeMark();
  const before = await (await (await api()).getStore()).count();
  const r = await run('mnemos.saveMemory', { summary: 'x', topic: 't', importance: 'urgent' });
  assert.equal(r, undefined);
  const n = await noticesSince(mark);
  assert.equal(n.length, 1);
  assert.equal(n[0].severity, 'warning');
  assert.match(n[0].message, /importance must be one of critical, high, medium, low/);
  assert.equal(await (await (await api()).getStore()).count(), before);
});

test('saveSelection records file, lines, language, git commit and workspace', async () => {
  const editor = await openSample();
  // lines 3-5 (1-based), selected to the end of line 5
  editor.selection = new vscode.Selection(2, 0, 4, editor.document.lineAt(4).text.length);
  const r = await run<Saved>('mnemos.saveSelection', { topic: 'auth' });
  assert.equal(r.action, 'created');
  assert.equal(r.topic, 'auth');
  selectionId = r.id;
  const m = await getMemory(r.id);
  const head = execFileSync('git', ['-C', workspaceRoot().fsPath, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  assert.deepEqual(m?.sourceData, {
    type: 'vscode',
    file: 'src/sample.ts',
    startLine: 3,
    endLine: 5,
    language: 'typescript',
    workspace: vscode.workspace.workspaceFolders![0].name,
    commit: head,
  });
  assert.match(m.summary, /const maxAgeDays = 90;/);
  assert.match(m.summary, /return days >= maxAgeDays;/);
  assert.equal(m?.importance, 'medium');
});

test('a selection that ends at the start of a line does not include that line', async () => {
  const editor = await openSample();
  editor.selection = new vscode.Selection(1, 0, 3, 0); // lines 2-3, cursor at the start of line 4
  const r = await run<Saved>('mnemos.saveSelection', { topic: 'auth', importance: 'low' });
  const m = await getMemory(r.id);
  const src = m?.sourceData as { startLine: number; endLine: number };
  assert.deepEqual([src.startLine, src.endLine], [2, 3]);
  assert.equal(m?.importance, 'low');
  await run('mnemos.deleteMemory', r.id, { confirmed: true });
});

test('saveSelection without a selection warns and stores nothing', async () => {
  const editor = await openSample();
  editor.selection = new vscode.Selection(1, 0, 1, 0);
  const mark = await noticeMark();
  assert.equal(await run('mnemos.saveSelection', { topic: 'auth' }), undefined);
  assert.match((await noticesSince(mark))[0].message, /Select the text to remember first/);
});

test('recall with a query returns keyword hits, prefix-matching the last word', async () => {
  const r = await run<{ mode: string; items: { id: string }[] }>('mnemos.recall', { query: 'maxAge' });
  assert.equal(r.mode, 'keyword');
  assert.ok(
    r.items.some((i) => i.id === selectionId),
    JSON.stringify(r),
  );
  assert.equal((await api()).status().keywordOnly, true);
  const none = await run<{ items: unknown[] }>('mnemos.recall', { query: 'zzqx nothing like this' });
  assert.equal(none.items.length, 0);
});

test('recall text that looks like FTS syntax is searched as words, not an error', async () => {
  const r = await run<{ items: unknown[] }>('mnemos.recall', { query: 'foo"bar OR (' });
  assert.ok(Array.isArray(r.items));
});

test('recall inserts the chosen memory at the cursor', async () => {
  const doc = await vscode.workspace.openTextDocument({ content: '', language: 'plaintext' });
  await vscode.window.showTextDocument(doc);
  await run('mnemos.recall', { query: 'maxAgeDays', action: 'insert', id: selectionId });
  assert.match(doc.getText(), /const maxAgeDays = 90;/);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
});

test('recall copies the chosen memory to the clipboard', async () => {
  await vscode.env.clipboard.writeText('before');
  await run('mnemos.recall', { query: 'Tuesdays', action: 'copy' });
  assert.equal(await vscode.env.clipboard.readText(), 'We deploy on Tuesdays only');
});

test('openMemory opens the source file at the saved lines', async () => {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const r = await run<{ opened: string }>('mnemos.openMemory', selectionId);
  assert.equal(r.opened, 'file');
  const ed = vscode.window.activeTextEditor!;
  assert.ok(ed.document.uri.fsPath.endsWith(path.join('src', 'sample.ts')));
  assert.deepEqual([ed.selection.start.line, ed.selection.end.line], [2, 4]);
});

test('openMemory shows a memory without a source as a read-only mnemos: document', async () => {
  const r = await run<{ opened: string; uri: string }>('mnemos.openMemory', { id: plainId });
  assert.equal(r.opened, 'memory');
  const ed = vscode.window.activeTextEditor!;
  assert.equal(ed.document.uri.scheme, 'mnemos');
  const text = ed.document.getText();
  assert.match(text, /^# process/);
  assert.match(text, /We deploy on Tuesdays only/);
  assert.match(text, /importance: high/);
});

test('opening a memory records an access (count + 1, last accessed now)', async () => {
  const store = await (await api()).getStore();
  await store.flushAccess();
  const before = (await getMemory(plainId))!;
  const t0 = Date.now();
  await run('mnemos.openMemory', plainId);
  await store.flushAccess();
  const after = (await getMemory(plainId))!;
  assert.equal(after.accessCount, before.accessCount + 1);
  assert.ok(
    Date.parse(after.lastAccessed) >= Math.floor(t0 / 1000) * 1000,
    `${after.lastAccessed} is not after the open`,
  );
});

test('editMemory changes the given fields and the open mnemos: document follows', async () => {
  const m = await run<Memory>('mnemos.editMemory', plainId, {
    summary: 'We deploy on Tuesdays and Thursdays',
    importance: 'critical',
  });
  assert.equal(m.summary, 'We deploy on Tuesdays and Thursdays');
  assert.equal(m.importance, 'critical');
  assert.equal((await getMemory(plainId))?.importance, 'critical');
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'mnemos')!;
  await waitFor(() => doc.getText().includes('Tuesdays and Thursdays'), 3000, 'the mnemos: document to refresh');
});

test('editMemory onto an identical memory is a conflict warning, not a silent merge', async () => {
  const other = await run<Saved>('mnemos.saveMemory', { summary: 'Fridays are for docs', topic: 'process' });
  const mark = await noticeMark();
  assert.equal(await run('mnemos.editMemory', other.id, { summary: 'We deploy on Tuesdays and Thursdays' }), undefined);
  const n = await noticesSince(mark);
  assert.equal(n[0].severity, 'warning');
  assert.match(n[0].message, /already has this content/);
  await run('mnemos.deleteMemory', other.id, { confirmed: true });
});

test('deleteMemory removes it; an unknown id is a warning', async () => {
  const tmpMem = await run<Saved>('mnemos.saveMemory', { summary: 'temporary', topic: 'scratch-del' });
  assert.deepEqual(await run('mnemos.deleteMemory', tmpMem.id, { confirmed: true }), { deleted: tmpMem.id });
  assert.equal(await getMemory(tmpMem.id), null);
  const mark = await noticeMark();
  assert.equal(await run('mnemos.deleteMemory', '01ARZ3NDEKTSV4RRFFQ69G5FAV', { confirmed: true }), undefined);
  const n = await noticesSince(mark);
  assert.equal(n[0].severity, 'warning');
  assert.match(n[0].message, /no memory with id 01ARZ3NDEKTSV4RRFFQ69G5FAV/);
});

test('forgetTopic deletes every memory of the topic and only those', async () => {
  for (let i = 0; i < 3; i++) await run('mnemos.saveMemory', { summary: `scratch note ${i}`, topic: 'scratch' });
  const store = await (await api()).getStore();
  const others = (await store.count()) - 3;
  assert.deepEqual(await run('mnemos.forgetTopic', 'scratch', { confirmed: true }), { topic: 'scratch', deleted: 3 });
  assert.equal(await store.count('scratch'), 0);
  assert.equal(await store.count(), others);
});

test('export writes every memory to a file; import brings back what was lost, skipping the rest', async () => {
  const store = await (await api()).getStore();
  const total = await store.count();
  const file = path.join(tmp, 'export.json');
  const e = await run<{ count: number; path: string }>('mnemos.export', { path: file });
  assert.equal(e.count, total);
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(data.format, 'mnemos-export');
  assert.equal(data.memories.length, total);
  await run('mnemos.forgetTopic', 'auth', { confirmed: true });
  const lost = total - (await store.count());
  assert.ok(lost > 0);
  const i = await run<{ imported: number; skipped: number }>('mnemos.import', file);
  assert.deepEqual(i, { imported: lost, skipped: total - lost });
  const back = await store.get(selectionId);
  assert.equal((back?.sourceData as { file?: string })?.file, 'src/sample.ts');
});

test('importing a file that is not JSON warns and imports nothing', async () => {
  const file = path.join(tmp, 'broken.json');
  fs.writeFileSync(file, '{ not json');
  const mark = await noticeMark();
  assert.equal(await run('mnemos.import', { path: file }), undefined);
  assert.match((await noticesSince(mark))[0].message, /broken\.json is not JSON/);
});

test('showStoreInfo reports mode, counts and schema', async () => {
  const info = await run<Record<string, unknown>>('mnemos.showStoreInfo', { quiet: true });
  const store = await (await api()).getStore();
  assert.equal(info.mode, 'local');
  assert.equal(info.memories, await store.count());
  assert.ok(Number((info.schema as { mnemosVersion: number }).mnemosVersion) >= 1);
  assert.equal(info.token, undefined);
  assert.match(String(info.database), /^local file .*memories\.db$/);
});

test('syncNow on a local store says it does not apply; embedMissing without a usable model says so and embeds nothing', async () => {
  const mark = await noticeMark();
  assert.deepEqual(await run('mnemos.syncNow'), { synced: false });
  // The tests' MNEMOS_MODEL_DIR has only the tiny models: the default model cannot be had (nor downloaded).
  const r = await run<{ available: boolean; embedded: number; reason?: string }>('mnemos.embedMissing');
  assert.equal(r.available, false);
  assert.equal(r.embedded, 0);
  const n = await noticesSince(mark);
  assert.match(n[0].message, /applies to an embedded replica/);
  assert.equal(n[1].severity, 'warning');
  assert.match(
    n[1].message,
    /The embedding model Xenova\/all-MiniLM-L6-v2 is not in .*downloading is off\. Recall stays keyword-only/,
  );
  const store = await (await api()).getStore();
  assert.equal((await store.embeddingCoverage()).embedded, 0);
});

test('refresh fires the data event', async () => {
  const a = await api();
  const ev = nextEvent(a.onDidChangeData, 2000, 'refresh');
  await run('mnemos.refresh');
  await ev.fired;
});

test('workspace settings override user settings', async () => {
  const a = await api();
  const cfg = vscode.workspace.getConfiguration('mnemos');
  await cfg.update('recall.limit', 7, vscode.ConfigurationTarget.Global);
  await cfg.update('recall.limit', 3, vscode.ConfigurationTarget.Workspace);
  try {
    await waitFor(() => a.settings().recallLimit === 3, 3000, 'workspace recall.limit');
  } finally {
    await cfg.update('recall.limit', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg.update('recall.limit', undefined, vscode.ConfigurationTarget.Global);
  }
  await waitFor(() => a.settings().recallLimit === 10, 3000, 'default recall.limit');
});
