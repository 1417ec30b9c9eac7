/**
 * Agent sessions and code areas in the real host, over a fresh local store seeded with sessions,
 * messages and code areas: the Sessions view's rows (paged, counts, messages, most-touched files),
 * a session as a read-only Markdown document with hostile text inert, Search Sessions (hostile
 * queries, and the real quick pick typed into and accepted), the file CodeLens (counts, cache,
 * invalidation, the setting), a change by another connection refreshing the view, and delete.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { SessionNode } from '../../../src/extension/sessions/tree';
import { detectProject } from '../../../src/hooks/local';
import type { MnemosStore } from '../../../src/store';
import {
  api,
  EXT_ID,
  figure,
  noticeMark,
  noticesSince,
  run,
  setSettings,
  sleep,
  test,
  waitFor,
  workspaceRoot,
} from './harness';

const execFileP = promisify(execFile);

const HOSTILE =
  '[run me](command:workbench.action.terminal.new) <img src=x onerror="globalThis.__pwned=1"> ```\n# not a heading\n``` $(zap)';
const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-sessions-'));
const dbPath = path.join(dbDir, 'sessions.db');
const ids: string[] = [];
let target: { session: string; message: string } | undefined;

async function store(): Promise<MnemosStore> {
  return (await api()).getStore();
}

const kind = <K extends SessionNode['kind']>(rows: SessionNode[], k: K) =>
  rows.filter((r): r is Extract<SessionNode, { kind: K }> => r.kind === k);

test('sessions: the view, its commands and the CodeLens setting are contributed', async () => {
  await api();
  const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes;
  assert.ok(pkg.views.mnemos.some((v: { id: string }) => v.id === 'mnemos.sessions'));
  const setting = pkg.configuration.properties['mnemos.codeAreas.codeLens'];
  assert.equal(setting.default, true);
  assert.match(setting.markdownDescription, /CodeLens/);
  const commands = await vscode.commands.getCommands(true);
  for (const id of [
    'mnemos.searchSessions',
    'mnemos.openSession',
    'mnemos.deleteSession',
    'mnemos.refreshSessions',
    'mnemos.loadMoreSessions',
    'mnemos.showFileMemories',
    'mnemos.openCodeArea',
  ])
    assert.ok(commands.includes(id), id);
});

test('sessions: a fresh store seeded with 120 sessions, messages and code areas', async () => {
  const a = await api();
  await setSettings({ 'database.path': dbPath });
  await waitFor(async () => (await a.getStore()).describe().includes('sessions.db'), 10_000, 'the new store');
  const t = (await store()).transcripts;
  for (let i = 0; i < 120; i++) {
    const id = await t.createSession({ agent: i % 2 ? 'claude-code' : 'copilot-cli', project: `proj-${i % 3}` });
    ids.push(id);
    await t.recordMany(
      Array.from({ length: (i % 4) + 1 }, (_, k) => ({
        sessionId: id,
        role: k % 2 ? 'assistant' : 'user',
        content: `session ${i} message ${k} about the build`,
      })),
    );
  }
  // The most recent session holds hostile text and, deep inside, the search target.
  const last = ids[119];
  const filler = Array.from({ length: 30 }, (_, k) => ({ sessionId: last, role: 'assistant', content: `filler ${k}` }));
  const [hostileId] = await t.recordMany([{ sessionId: last, role: 'user', content: HOSTILE }, ...filler]);
  const [needle] = await t.recordMany([
    { sessionId: last, role: 'tool', toolName: 'bash', content: 'the zeppelinfrobnicator exited with code 2' },
  ]);
  target = { session: last, message: needle };
  assert.ok(hostileId);
  const project = detectProject(workspaceRoot().fsPath)!;
  const areas = (await store()).codeAreas;
  await areas.touchMany(
    Array.from({ length: 5 }, () => ({ project, filePath: 'src/sample.ts', sessionId: last, toolName: 'Edit' })),
  );
  await areas.touchMany([{ project: 'elsewhere', filePath: 'lib/other.ts' }]);
});

test('sessions: the tree pages 50 sessions at a time with counts, expands to messages, lists most-touched files', async () => {
  const tree = (await api()).sessions.tree;
  tree.refresh();
  const reads0 = tree.reads;
  const rows = await tree.getChildren();
  assert.equal(tree.reads - reads0, 1, 'one statement for the first page');
  assert.equal(rows[0].kind, 'areas');
  const sessions = kind(rows, 'session');
  assert.equal(sessions.length, 50);
  assert.equal(kind(rows, 'more-sessions').length, 1);
  assert.equal(sessions[0].session.id, target!.session, 'most recently active first');
  const first = tree.getTreeItem(sessions[0]);
  assert.equal(first.label, 'claude-code · proj-2');
  assert.match(String(first.description), /^\d{4}-\d\d-\d\d \d\d:\d\d · 36 messages$/);
  assert.equal(first.contextValue, 'session');
  // The next page: one more keyset read, appended.
  await run('mnemos.loadMoreSessions');
  const more = await tree.getChildren();
  assert.equal(kind(more, 'session').length, 100);
  assert.equal(new Set(kind(more, 'session').map((n) => n.session.id)).size, 100, 'no session twice');
  // Messages of the first session: 36, shown in order with roles.
  const msgs = await tree.getChildren(sessions[0]);
  const m = kind(msgs, 'message');
  assert.equal(m.length, 36);
  assert.match(tree.getTreeItem(m[0]).label as string, /^user: session 119 message 0/);
  assert.match(tree.getTreeItem(m[4]).label as string, /^user: \[run me\]\(command:/, 'hostile text is a plain label');
  assert.deepEqual(tree.getTreeItem(m[4]).command?.arguments, [{ id: target!.session, messageId: m[4].message.id }]);
  // Most-touched files: the sample file first, 5×.
  const areas = kind(await tree.getChildren(rows[0]), 'area');
  assert.deepEqual(
    areas.map((x) => [x.area.filePath, x.area.touchCount]),
    [
      ['src/sample.ts', 5],
      ['lib/other.ts', 1],
    ],
  );
  const opened = await run<{ path: string }>('mnemos.openCodeArea', {
    project: areas[0].area.project,
    filePath: 'src/sample.ts',
  });
  assert.equal(opened.path, path.join(workspaceRoot().fsPath, 'src', 'sample.ts'));
});

test('sessions: a session opens as a read-only Markdown document; hostile text shows as text', async () => {
  const r = await run<{ uri: string }>('mnemos.openSession', { id: target!.session });
  const doc = vscode.window.activeTextEditor!.document;
  assert.equal(doc.uri.toString(), r.uri);
  assert.equal(doc.uri.scheme, 'mnemos-session');
  assert.equal(doc.languageId, 'markdown');
  const text = doc.getText();
  assert.match(text, /^# Session: claude-code · proj-2$/m);
  assert.match(text, /^- 36 messages$/m);
  // The hostile message is inside a fence longer than its own backticks, verbatim.
  const at = text.indexOf(HOSTILE);
  assert.ok(at > 0, 'the message text appears verbatim');
  const before = text.slice(0, at).split('\n');
  assert.equal(before[before.length - 2], '````text', 'a four-backtick fence opens it');
  assert.match(text.slice(at + HOSTILE.length), /^\n````\n/, 'and closes it');
  assert.doesNotMatch(text.replace(HOSTILE, ''), /command:workbench|onerror/);
  assert.equal((globalThis as { __pwned?: number }).__pwned, undefined);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('sessions: Search Sessions — hostile queries are never an error; the quick pick searches as you type and opens the hit at its message', async () => {
  const a = await api();
  const mark = await noticeMark();
  for (const q of ['foo"bar OR (', '-x*', 'NOT', 'AND OR NOT', '"', '(((', ')', 'role:', 'a NEAR/3 b', '^x', '*', '']) {
    const hits = await run<unknown[]>('mnemos.searchSessions', { query: q });
    assert.ok(Array.isArray(hits), `query ${JSON.stringify(q)} returned ${String(hits)}`);
  }
  assert.deepEqual(await noticesSince(mark), [], 'no error notification');
  const hits = await run<{ sessionId: string; messageId: string }[]>('mnemos.searchSessions', {
    query: 'zeppelinfrob*',
  });
  assert.deepEqual(
    hits.map((h) => h.messageId),
    [target!.message],
  );
  // The real quick pick: type, wait for the hit, accept it with the workbench's own command.
  const done = run<{ uri: string; line: number }>('mnemos.searchSessions');
  const picker = (await waitFor(() => a.sessions.search.active, 5000, 'the quick pick'))!;
  await waitFor(() => picker.searches > 0, 5000, 'the first listing');
  const t0 = Date.now();
  picker.setValue('zeppelinfrobnicator');
  await waitFor(() => picker.qp.items.some((i) => i.messageId === target!.message), 5000, 'the hit');
  figure('session search in the quick pick (typed → hit listed)', `${Date.now() - t0} ms`);
  assert.equal(picker.qp.items.length, 1);
  assert.match(picker.qp.items[0].label, /zeppelinfrobnicator exited/);
  await sleep(50);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  const r = await done;
  const editor = vscode.window.activeTextEditor!;
  assert.equal(editor.document.uri.toString(), r.uri);
  assert.equal(editor.selection.active.line, r.line);
  assert.match(editor.document.lineAt(r.line).text, /^## 36\. tool \(bash\) · /);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.filter((l) => l.command?.command === 'mnemos.showFileMemories').map((l) => l.command!.title);
}

test('sessions: the file CodeLens counts memories and agent touches, is cached, follows changes and the setting', async () => {
  const a = await api();
  const st = await store();
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'src', 'sample.ts');
  await vscode.window.showTextDocument(uri);
  const saved = await st.store({ topic: 'notes-lens', summary: 'sample.ts rotates tokens every 90 days' });
  // The change watcher sees that write at its next poll and invalidates the lens: let it, before the
  // cache is measured (a local store answers without yielding to timers).
  await sleep(1200);
  await a.sessions.checkActivity();
  a.sessions.lens.invalidate();
  assert.deepEqual(await lensTitles(uri), ['1 memory · touched by agents 5× (last just now)']);
  const computed = a.sessions.lens.computed;
  await lensTitles(uri);
  await lensTitles(uri);
  assert.equal(a.sessions.lens.computed, computed, 'served from the cache');
  // An agent touches the file again (a write the memories marker does not see): the activity check invalidates.
  const project = detectProject(workspaceRoot().fsPath)!;
  await st.codeAreas.touch({ project, filePath: 'src/sample.ts', toolName: 'Write' });
  assert.equal(await a.sessions.checkActivity(), true);
  await waitFor(async () => (await lensTitles(uri))[0]?.includes('6×'), 5000, 'the lens to show 6 touches');
  const info = await run<{ memoryIds: string[]; touchCount: number; sessions: string[] }>('mnemos.showFileMemories', {
    uri,
    show: false,
  });
  assert.deepEqual(info.memoryIds, [saved.id]);
  assert.equal(info.touchCount, 6);
  assert.deepEqual(info.sessions, [target!.session]);
  const stats = a.sessions.lens.stats();
  figure(
    'code lens store cost per file',
    `median ${stats.medianMs.toFixed(2)} ms, max ${stats.maxMs.toFixed(2)} ms (n=${stats.count})`,
  );
  // A file nothing mentions gets no lens.
  const readme = vscode.Uri.joinPath(workspaceRoot(), 'README.md');
  await vscode.workspace.openTextDocument(readme); // the provider command needs the model loaded
  assert.deepEqual(await lensTitles(readme), []);
  await setSettings({ 'codeAreas.codeLens': false });
  try {
    await waitFor(async () => (await lensTitles(uri)).length === 0, 5000, 'no lens with the setting off');
  } finally {
    await setSettings({ 'codeAreas.codeLens': undefined });
  }
  assert.equal((await lensTitles(uri)).length, 1);
  await st.forget(saved.id);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('sessions: a session another process writes (an agent through the CLI) appears in the view', async () => {
  const a = await api();
  const cli = path.join(vscode.extensions.getExtension(EXT_ID)!.extensionPath, 'dist', 'cli.js');
  const mnemos = async (...args: string[]) =>
    (
      await execFileP(process.execPath, [cli, '--db', dbPath, ...args], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', MNEMOS_HELPER: 'off' },
        timeout: 60_000,
      })
    ).stdout.trim();
  await sleep(1200); // the change watcher's baseline (a local store answers without yielding to timers)
  await a.sessions.checkActivity();
  const changed = new Promise<void>((resolve) => {
    const sub = a.sessions.tree.onDidChangeTreeData(() => (sub.dispose(), resolve()));
  });
  let watcherFired = 0;
  const watched = a.onDidChangeData(() => watcherFired++);
  const t0 = Date.now();
  const id = await mnemos('transcript', 'start-session', '-a', 'codex', '-p', 'from-elsewhere');
  await mnemos('transcript', 'record', '-s', id, '-r', 'user', '-c', 'written by another process');
  // No check of our own here: only the change watcher (data_version) and the monitor may refresh the view.
  const timedOut = sleep(8000).then(() => 'timeout' as const);
  const outcome = await Promise.race([changed.then(() => 'refreshed' as const), timedOut]).finally(() =>
    watched.dispose(),
  );
  assert.equal(outcome, 'refreshed', `no refresh within 8 s (change events meanwhile: ${watcherFired})`);
  figure('sessions view refresh after another process wrote', `${Date.now() - t0} ms (two CLI processes included)`);
  const rows = kind(await a.sessions.tree.getChildren(), 'session');
  assert.equal(rows[0].session.id, id);
  assert.equal(rows[0].session.messageCount, 1);
});

test('sessions: Delete Session (confirmed) removes it and its messages; its open document says so', async () => {
  const a = await api();
  const victim = ids[0];
  await run('mnemos.openSession', { id: victim });
  const r = await run<{ sessions: number; messages: number }>('mnemos.deleteSession', { id: victim, confirmed: true });
  assert.deepEqual(r, { sessions: 1, messages: 1 });
  assert.equal(await (await store()).transcripts.getSession(victim), null);
  await waitFor(
    () => vscode.window.activeTextEditor?.document.getText().startsWith('# Session not found'),
    5000,
    'the open document to re-read',
  );
  const all = kind(await a.sessions.tree.getChildren(), 'session');
  assert.ok(!all.some((n) => n.session.id === victim));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const mark = await noticeMark();
  assert.equal(await run('mnemos.deleteSession', { id: victim, confirmed: true }), undefined);
  assert.match((await noticesSince(mark))[0]?.message ?? '', /no session with id/);
});

test('sessions: back to the default store', async () => {
  await setSettings({ 'database.path': undefined });
  await waitFor(
    async () => !(await (await api()).getStore()).describe().includes('sessions.db'),
    10_000,
    'the default store',
  );
  fs.rmSync(dbDir, { recursive: true, force: true });
});
