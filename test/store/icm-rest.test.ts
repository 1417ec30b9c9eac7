/**
 * Transcripts, code areas, feedback and facts (ICM's store tests, icm-reference §5.1, plus Mnemos's
 * rules: idempotent writes by id, safe search text, bad input changes nothing), on every mode: a
 * local file, :memory:, a real sqld and an embedded replica of it. Each test starts without these
 * tables, so creating them on first use is exercised everywhere.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, type MnemosStore, NotFoundError } from '../../src/store';
import type { IcmConn } from '../../src/store/icmTables';
import { ICM_OBJECTS } from '../../src/store/icmTables';
import { icmRestStores } from '../../src/store/icmRest';
import { forEachMode, type ModeContext } from './modes';

const ICM_REST_TABLES = ['messages_fts', 'messages', 'sessions', 'feedback_fts', 'feedback', 'facts', 'code_areas'];
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(\d{6})?\+00:00$/;
const HOSTILE = [
  'foo"bar OR (',
  '-x*',
  'NOT',
  'AND OR NOT',
  '"',
  '(((',
  ')',
  'col:thing',
  'a NEAR/3 b',
  '^x',
  '\0',
  '',
  '   ',
  '*',
];

const connOf = (s: MnemosStore) => (s as unknown as { conn: IcmConn }).conn;

/** A fresh store, with none of ICM's rest tables (a remote server is shared across tests). */
async function fresh(ctx: ModeContext) {
  const conn = connOf(await ctx.fresh());
  if (ctx.mode === 'sqld' || ctx.mode === 'replica') {
    await conn.batchRun(ICM_REST_TABLES.map((t) => ({ sql: `DROP TABLE IF EXISTS ${t}` })));
  }
  return { conn, ...icmRestStores(conn) };
}

const count = async (conn: IcmConn, sql: string, args: (string | number)[] = []) =>
  Number((await conn.query(sql, args))[0]?.n ?? 0);

forEachMode('ICM rest: tables', (ctx) => {
  test("each family creates ICM's tables, indexes and triggers on first use, and again is a no-op", async () => {
    const { conn, feedback, facts, transcripts, codeAreas } = await fresh(ctx);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'feedback'`), 0);
    await Promise.all([feedback.stats(), facts.stats(), transcripts.stats(), codeAreas.count()]);
    const names = new Set((await conn.query(`SELECT name FROM sqlite_master`)).map((r) => String(r.name)));
    for (const family of Object.values(ICM_OBJECTS)) for (const n of family) assert.ok(names.has(n), `${n} exists`);
    const again = icmRestStores(conn);
    await Promise.all([
      again.feedback.stats(),
      again.facts.stats(),
      again.transcripts.stats(),
      again.codeAreas.count(),
    ]);
    assert.equal((await conn.query(`SELECT name FROM sqlite_master`)).length, names.size);
  });
});

forEachMode('ICM rest: feedback', (ctx) => {
  const fb = (topic: string, context: string, extra: Record<string, unknown> = {}) => ({
    topic,
    context,
    predicted: 'label bug',
    corrected: 'label enhancement',
    ...extra,
  });

  test('store and list: newest first, topic filter, ICM defaults', async () => {
    const { feedback } = await fresh(ctx);
    const a = await feedback.record(fb('triage', 'issue about slow startup'));
    const b = await feedback.record(
      fb('pr-analysis', 'PR touching the parser', { reason: 'it adds a feature', source: 'bot' }),
    );
    assert.match(a, ULID);
    const all = await feedback.list();
    assert.deepEqual(
      all.map((f) => f.id),
      [b, a],
    );
    assert.equal(all[1].reason, null);
    assert.equal(all[1].source, '');
    assert.equal(all[1].appliedCount, 0);
    assert.match(all[1].createdAt, RFC3339);
    assert.deepEqual(
      (await feedback.list({ topic: 'triage' })).map((f) => f.id),
      [a],
    );
  });

  test('search matches every term, filters by topic, and an empty query lists', async () => {
    const { feedback } = await fresh(ctx);
    const a = await feedback.record(fb('triage', 'slow startup on windows'));
    const b = await feedback.record(fb('other', 'slow startup on linux'));
    await feedback.record(fb('triage', 'crash on save'));
    assert.deepEqual(
      (await feedback.search('slow startup')).map((f) => f.id),
      [b, a],
    );
    assert.deepEqual(
      (await feedback.search('slow windows')).map((f) => f.id),
      [a],
    );
    assert.deepEqual(
      (await feedback.search('slow', { topic: 'triage' })).map((f) => f.id),
      [a],
    );
    assert.equal((await feedback.search('---', { limit: 2 })).length, 2);
    assert.deepEqual((await feedback.search('enhancement', { limit: 1 })).length, 1);
    for (const q of HOSTILE) await feedback.search(q);
  });

  test('applied count, delete, NotFound, and stats', async () => {
    const { feedback } = await fresh(ctx);
    const a = await feedback.record(fb('t1', 'one'));
    await feedback.record(fb('t1', 'two'));
    const c = await feedback.record(fb('t2', 'three'));
    await feedback.incrementApplied(a);
    await feedback.incrementApplied(a);
    await feedback.incrementApplied(c);
    assert.equal((await feedback.get(a))!.appliedCount, 2);
    await assert.rejects(feedback.incrementApplied('01ARZ3NDEKTSV4RRFFQ69G5FAV'), NotFoundError);
    const stats = await feedback.stats();
    assert.equal(stats.total, 3);
    assert.deepEqual(stats.byTopic, [
      ['t1', 2],
      ['t2', 1],
    ]);
    assert.deepEqual(stats.mostApplied, [
      [a, 2],
      [c, 1],
    ]);
    // The applied bump re-indexes the row (ICM's any-column trigger); search still finds it once.
    assert.deepEqual(
      (await feedback.search('one')).map((f) => f.id),
      [a],
    );
    await feedback.delete(a);
    assert.equal(await feedback.get(a), null);
    assert.equal((await feedback.search('one')).length, 0);
    await assert.rejects(feedback.delete(a), NotFoundError);
  });

  test('a write retried with the same id lands once; bad input changes nothing', async () => {
    const { conn, feedback } = await fresh(ctx);
    const id = '01JICMFEEDBACK000000000001';
    assert.equal(await feedback.record(fb('t', 'retried', { id })), id);
    assert.equal(await feedback.record(fb('t', 'retried', { id })), id);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM feedback`), 1);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM feedback_fts WHERE feedback_fts MATCH 'retried'`), 1);
    await assert.rejects(feedback.record(fb('', 'x')), InvalidInputError);
    await assert.rejects(feedback.record(fb('a\nb', 'x')), InvalidInputError);
    await assert.rejects(feedback.record(fb('t', '   ')), InvalidInputError);
    await assert.rejects(feedback.record(fb('t', 'nul\0byte')), InvalidInputError);
    await assert.rejects(
      feedback.record({ topic: 't', context: 'c', predicted: 'p' } as never),
      /corrected is required/,
    );
    await assert.rejects(feedback.record(fb('t', 'x'.repeat(70_000))), /limit is 65536/);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM feedback`), 1);
  });
});

forEachMode('ICM rest: facts', (ctx) => {
  test('set and get round-trip; the same value again is a no-op', async () => {
    const { conn, facts } = await fresh(ctx);
    const r1 = await facts.set('svc-api', 'host', 'api.internal', { source: 'user' });
    assert.equal(r1.action, 'created');
    const got = (await facts.get('svc-api', 'host'))!;
    assert.deepEqual([got.id, got.value, got.source, got.supersededAt], [r1.id, 'api.internal', 'user', null]);
    assert.match(got.createdAt, RFC3339);
    const r2 = await facts.set('svc-api', 'host', 'api.internal');
    assert.deepEqual(r2, { id: r1.id, action: 'unchanged' });
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM facts`), 1);
    assert.equal(await facts.get('svc-api', 'port'), null);
  });

  test('a new value supersedes the old one and keeps the history, newest first', async () => {
    const { facts } = await fresh(ctx);
    const v1 = await facts.set('db', 'version', '14');
    const v2 = await facts.set('db', 'version', '15');
    const v3 = await facts.set('db', 'version', '16');
    assert.equal(v2.action, 'superseded');
    assert.equal((await facts.get('db', 'version'))!.id, v3.id);
    const h = await facts.history('db', 'version');
    assert.deepEqual(
      h.map((f) => f.value),
      ['16', '15', '14'],
    );
    assert.deepEqual(
      h.map((f) => f.id),
      [v3.id, v2.id, v1.id],
    );
    assert.equal(h[0].supersededAt, null);
    assert.equal(h[1].supersededAt, h[0].createdAt);
    assert.ok(h[2].supersededAt! <= h[1].supersededAt);
  });

  test('list: active facts by key, a prefix taken literally; forget drops the history too', async () => {
    const { conn, facts } = await fresh(ctx);
    await facts.set('e', 'zeta', '1');
    await facts.set('e', 'alpha', '1');
    await facts.set('e', 'alpha', '2');
    await facts.set('e', 'db.host', 'h');
    await facts.set('e', 'dbXhost', 'not a prefix match');
    await facts.set('e', 'DB.port', 'case differs');
    await facts.set('other', 'alpha', 'x');
    assert.deepEqual(
      (await facts.list('e')).map((f) => `${f.key}=${f.value}`),
      ['DB.port=case differs', 'alpha=2', 'db.host=h', 'dbXhost=not a prefix match', 'zeta=1'],
    );
    assert.deepEqual(
      (await facts.list('e', { keyPrefix: 'db.' })).map((f) => f.key),
      ['db.host'],
    );
    assert.deepEqual(
      (await facts.list('e', { keyPrefix: 'db_' })).map((f) => f.key),
      [],
    );
    assert.equal(await facts.forget('e', 'alpha'), 2);
    assert.equal(await facts.forget('e', 'alpha'), 0);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM facts WHERE entity = 'e' AND key = 'alpha'`), 0);
  });

  test('stats, entity list, and rejected input', async () => {
    const { conn, facts } = await fresh(ctx);
    await facts.set('a', 'k1', '1');
    await facts.set('a', 'k1', '2');
    await facts.set('a', 'k2', '1');
    await facts.set('b', 'k1', '1');
    assert.deepEqual(await facts.stats(), {
      activeCount: 3,
      totalCount: 4,
      distinctEntities: 2,
      topEntities: [
        ['a', 2],
        ['b', 1],
      ],
    });
    assert.deepEqual(await facts.entities(), [
      ['a', 2],
      ['b', 1],
    ]);
    await assert.rejects(facts.set('', 'k', 'v'), InvalidInputError);
    await assert.rejects(facts.set('e', '', 'v'), InvalidInputError);
    await assert.rejects(facts.set('e', 'k', 'v\0'), InvalidInputError);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM facts`), 4);
  });

  test('a set retried with its id lands once, even after a later value superseded it', async () => {
    const { conn, facts } = await fresh(ctx);
    const id = '01JICMFACT0000000000000001';
    await facts.set('e', 'k', 'first', { id });
    await facts.set('e', 'k', 'second');
    const again = await facts.set('e', 'k', 'first', { id });
    assert.equal(again.action, 'unchanged');
    assert.equal((await facts.get('e', 'k'))!.value, 'second');
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM facts`), 2);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM facts WHERE superseded_at IS NULL`), 1);
  });
});

forEachMode('ICM rest: transcripts', (ctx) => {
  test('create a session and record messages: ids, defaults, updated_at bumped', async () => {
    const { transcripts } = await fresh(ctx);
    const sid = await transcripts.createSession({ agent: 'claude-code', project: 'mnemos' });
    assert.match(sid, ULID);
    const s0 = (await transcripts.getSession(sid))!;
    assert.deepEqual([s0.agent, s0.project, s0.metadata], ['claude-code', 'mnemos', '{}']);
    assert.equal(s0.startedAt, s0.updatedAt);
    const mid = await transcripts.record({ sessionId: sid, role: 'USER', content: 'hello there', tokens: 3 });
    assert.match(mid, ULID);
    const [m] = await transcripts.messages(sid);
    assert.deepEqual(
      [m.id, m.role, m.content, m.tokens, m.toolName, m.metadata],
      [mid, 'user', 'hello there', 3, null, '{}'],
    );
    const s1 = (await transcripts.getSession(sid))!;
    assert.equal(s1.updatedAt, m.ts);
    assert.ok(s1.updatedAt > s0.updatedAt);
  });

  test('ensure_session is idempotent and keeps the first row', async () => {
    const { conn, transcripts } = await fresh(ctx);
    const host = 'c0ffee00-1111-2222-3333-444455556666';
    assert.equal(await transcripts.ensureSession(host, { agent: 'claude-code', project: 'p1' }), host);
    assert.equal(await transcripts.ensureSession(host, { agent: 'other', project: 'p2' }), host);
    const s = (await transcripts.getSession(host))!;
    assert.deepEqual([s.agent, s.project], ['claude-code', 'p1']);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM sessions`), 1);
  });

  test('recording into a missing session is NotFound and writes nothing', async () => {
    const { conn, transcripts } = await fresh(ctx);
    const sid = await transcripts.createSession();
    await assert.rejects(
      transcripts.record({ sessionId: 'no-such-session', role: 'user', content: 'x' }),
      NotFoundError,
    );
    await assert.rejects(
      transcripts.recordMany([
        { sessionId: sid, role: 'user', content: 'fine' },
        { sessionId: 'no-such-session', role: 'user', content: 'x' },
      ]),
      NotFoundError,
    );
    await assert.rejects(transcripts.record({ sessionId: sid, role: 'robot', content: 'x' }), /invalid role 'robot'/);
    await assert.rejects(
      transcripts.record({ sessionId: sid, role: 'user', content: 'x', metadata: '{oops' }),
      InvalidInputError,
    );
    await assert.rejects(
      transcripts.record({ sessionId: sid, role: 'user', content: 'x', tokens: -1 }),
      InvalidInputError,
    );
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM messages`), 0);
  });

  test('search: ICM query language (OR, phrase, prefix, NOT, role:), BM25 order, score = -bm25', async () => {
    const { transcripts } = await fresh(ctx);
    const sid = await transcripts.createSession({ project: 'p' });
    const [pg, my, plan, tool] = await transcripts.recordMany([
      { sessionId: sid, role: 'user', content: 'we should use postgres for the store' },
      { sessionId: sid, role: 'assistant', content: 'mysql would also work here' },
      { sessionId: sid, role: 'assistant', content: 'the migration plan: postgres postgres postgres' },
      { sessionId: sid, role: 'tool', content: 'authentication token refreshed', toolName: 'Bash' },
    ]);
    const ids = async (q: string) => (await transcripts.search(q)).map((h) => h.message.id);
    assert.deepEqual(new Set(await ids('postgres OR mysql')), new Set([pg, my, plan]));
    assert.deepEqual(await ids('"migration plan"'), [plan]);
    assert.deepEqual(await ids('"plan migration"'), []);
    assert.deepEqual(await ids('auth*'), [tool]);
    assert.deepEqual(await ids('postgres NOT migration'), [pg]);
    assert.deepEqual(await ids('role:tool'), [tool]);
    assert.deepEqual(await ids('tool_name:bash'), [tool]);
    assert.deepEqual(await ids('(mysql OR authentication) AND work'), [my]);
    const hits = await transcripts.search('postgres');
    assert.deepEqual(
      hits.map((h) => h.message.id),
      [plan, pg],
      'more occurrences rank first',
    );
    assert.ok(hits[0].score > hits[1].score && hits[1].score > 0);
    assert.equal(hits[0].session.id, sid);
    assert.equal(hits[0].session.project, 'p');
    for (const q of HOSTILE) await transcripts.search(q);
    assert.deepEqual(await transcripts.search('   '), []);
    assert.deepEqual(await ids('postgres OR'), [plan, pg]);
    assert.deepEqual(new Set(await ids('"unbalanced postgres')), new Set());
    assert.deepEqual(await ids('(postgres'), [plan, pg]);
  });

  test('search scoped by session and by project', async () => {
    const { transcripts } = await fresh(ctx);
    const a = await transcripts.createSession({ project: 'alpha' });
    const b = await transcripts.createSession({ project: 'beta' });
    await transcripts.record({ sessionId: a, role: 'user', content: 'deploy the worker' });
    await transcripts.record({ sessionId: b, role: 'user', content: 'deploy the site' });
    assert.equal((await transcripts.search('deploy')).length, 2);
    assert.deepEqual(
      (await transcripts.search('deploy', { sessionId: a })).map((h) => h.session.id),
      [a],
    );
    assert.deepEqual(
      (await transcripts.search('deploy', { project: 'beta' })).map((h) => h.session.id),
      [b],
    );
    assert.equal((await transcripts.search('deploy', { sessionId: a, project: 'beta' })).length, 0);
    assert.equal((await transcripts.search('deploy', { limit: 1 })).length, 1);
  });

  test('messages in chronological order, even when written in one burst; list_sessions by activity', async () => {
    const { transcripts } = await fresh(ctx);
    const s1 = await transcripts.createSession({ project: 'p' });
    const s2 = await transcripts.createSession({ project: 'q' });
    const burst = Array.from({ length: 40 }, (_, i) => ({ sessionId: s1, role: 'user', content: `message ${i}` }));
    await transcripts.recordMany(burst);
    await transcripts.record({ sessionId: s2, role: 'user', content: 'later' });
    const msgs = await transcripts.messages(s1, { limit: 100 });
    assert.deepEqual(
      msgs.map((m) => m.content),
      burst.map((m) => m.content),
    );
    assert.deepEqual(
      (await transcripts.messages(s1, { limit: 5, offset: 10 })).map((m) => m.content),
      burst.slice(10, 15).map((m) => m.content),
    );
    assert.deepEqual(
      (await transcripts.listSessions()).map((s) => s.id),
      [s2, s1],
    );
    await transcripts.record({ sessionId: s1, role: 'user', content: 'even later' });
    assert.deepEqual(
      (await transcripts.listSessions()).map((s) => s.id),
      [s1, s2],
    );
    assert.deepEqual(
      (await transcripts.listSessions({ project: 'q' })).map((s) => s.id),
      [s2],
    );
  });

  test('a message retried with the same id lands once', async () => {
    const { conn, transcripts } = await fresh(ctx);
    const sid = await transcripts.createSession();
    const id = '01JICMMESSAGE0000000000001';
    await transcripts.record({ id, sessionId: sid, role: 'user', content: 'retried quokka' });
    await transcripts.record({ id, sessionId: sid, role: 'user', content: 'retried quokka' });
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM messages`), 1);
    assert.equal((await transcripts.search('quokka')).length, 1);
  });

  test('knownMessageIds: the session’s ids, or those of a list it holds; other sessions’ ids are not known', async () => {
    const { transcripts } = await fresh(ctx);
    const a = await transcripts.ensureSession('agent-session-a', { agent: 'claude-code' });
    const b = await transcripts.ensureSession('agent-session-b', { agent: 'codex' });
    await transcripts.recordMany([
      { id: 'mh-1', sessionId: a, role: 'user', content: 'one' },
      { id: 'mh-2', sessionId: a, role: 'assistant', content: 'two' },
      { id: 'mh-3', sessionId: b, role: 'user', content: 'three' },
    ]);
    assert.deepEqual([...(await transcripts.knownMessageIds(a))].sort(), ['mh-1', 'mh-2']);
    assert.deepEqual([...(await transcripts.knownMessageIds(a, ['mh-2', 'mh-3', 'mh-9']))], ['mh-2']);
    assert.deepEqual([...(await transcripts.knownMessageIds(a, []))], []);
    assert.deepEqual([...(await transcripts.knownMessageIds('no-such-session'))], []);
    await assert.rejects(transcripts.knownMessageIds(a, 'mh-1' as unknown as string[]), InvalidInputError);
    await assert.rejects(transcripts.knownMessageIds(a, ['\0']), InvalidInputError);
    await assert.rejects(transcripts.knownMessageIds(''), InvalidInputError);
  });

  test('stats and forget: messages deleted with their session, the index stays exact', async () => {
    const { conn, transcripts } = await fresh(ctx);
    const a = await transcripts.createSession({ agent: 'claude-code' });
    const b = await transcripts.createSession({ agent: 'codex' });
    const c = await transcripts.createSession({ agent: 'claude-code' });
    await transcripts.recordMany([
      { sessionId: a, role: 'user', content: 'héllo' },
      { sessionId: a, role: 'assistant', content: 'hi' },
      { sessionId: a, role: 'user', content: 'bye' },
      { sessionId: b, role: 'user', content: 'zebra' },
    ]);
    const st = await transcripts.stats();
    assert.equal(st.totalSessions, 3);
    assert.equal(st.totalMessages, 4);
    assert.equal(st.totalBytes, 6 + 2 + 3 + 5);
    assert.deepEqual(st.byRole, [
      ['user', 3],
      ['assistant', 1],
    ]);
    assert.deepEqual(st.byAgent, [
      ['claude-code', 2],
      ['codex', 1],
    ]);
    assert.deepEqual(st.topSessions, [
      [a, 3],
      [b, 1],
    ]);
    assert.ok(st.oldest! <= st.newest!);
    assert.deepEqual(await transcripts.forgetSession(a), { sessions: 1, messages: 3 });
    assert.deepEqual(await transcripts.forgetSession(a), { sessions: 0, messages: 0 });
    assert.equal(await transcripts.getSession(a), null);
    assert.equal((await transcripts.search('hello OR hi OR bye')).length, 0);
    assert.equal((await transcripts.search('zebra')).length, 1);
    assert.equal(await count(conn, `SELECT COUNT(*) AS n FROM messages_fts`), 1);
    void c;
  });
});

forEachMode('ICM rest: code areas', (ctx) => {
  test('a touch inserts, the next ones bump touch_count and last_touched_at', async () => {
    const { codeAreas } = await fresh(ctx);
    await codeAreas.touch({ project: 'mnemos', filePath: 'src/store/store.ts', sessionId: 's1', toolName: 'Edit' });
    await codeAreas.touch({ project: 'mnemos', filePath: 'src/store/store.ts', toolName: 'Write' });
    const [a] = await codeAreas.list();
    assert.equal(a.touchCount, 2);
    assert.deepEqual([a.sessionId, a.toolName, a.description], ['s1', 'Write', null]);
    assert.ok(a.lastTouchedAt > a.firstTouchedAt);
    assert.equal(typeof a.id, 'number');
    assert.equal(await codeAreas.count(), 1);
  });

  test('the description is kept when a touch has none and replaced when it has one', async () => {
    const { codeAreas } = await fresh(ctx);
    const f = { project: 'p', filePath: 'a.ts' };
    await codeAreas.touch({ ...f, description: 'first hint' });
    await codeAreas.touch(f);
    assert.equal((await codeAreas.list())[0].description, 'first hint');
    await codeAreas.touch({ ...f, description: 'second hint' });
    assert.equal((await codeAreas.list())[0].description, 'second hint');
  });

  test('list filters by project, exact path or /suffix (no wildcards), since; newest first', async () => {
    const { codeAreas } = await fresh(ctx);
    await codeAreas.touchMany([
      { project: 'p', filePath: 'src/store/store.ts' },
      { project: 'p', filePath: 'src/mystore.ts' },
      { project: 'p', filePath: 'src/a_b.ts' },
      { project: 'q', filePath: 'lib/store.ts' },
    ]);
    const mid = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    await codeAreas.touch({ project: 'p', filePath: 'src/axb.ts' });
    assert.deepEqual((await codeAreas.list()).map((a) => a.filePath).slice(0, 1), ['src/axb.ts']);
    assert.deepEqual((await codeAreas.list({ inFile: 'store.ts' })).map((a) => a.filePath).sort(), [
      'lib/store.ts',
      'src/store/store.ts',
    ]);
    assert.deepEqual(
      (await codeAreas.list({ project: 'p', inFile: 'store.ts' })).map((a) => a.filePath),
      ['src/store/store.ts'],
    );
    assert.deepEqual(
      (await codeAreas.list({ inFile: 'src/a_b.ts' })).map((a) => a.filePath),
      ['src/a_b.ts'],
    );
    assert.deepEqual(
      (await codeAreas.list({ inFile: 'a_b.ts' })).map((a) => a.filePath),
      ['src/a_b.ts'],
    );
    assert.deepEqual(
      (await codeAreas.list({ since: mid })).map((a) => a.filePath),
      ['src/axb.ts'],
    );
    assert.equal((await codeAreas.list({ limit: 2 })).length, 2);
    assert.equal(await codeAreas.count('p'), 4);
    await assert.rejects(codeAreas.touch({ project: '', filePath: 'x' }), InvalidInputError);
    await assert.rejects(
      codeAreas.touchMany([
        { project: 'p', filePath: 'ok.ts' },
        { project: 'p', filePath: 'bad\n' },
      ]),
      InvalidInputError,
    );
    assert.equal(await codeAreas.count(), 5);
  });
});
