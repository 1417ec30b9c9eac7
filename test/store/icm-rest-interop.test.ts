/**
 * ICM ⇄ Mnemos for transcripts, feedback, facts and code areas, on one file. Plain SQLite (python3's
 * sqlite3 module, not libSQL) creates the tables with ICM 0.10.57's DDL and writes rows the way ICM
 * does; Mnemos reads, searches and adds to them; then plain SQLite runs ICM's own queries (its raw
 * FTS5 search, its LIKE prefix) over what Mnemos wrote, and FTS5's integrity check. The other way,
 * tables Mnemos created are the ones ICM creates (same `sqlite_master` text) and ICM's init leaves them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { type Conn, openConn } from '../../src/store/conn';
import { ICM_OBJECTS } from '../../src/store/icmTables';
import { icmRestStores } from '../../src/store/icmRest';
import { ICM_FEEDBACK_FTS, ICM_MESSAGES_FTS, ICM_OTHER_TABLES } from '../fixtures/icm/build-icm-db';
import { tmpDir } from './modes';

const ICM_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?\+00:00$/;
const OBJECTS = Object.values(ICM_OBJECTS).flat();

/** ICM's `init_db` steps for these tables: the tables, then each FTS table and its triggers only when missing. */
const PY_ICM_INIT = `
import sqlite3, sys, json
ddl = json.load(sys.stdin)
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA foreign_keys=ON'); db.execute('PRAGMA busy_timeout=30000')
db.executescript(ddl['tables'])
for name in ('feedback_fts', 'messages_fts'):
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone():
        db.executescript(ddl[name])
print(json.dumps({'ok': True}))
`;

/** Rows as ICM writes them: ULIDs, chrono RFC 3339 with 9 digits, NULL tool_name, a superseded fact. */
const PY_ICM_WRITE = `
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('PRAGMA foreign_keys=ON')
t = lambda s: '2026-01-02T03:04:%02d.123456789+00:00' % s
db.execute("INSERT INTO sessions (id, agent, project, started_at, updated_at, metadata) VALUES (?,?,?,?,?,?)",
  ('01JICMSESSION0000000000001', 'claude-code', 'mnemos', t(1), t(4), '{"cwd":"/src"}'))
msgs = [('01JICMMSG00000000000000001', 'user', 'we chose postgres for the store', None, 12, t(2)),
        ('01JICMMSG00000000000000002', 'tool', 'grep output: postgres.conf', None, None, t(3)),
        ('01JICMMSG00000000000000003', 'assistant', 'noted the decision', None, 4, t(4))]
for (i, role, content, tool, tokens, ts) in msgs:
    db.execute("INSERT INTO messages (id, session_id, role, content, tool_name, tokens, ts, metadata) VALUES (?,?,?,?,?,?,?,?)",
      (i, '01JICMSESSION0000000000001', role, content, tool, tokens, ts, '{}'))
db.execute("INSERT INTO feedback (id, topic, context, predicted, corrected, reason, source, created_at, applied_count) VALUES (?,?,?,?,?,?,?,?,?)",
  ('01JICMFEEDBACK000000000001', 'triage-owner/repo', 'issue about flaky sync', 'bug', 'infra', None, '', t(5), 2))
db.execute("INSERT INTO facts (id, entity, key, value, source, created_at, superseded_at) VALUES (?,?,?,?,?,?,?)",
  ('01JICMFACT0000000000000001', 'svc-api', 'host', 'old.internal', 'user', t(6), t(7)))
db.execute("INSERT INTO facts (id, entity, key, value, source, created_at, superseded_at) VALUES (?,?,?,?,?,?,NULL)",
  ('01JICMFACT0000000000000002', 'svc-api', 'host', 'api.internal', 'user', t(7)))
db.execute("""INSERT INTO code_areas (project, file_path, description, session_id, tool_name, touch_count, first_touched_at, last_touched_at)
  VALUES (?,?,?,?,?,?,?,?)""", ('mnemos', 'src/store/store.ts', 'store facade', '01JICMSESSION0000000000001', 'Edit', 3, t(1), t(8)))
print(json.dumps({'ok': True}))
`;

/** ICM's read queries (store.rs), verbatim, plus SQLite's and FTS5's integrity checks. */
const PY_ICM_READ = `
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1], isolation_level=None)
q = lambda sql, *a: [list(r) for r in db.execute(sql, a).fetchall()]
out = {'sqlite': sqlite3.sqlite_version}
out['integrity'] = q('PRAGMA integrity_check')
for fts in ('messages_fts', 'feedback_fts'):
    db.execute("INSERT INTO %s(%s, rank) VALUES('integrity-check', 1)" % (fts, fts))
out['search'] = q("""SELECT m.id, m.session_id, m.role, m.content, m.tool_name, m.tokens, m.ts, m.metadata,
                    s.id AS s_id, s.agent AS s_agent, s.project AS s_project,
                    s.started_at AS s_started_at, s.updated_at AS s_updated_at,
                    s.metadata AS s_metadata,
                    bm25(messages_fts) AS score
             FROM messages_fts
             JOIN messages m ON m.rowid = messages_fts.rowid
             JOIN sessions s ON s.id = m.session_id
             WHERE messages_fts MATCH ?1 ORDER BY score ASC LIMIT ?2""", 'quokka OR "chose postgres"', 10)
out['thread'] = q("""SELECT id, session_id, role, content, tool_name, tokens, ts, metadata
                 FROM messages WHERE session_id = ?1
                 ORDER BY ts ASC LIMIT ?2 OFFSET ?3""", '01JICMSESSION0000000000001', 100, 0)
out['sessions'] = q("SELECT id, agent, project, started_at, updated_at, metadata FROM sessions ORDER BY updated_at DESC LIMIT ?1", 10)
out['fact'] = q("""SELECT id, entity, key, value, source, created_at, superseded_at
                 FROM facts WHERE entity = ?1 AND key = ?2 AND superseded_at IS NULL""", 'svc-api', 'host')
out['history'] = q("SELECT value, superseded_at IS NULL FROM facts WHERE entity = ?1 AND key = ?2 ORDER BY created_at DESC", 'svc-api', 'host')
out['prefix'] = q("SELECT key FROM facts WHERE entity = ?1 AND key LIKE ?2 AND superseded_at IS NULL ORDER BY key ASC", 'svc-api', 'ho%')
out['feedback'] = q("""SELECT id, topic, context, predicted, corrected, reason, source, created_at, applied_count FROM feedback
                     WHERE id IN (SELECT id FROM feedback_fts WHERE feedback_fts MATCH ?1)
                     ORDER BY created_at DESC LIMIT ?2""", '"quokka"', 10)
out['areas'] = q("""SELECT id, project, file_path, description, session_id, tool_name, touch_count, first_touched_at, last_touched_at
             FROM code_areas WHERE 1=1 AND (file_path = ? OR file_path LIKE ?) ORDER BY last_touched_at DESC LIMIT ?""",
             'store.ts', '%/store.ts', 100)
out['master'] = q("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
print(json.dumps(out))
`;

function python(code: string, file: string, input: unknown = null): any {
  const out = execFileSync('python3', ['-c', code, file], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out);
}
const ICM_DDL_INPUT = { tables: ICM_OTHER_TABLES, feedback_fts: ICM_FEEDBACK_FTS, messages_fts: ICM_MESSAGES_FTS };
const norm = (sql: string) => sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
const masterOf = (rows: [string, string][]) =>
  new Map(rows.filter(([n]) => OBJECTS.includes(n)).map(([n, s]) => [n, norm(s)]));

const conns: Conn[] = [];
after(async () => {
  for (const c of conns) await c.close().catch(() => undefined);
});
async function open(file: string) {
  const conn = await openConn({ mode: 'local', path: file });
  conns.push(conn);
  return { conn, ...icmRestStores(conn) };
}

test('a file ICM wrote: Mnemos reads and searches it, adds to it, and ICM reads what Mnemos wrote', async () => {
  const file = path.join(tmpDir(), 'icm.db');
  python(PY_ICM_INIT, file, ICM_DDL_INPUT);
  python(PY_ICM_WRITE, file);
  const before = masterOf(python(PY_ICM_READ, file).master);

  const m = await open(file);
  const sid = '01JICMSESSION0000000000001';
  const hits = await m.transcripts.search('postgres');
  assert.deepEqual(
    new Set(hits.map((h) => h.message.id)),
    new Set(['01JICMMSG00000000000000001', '01JICMMSG00000000000000002']),
  );
  assert.equal(hits[0].session.metadata, '{"cwd":"/src"}');
  assert.equal(
    (await m.transcripts.search('role:tool')).length,
    1,
    'a NULL tool_name is indexed as empty, role is searchable',
  );
  assert.deepEqual(
    (await m.transcripts.messages(sid)).map((x) => [x.role, x.toolName, x.tokens]),
    [
      ['user', null, 12],
      ['tool', null, null],
      ['assistant', null, 4],
    ],
  );
  assert.equal((await m.feedback.search('flaky sync'))[0].appliedCount, 2);
  assert.deepEqual((await m.feedback.stats()).mostApplied, [['01JICMFEEDBACK000000000001', 2]]);
  assert.equal((await m.facts.get('svc-api', 'host'))!.value, 'api.internal');
  assert.deepEqual(
    (await m.facts.history('svc-api', 'host')).map((f) => f.value),
    ['api.internal', 'old.internal'],
  );
  assert.equal((await m.codeAreas.list({ inFile: 'store.ts' }))[0].touchCount, 3);

  // Mnemos writes into ICM's rows.
  const mid = await m.transcripts.record({
    sessionId: sid,
    role: 'user',
    content: 'the quokka migration',
    toolName: 'Bash',
  });
  const sid2 = await m.transcripts.createSession({ agent: 'mnemos', project: 'other' });
  await m.transcripts.record({ sessionId: sid2, role: 'assistant', content: 'another quokka' });
  const fid = await m.feedback.record({
    topic: 'triage-owner/repo',
    context: 'quokka issue',
    predicted: 'a',
    corrected: 'b',
  });
  await m.feedback.incrementApplied('01JICMFEEDBACK000000000001');
  await m.facts.set('svc-api', 'host', 'new.internal', { source: 'mnemos' });
  await m.facts.set('svc-api', 'hosts', 'h1,h2');
  await m.codeAreas.touch({ project: 'mnemos', filePath: 'src/store/store.ts', toolName: 'Write' });
  await m.conn.close();

  const r = python(PY_ICM_READ, file);
  assert.deepEqual(r.integrity, [['ok']], `python sqlite ${r.sqlite}`);
  assert.deepEqual(masterOf(r.master), before, "Mnemos left ICM's tables, indexes and triggers as ICM made them");
  assert.deepEqual(
    new Set(r.search.map((h: unknown[]) => h[0])),
    new Set([mid, '01JICMMSG00000000000000001', r.search.find((h: unknown[]) => h[8] === sid2)?.[0]]),
  );
  assert.equal(r.search.length, 3);
  const mine = r.search.find((h: unknown[]) => h[0] === mid);
  assert.deepEqual(mine.slice(1, 6), [sid, 'user', 'the quokka migration', 'Bash', null]);
  assert.match(mine[6], ICM_RFC3339);
  assert.equal(mine[7], '{}');
  assert.deepEqual(
    r.thread.map((x: unknown[]) => x[0]),
    ['01JICMMSG00000000000000001', '01JICMMSG00000000000000002', '01JICMMSG00000000000000003', mid],
  );
  assert.deepEqual(
    r.sessions.map((x: unknown[]) => x[0]),
    [sid2, sid],
    'updated_at bumped by the new messages',
  );
  assert.equal(r.fact.length, 1);
  assert.deepEqual(r.fact[0].slice(3, 5), ['new.internal', 'mnemos']);
  assert.match(r.fact[0][5], ICM_RFC3339);
  assert.deepEqual(r.history, [
    ['new.internal', 1],
    ['api.internal', 0],
    ['old.internal', 0],
  ]);
  assert.deepEqual(r.prefix, [['host'], ['hosts']]);
  assert.deepEqual(
    r.feedback.map((x: unknown[]) => [x[0], x[5], x[6], x[8]]),
    [[fid, null, '', 0]],
  );
  assert.equal(r.areas.length, 1);
  assert.deepEqual(r.areas[0].slice(2, 7), [
    'src/store/store.ts',
    'store facade',
    '01JICMSESSION0000000000001',
    'Write',
    4,
  ]);
  assert.match(r.areas[0][8], ICM_RFC3339);
});

test("tables Mnemos creates are ICM's (same sqlite_master text), and ICM's init then changes nothing", async () => {
  const dir = tmpDir();
  const icmFile = path.join(dir, 'icm.db');
  python(PY_ICM_INIT, icmFile, ICM_DDL_INPUT);
  const icm = masterOf(python(PY_ICM_READ, icmFile).master);

  const file = path.join(dir, 'mnemos.db');
  const m = await open(file);
  const sid = await m.transcripts.createSession({ agent: 'mnemos' });
  await m.transcripts.record({ sessionId: sid, role: 'user', content: 'written by mnemos quokka' });
  await m.feedback.record({ topic: 't', context: 'quokka', predicted: 'p', corrected: 'c' });
  await m.facts.set('e', 'k', 'v');
  await m.codeAreas.touch({ project: 'p', filePath: 'src/store.ts' });
  await m.conn.close();

  const mine = masterOf(python(PY_ICM_READ, file).master);
  assert.equal(icm.size, OBJECTS.length);
  assert.deepEqual([...mine.keys()].sort(), [...icm.keys()].sort());
  for (const [name, sql] of icm) assert.equal(mine.get(name), sql, `${name} as ICM creates it`);

  python(PY_ICM_INIT, file, ICM_DDL_INPUT);
  const r = python(PY_ICM_READ, file);
  assert.deepEqual(masterOf(r.master), mine);
  assert.deepEqual(r.integrity, [['ok']]);
  assert.equal(r.search.length, 1);
  assert.equal(r.feedback.length, 1);
  assert.deepEqual(
    r.areas.map((a: unknown[]) => a[2]),
    ['src/store.ts'],
  );
});
