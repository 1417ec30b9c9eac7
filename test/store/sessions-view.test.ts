/**
 * The queries behind the extension's Sessions view and file lens, on every mode: session pages with
 * message counts (keyset paging that neither skips nor repeats), a message's position, the change
 * markers, the most-touched files, one file's activity, and the memories about a file (hostile file
 * names are never an FTS5 error).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, memoriesForFile, type MnemosStore } from '../../src/store';
import { forEachMode, type ModeContext } from './modes';

async function fresh(ctx: ModeContext): Promise<MnemosStore> {
  const s = await ctx.fresh();
  if (ctx.mode === 'sqld' || ctx.mode === 'replica') {
    for (const t of ['messages_fts', 'messages', 'sessions', 'code_areas']) await s.sql(`DROP TABLE IF EXISTS ${t}`);
  }
  return s;
}

forEachMode('Sessions view queries', (ctx) => {
  test('session pages: newest activity first, message counts and first prompt, every session once', async () => {
    const s = await fresh(ctx);
    const t = s.transcripts;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await t.createSession({ agent: i % 2 ? 'claude-code' : 'copilot-cli', project: i < 5 ? 'p1' : 'p2' });
      ids.push(id);
      const msgs = Array.from({ length: i }, (_, k) => ({
        sessionId: id,
        role: k % 2 ? 'assistant' : 'user',
        content: `session ${i} message ${k}`,
      }));
      await t.recordMany(msgs);
    }
    // Session 3 becomes the most recently active.
    await t.record({ sessionId: ids[3], role: 'tool', content: 'late tool output', toolName: 'bash' });
    const seen: string[] = [];
    let after = null;
    let pages = 0;
    for (;;) {
      const page = await t.sessionPage({ limit: 3, after });
      seen.push(...page.items.map((x) => x.id));
      pages++;
      if (!page.next) break;
      after = page.next;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, [ids[3], ids[6], ids[5], ids[4], ids[2], ids[1], ids[0]]);
    const first = (await t.sessionPage({ limit: 1 })).items[0];
    assert.equal(first.messageCount, 4);
    assert.equal(first.firstPrompt, 'session 3 message 0');
    const empty = (await t.sessionPage({ limit: 100 })).items.find((x) => x.id === ids[0])!;
    assert.deepEqual([empty.messageCount, empty.firstPrompt], [0, null]);
    assert.deepEqual(
      (await t.sessionPage({ project: 'p2' })).items.map((x) => x.id),
      [ids[6], ids[5]],
    );
    assert.equal(await t.countSessions(), 7);
    assert.equal(await t.countSessions('p2'), 2);
    assert.deepEqual(await t.sessionSummary(ids[3]), first);
    assert.equal(await t.sessionSummary('01ARZ3NDEKTSV4RRFFQ69G5FAV'), null);
    await assert.rejects(t.sessionPage({ limit: 0 }), InvalidInputError);
    await assert.rejects(
      t.sessionPage({ after: { updatedAt: 1, id: 'x' } as unknown as { updatedAt: string; id: string } }),
      InvalidInputError,
    );
  });

  test("a message's position in its session; null for another session's message", async () => {
    const s = await fresh(ctx);
    const t = s.transcripts;
    const a = await t.createSession({ agent: 'x' });
    const b = await t.createSession({ agent: 'y' });
    const ids = await t.recordMany(
      Array.from({ length: 5 }, (_, k) => ({ sessionId: a, role: 'user', content: `m${k}` })),
    );
    const other = await t.record({ sessionId: b, role: 'user', content: 'elsewhere' });
    for (let k = 0; k < 5; k++) assert.equal(await t.messagePosition(a, ids[k]), k);
    assert.equal(await t.messagePosition(a, other), null);
    assert.equal(await t.messagePosition(a, '01ARZ3NDEKTSV4RRFFQ69G5FAV'), null);
  });

  test('the transcript marker moves on a new session, a new message and a deleted session only', async () => {
    const s = await fresh(ctx);
    const t = s.transcripts;
    const m0 = await t.changeMarker();
    assert.equal(await t.changeMarker(), m0);
    const id = await t.createSession({ agent: 'a' });
    const m1 = await t.changeMarker();
    assert.notEqual(m1, m0);
    await t.record({ sessionId: id, role: 'user', content: 'hi' });
    const m2 = await t.changeMarker();
    assert.notEqual(m2, m1);
    await s.store({ topic: 'unrelated', summary: 'a memory is not a transcript change' });
    assert.equal(await t.changeMarker(), m2);
    await t.forgetSession(id);
    assert.notEqual(await t.changeMarker(), m2);
  });

  test('code areas: most touched first, one file by project and path (relative or absolute), marker', async () => {
    const s = await fresh(ctx);
    const c = s.codeAreas;
    const m0 = await c.changeMarker();
    const touch = (project: string, filePath: string, n: number) =>
      c.touchMany(Array.from({ length: n }, () => ({ project, filePath })));
    await touch('p1', 'src/a.ts', 5);
    await touch('p1', 'src/b.ts', 2);
    await touch('p2', 'src/a.ts', 9);
    await touch('p1', '/abs/p1/src/a.ts', 1);
    const m1 = await c.changeMarker();
    assert.notEqual(m1, m0);
    assert.deepEqual(
      (await c.mostTouched({ limit: 3 })).map((a) => [a.project, a.filePath, a.touchCount]),
      [
        ['p2', 'src/a.ts', 9],
        ['p1', 'src/a.ts', 5],
        ['p1', 'src/b.ts', 2],
      ],
    );
    assert.deepEqual(
      (await c.mostTouched({ project: 'p1' })).map((a) => a.touchCount),
      [5, 2, 1],
    );
    const a = await c.forFile({ projects: ['p1'], paths: ['src/a.ts', '/abs/p1/src/a.ts'] });
    assert.equal(a.touchCount, 6);
    assert.equal(a.areas.length, 2);
    assert.equal(a.lastTouchedAt, a.areas[0].lastTouchedAt);
    assert.deepEqual(await c.forFile({ projects: ['p3'], paths: ['src/a.ts'] }), {
      touchCount: 0,
      lastTouchedAt: null,
      areas: [],
    });
    await touch('p1', 'src/b.ts', 1);
    assert.notEqual(await c.changeMarker(), m1);
    await assert.rejects(
      c.forFile({ projects: 'p1', paths: [] } as unknown as { projects: string[]; paths: string[] }),
      InvalidInputError,
    );
  });

  test('memories about a file: its name mentioned, or saved from it; hostile names are plain words', async () => {
    const s = await fresh(ctx);
    const a = await s.store({ topic: 'decisions', summary: 'store.ts keeps the façade thin', importance: 'high' });
    const b = await s.store({ topic: 'notes', summary: 'the store ts module is a façade', importance: 'low' });
    await s.store({ topic: 'notes', summary: 'a store, and ts files elsewhere' });
    const c = await s.store({
      topic: 'snippets',
      summary: 'export class MnemosStore {}',
      source: { type: 'vscode', file: 'src/store/store.ts', startLine: 1, endLine: 2 },
    });
    await s.store({
      topic: 'snippets',
      summary: 'another file',
      source: { type: 'vscode', file: 'src/store/store.tsx', startLine: 1, endLine: 2 },
    });
    const r = await memoriesForFile(s.conn, { name: 'store.ts', path: 'src/store/store.ts' });
    assert.equal(r.total, 3);
    assert.deepEqual(new Set(r.ids), new Set([a.id, b.id, c.id]));
    assert.equal(r.ids[0], a.id); // high importance weighs first
    assert.deepEqual(await memoriesForFile(s.conn, { name: 'store.ts', limit: 1 }), { ids: [a.id], total: 2 });
    assert.equal((await memoriesForFile(s.conn, { name: 'store.ts', limit: 0 })).ids.length, 0);
    for (const name of ['foo"bar OR (.ts', 'NOT', '*', '(((', '"', '-x*', 'a NEAR/3 b', '^x', '\0', '', '...']) {
      const h = await memoriesForFile(s.conn, { name, path: name || null });
      assert.ok(h.total >= 0, name);
    }
    await assert.rejects(memoriesForFile(s.conn, { name: 'x', limit: -1 }), InvalidInputError);
  });
});
