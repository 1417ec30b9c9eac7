/**
 * ICM ⇄ Mnemos on one file. A database built exactly as ICM 0.10.57 builds it (fixture) is opened,
 * searched and edited by Mnemos without sqlite-vec, and ICM's tables, vectors and sqlite-vec index
 * stay intact. The other way, a database Mnemos wrote is read, searched and written by plain SQLite
 * (python3's sqlite3 module, not libSQL), and by ICM's own open-time migration.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { type MnemosStore, openStore, summaryHash } from '../../src/store';
import {
  buildIcmDb,
  embeddingBlob,
  fakeEmbedding,
  ICM_DIMS,
  icmInitDb,
  icmSummaryHash,
  openWithVec,
  SAMPLE_MEMORIES,
} from '../fixtures/icm/build-icm-db';
import { tmpDir } from './modes';

const RFC3339_9 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00$/;
const hex = (v: unknown) => (v == null ? null : Buffer.from(v as Uint8Array).toString('hex'));

type Snapshot = {
  master: Map<string, string>;
  embeddings: Map<string, string | null>;
  vectors: Map<string, string | null>;
  counts: Record<string, number>;
};
const ICM_OTHER = [
  'memoirs',
  'concepts',
  'concept_links',
  'feedback',
  'facts',
  'sessions',
  'messages',
  'pending_extractions',
  'hook_events',
  'code_areas',
];

/** Everything ICM owns in the file, read through a connection that has sqlite-vec. */
function snapshot(file: string): Snapshot {
  const db = openWithVec(file);
  try {
    const master = new Map(
      db
        .prepare(`SELECT type || ' ' || name AS k, COALESCE(sql, '') AS sql FROM sqlite_master`)
        .all([])
        .map((r) => [String(r.k), String(r.sql)]),
    );
    const embeddings = new Map(
      db
        .prepare(`SELECT id, embedding FROM memories`)
        .all([])
        .map((r) => [String(r.id), hex(r.embedding)]),
    );
    const vectors = new Map(
      db
        .prepare(`SELECT memory_id, embedding FROM vec_memories`)
        .all([])
        .map((r) => [String(r.memory_id), hex(r.embedding)]),
    );
    const counts: Record<string, number> = {};
    for (const t of [...ICM_OTHER, 'memories', 'vec_memories', 'icm_metadata'])
      counts[t] = Number(db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get([])!.n);
    return { master, embeddings, vectors, counts };
  } finally {
    db.close();
  }
}

function knn(file: string, query: Float32Array, k = 3): { id: string; distance: number }[] {
  const db = openWithVec(file);
  try {
    return db
      .prepare(`SELECT memory_id, distance FROM vec_memories WHERE embedding MATCH ? AND k = ? ORDER BY distance`)
      .all([embeddingBlob(query), k])
      .map((r) => ({ id: String(r.memory_id), distance: Number(r.distance) }));
  } finally {
    db.close();
  }
}

function ftsIntegrity(file: string): void {
  const db = openWithVec(file);
  try {
    db.exec(FTS_CHECK);
  } finally {
    db.close();
  }
}

/** rank = 1 also compares the index with the external content table (plain 'integrity-check' misses ghost rows). */
const FTS_CHECK = `INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)`;

/** Runs a python3 snippet with plain SQLite (CPython's sqlite3 module); argv[1] = file, stdin = JSON input; returns its JSON output. */
function python(code: string, file: string, input: unknown = null): any {
  const out = execFileSync('python3', ['-c', code, file], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out);
}

const open: MnemosStore[] = [];
after(async () => {
  for (const s of open) await s.close().catch(() => undefined);
});
async function mnemos(file: string): Promise<MnemosStore> {
  const s = await openStore({ mode: 'local', path: file });
  open.push(s);
  return s;
}

describe('Mnemos on a database ICM 0.10.57 created', () => {
  test('the fixture is what ICM writes: 9-digit RFC 3339 times, ULIDs, ICM hashes, 384-d blobs mirrored in vec_memories', () => {
    const file = path.join(tmpDir('mnemos-icm-'), 'icm.db');
    const built = buildIcmDb(file);
    const snap = snapshot(file);
    assert.equal(snap.counts.memories, SAMPLE_MEMORIES.length);
    assert.equal(snap.counts.vec_memories, SAMPLE_MEMORIES.filter((m) => m.embedding !== null).length);
    for (const m of built.memories) {
      assert.match(m.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.match(m.createdAt, RFC3339_9);
      const blob = snap.embeddings.get(m.id);
      assert.equal(blob === null ? 0 : blob!.length / 2, m.hasEmbedding ? ICM_DIMS * 4 : 0);
    }
    assert.ok(snap.master.has('table vec_memories') && snap.master.has('index idx_memories_topic_hash'));
    assert.match(
      snap.master.get('index idx_memories_topic_hash')!,
      /LOWER\(topic\), summary_hash\) WHERE summary_hash IS NOT NULL/,
    );
    const [nearest] = knn(file, fakeEmbedding(3));
    assert.equal(nearest.id, built.memories[2].id, 'KNN finds a vector by itself');
  });

  test('Mnemos lists, searches, stores, updates, forgets; ICM tables and vectors intact but the forgotten one', async () => {
    const file = path.join(tmpDir('mnemos-icm-'), 'icm.db');
    const built = buildIcmDb(file);
    const before = snapshot(file);
    const byTopic = (t: string, i = 0) => built.memories.filter((m) => m.topic === t)[i];

    const s = await mnemos(file);
    assert.equal(s.schema.hasIcmVecTable, true);
    assert.equal(s.schema.hasIcmEmbeddingColumn, true);

    // list: every ICM memory, fields as ICM wrote them
    const all: string[] = [];
    for await (const m of s.iterate()) all.push(m.id);
    assert.deepEqual(all.sort(), built.memories.map((m) => m.id).sort());
    const first = (await s.get(built.memories[0].id))!;
    assert.equal(first.createdAt, built.memories[0].createdAt, 'timestamps read back verbatim (9 digits)');
    assert.deepEqual(first.keywords, ['libsql', 'turso', 'storage']);
    assert.equal(first.importance, 'high');
    const legacy = built.memories.find((m) => m.legacy)!;
    const lm = (await s.get(legacy.id))!;
    assert.equal(lm.updatedAt, lm.createdAt, 'empty updated_at reads as created_at');
    assert.equal(lm.accessCount, 7);
    assert.equal(lm.weight, 0.42);
    const conv = (await s.get(byTopic('conversation-import').id))!;
    assert.equal(conv.sourceType, 'conversation');
    assert.deepEqual(conv.sourceData, { type: 'conversation', thread_id: 'thread-42' });
    assert.deepEqual(
      (await s.topics()).find((t) => t.topic === 'errors-resolved'),
      { topic: 'errors-resolved', count: 3 },
    );

    // search over ICM's FTS index
    const hits = await s.recallKeyword('busy_timeout hooks', { bumpAccess: false });
    assert.equal(hits[0]?.memory.id, byTopic('errors-resolved').id);
    assert.equal((await s.recallKeyword('日本語', { bumpAccess: false }))[0]?.memory.id, byTopic('architecture', 1).id);
    assert.equal(
      (await s.recallKeyword('legacy summary_hash', { bumpAccess: false }))[0]?.memory.id,
      legacy.id,
      'legacy rows are indexed too',
    );

    // store: a new memory, and one ICM already has (case/whitespace differ) merges into ICM's row: same hash rule
    const created = await s.store({
      topic: 'decisions-mnemos',
      summary: 'Mnemos adds a VS Code sidebar over the same file',
      keywords: ['vscode'],
    });
    assert.equal(created.action, 'created');
    const dup = await s.store({
      topic: ' Decisions-Mnemos ',
      summary: 'Chose libSQL over   plain SQLite so a team can share one Turso database',
      keywords: ['sharing'],
    });
    assert.deepEqual(dup, { id: byTopic('decisions-mnemos').id, action: 'merged' });
    assert.deepEqual((await s.get(dup.id))!.keywords, ['libsql', 'turso', 'storage', 'sharing']);
    const [h] = await s.sql(`SELECT summary_hash FROM memories WHERE id = ?`, [created.id]);
    assert.equal(
      h.summary_hash,
      icmSummaryHash('decisions-mnemos', 'Mnemos adds a VS Code sidebar over the same file'),
    );

    // update and forget ICM rows
    const edited = byTopic('context-mnemos');
    await s.update(edited.id, {
      summary: 'The webview and host exchange typed messages; replies carry the request sequence number',
    });
    assert.equal((await s.recallKeyword('typed messages sequence', { bumpAccess: false }))[0]?.memory.id, edited.id);
    assert.equal((await s.recallKeyword('talks', { bumpAccess: false })).length, 0, 'the old text left the index');
    const forgotten = byTopic('errors-resolved', 1);
    await s.forget(forgotten.id);
    assert.equal(await s.get(forgotten.id), null);
    await s.recall('libSQL'); // bumps access on ICM rows
    await s.close();

    // Reopen as ICM would, with sqlite-vec loaded.
    const after = snapshot(file);
    for (const [k, sql] of before.master) assert.equal(after.master.get(k), sql, `${k} unchanged`);
    for (const k of after.master.keys())
      if (!before.master.has(k))
        assert.match(k, /^\w+ \w*mnemos_/, `Mnemos only adds objects of its own, named mnemos_* (${k})`);
    for (const t of ICM_OTHER) assert.equal(after.counts[t], before.counts[t], `${t} rows intact`);
    for (const m of built.memories) {
      if (m.id !== forgotten.id)
        assert.equal(after.vectors.get(m.id), before.vectors.get(m.id), `vec_memories row of ${m.topic} intact`);
    }
    assert.equal(
      after.vectors.has(forgotten.id),
      false,
      'forgetting a memory deletes its vec_memories row, as ICM does',
    );
    assert.equal(after.counts.vec_memories, before.counts.vec_memories - 1);
    assert.equal(after.counts.memories, before.counts.memories); // +1 created, −1 forgotten
    const touched = new Set([edited.id, forgotten.id, created.id]);
    for (const m of built.memories)
      if (!touched.has(m.id))
        assert.equal(after.embeddings.get(m.id), before.embeddings.get(m.id), `embedding of ${m.topic} untouched`);
    assert.equal(after.embeddings.get(created.id), null, 'a memory Mnemos stores has no vector until embedded');
    assert.equal(
      after.embeddings.get(edited.id),
      null,
      "an edited memory's ICM embedding is cleared (it described the old text), so `icm embed` redoes it",
    );
    const near = knn(file, fakeEmbedding(1));
    assert.equal(near[0].id, built.memories[0].id);
    assert.ok(near[0].distance < 1e-5, `distance ${near[0].distance}`);
    ftsIntegrity(file);
    const db = openWithVec(file);
    try {
      assert.deepEqual(
        db
          .prepare(`PRAGMA integrity_check`)
          .all([])
          .map((r) => Object.values(r)[0]),
        ['ok'],
      );
      assert.equal(
        db.prepare(`SELECT name FROM concepts WHERE id = ?`).get([built.others.conceptIds[0]])!.name,
        'store',
      );
      assert.equal(
        db.prepare(`SELECT value FROM icm_metadata WHERE key = 'embedding_dims'`).get([])!.value,
        String(ICM_DIMS),
      );
    } finally {
      db.close();
    }
  });

  test("the pre-#44 any-column memories_au trigger is replaced by ICM's narrowed one and the FTS index rebuilt", async () => {
    const file = path.join(tmpDir('mnemos-icm-'), 'icm-old.db');
    const built = buildIcmDb(file, { preFix44: true });
    const db = openWithVec(file);
    // A ghost: an index entry whose row is gone (what the old trigger left behind, issue #44).
    db.exec(
      `INSERT INTO memories_fts(rowid, id, topic, summary, keywords) VALUES (999999, 'ghost', 'ghost', 'phantom consolidation leftover', '[]')`,
    );
    assert.doesNotMatch(
      String(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'memories_au'`).get([])!.sql),
      /UPDATE OF/,
    );
    db.close();
    assert.throws(() => ftsIntegrity(file), /malformed|corrupt/i, 'the ghost makes the index disagree with the table');

    const s = await mnemos(file);
    const [au] = await s.sql(`SELECT sql FROM sqlite_master WHERE name = 'memories_au'`);
    assert.match(String(au.sql), /AFTER UPDATE OF topic, summary, keywords ON memories/);
    assert.equal(
      (await s.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH '"phantom"'`))[0].n,
      0,
      'rebuilt: the ghost is gone',
    );
    await s.sql(FTS_CHECK);
    assert.equal(
      (await s.recallKeyword('busy_timeout', { bumpAccess: false }))[0]?.memory.id,
      built.memories[2].id,
      'real rows still found',
    );
    await s.close();
    ftsIntegrity(file);
  });
});

describe('a database Mnemos wrote, read and written by plain SQLite and by ICM', () => {
  const PY_READ = String.raw`
import json, re, sys, sqlite3, hashlib
c = sqlite3.connect(sys.argv[1])
cols = ['id','created_at','updated_at','last_accessed','access_count','weight','topic','summary','raw_excerpt','keywords','importance','source_type','source_data','related_ids','summary_hash']
rows = [dict(zip(cols, r)) for r in c.execute('SELECT ' + ', '.join(cols) + ' FROM memories ORDER BY id')]
def icm_hash(t, s):
    return hashlib.sha256(t.strip().lower().encode() + b'\x00' + ' '.join(s.split()).lower().encode()).hexdigest()
problems = []
for r in rows:
    for k in ('keywords', 'related_ids'):
        if not isinstance(json.loads(r[k]), list): problems.append((r['id'], k))
    if r['source_data'] is not None and not isinstance(json.loads(r['source_data']), dict): problems.append((r['id'], 'source_data'))
    if r['importance'] not in ('critical', 'high', 'medium', 'low'): problems.append((r['id'], 'importance'))
    for k in ('created_at', 'updated_at', 'last_accessed'):
        if not re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?\+00:00', r[k]): problems.append((r['id'], k, r[k]))
    if r['summary_hash'] != icm_hash(r['topic'], r['summary']): problems.append((r['id'], 'summary_hash'))
fts = [r[0] for r in c.execute('SELECT m.id FROM memories_fts f JOIN memories m ON m.rowid = f.rowid WHERE memories_fts MATCH ? ORDER BY rank', ('"libsql"',))]
print(json.dumps({'sqlite': sqlite3.sqlite_version, 'integrity': c.execute('PRAGMA integrity_check').fetchall(),
  'fts_integrity': c.execute("INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)").rowcount is not None,
  'rows': rows, 'problems': problems, 'fts': fts}))
`;

  // ICM's store(): BEGIN IMMEDIATE + INSERT OR IGNORE with its hash; a memory without an embedder has no vector.
  const PY_ICM_INSERT = String.raw`
import json, sys, sqlite3, hashlib, datetime
m = json.load(sys.stdin)
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('PRAGMA busy_timeout=30000')
now = datetime.datetime.now(datetime.timezone.utc)
ts = now.strftime('%Y-%m-%dT%H:%M:%S.') + '%06d' % now.microsecond + '123+00:00'
h = hashlib.sha256(m['topic'].strip().lower().encode() + b'\x00' + ' '.join(m['summary'].split()).lower().encode()).hexdigest()
out = []
c.execute('BEGIN IMMEDIATE')
for mid in m['ids']:
    cur = c.execute('''INSERT OR IGNORE INTO memories (id, created_at, updated_at, last_accessed, access_count, weight,
         topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids, embedding, summary_hash)
         VALUES (?, ?, ?, ?, 0, 1.0, ?, ?, NULL, ?, ?, 'manual', NULL, '[]', NULL, ?)''',
         (mid, ts, ts, ts, m['topic'], m['summary'], json.dumps(m['keywords']), 'high', h))
    out.append(cur.rowcount)
c.execute('COMMIT')
print(json.dumps({'inserted': out, 'ts': ts}))
`;

  test('plain SQLite reads every memory with ICM columns, runs FTS5 MATCH, and ICM can migrate and write after Mnemos', async () => {
    const file = path.join(tmpDir('mnemos-py-'), 'mnemos.db');
    const s = await mnemos(file);
    const ids: string[] = [];
    const seeds = [
      {
        topic: 'decisions-mnemos',
        summary: 'Use libSQL for the store so Turso works',
        keywords: ['libsql', 'turso'],
        importance: 'high' as const,
      },
      {
        topic: 'snippets',
        summary: 'Retry loop for SQLITE_BUSY',
        rawExcerpt: 'for (;;) { try { ... } catch {} }',
        source: { type: 'vscode', file: 'src/store/conn.ts', startLine: 10, endLine: 30, language: 'typescript' },
      },
      {
        topic: 'errors-resolved',
        summary: 'libsql panics on a lone Buffer argument: pass [buffer]',
        keywords: ['libsql', 'buffer'],
      },
      { topic: 'unicode', summary: 'Ünïcödé — 日本語 — emoji 🚀 survive', keywords: ['i18n'] },
      { topic: 'spacing', summary: '  Whitespace   runs\tare   collapsed\nfor the hash  ' },
    ];
    for (const m of seeds) ids.push((await s.store(m)).id);
    await s.update(ids[2], { summary: 'libsql 0.5 panics on a lone Buffer argument: pass [buffer]' });
    const gone = (await s.store({ topic: 'tmp', summary: 'to be forgotten' })).id;
    await s.forget(gone);
    await s.recall('libsql');
    await s.decay();
    const [ic] = await s.sql(`PRAGMA integrity_check`);
    assert.equal(Object.values(ic)[0], 'ok');
    await s.close();

    const read = python(PY_READ, file);
    assert.deepEqual(read.integrity, [['ok']], `python sqlite ${read.sqlite}: integrity_check`);
    assert.deepEqual(read.problems, [], 'every row has ICM-shaped values and the hash ICM computes');
    assert.deepEqual(
      read.rows.map((r: { id: string }) => r.id),
      [...ids].sort(),
      'every memory, nothing forgotten',
    );
    const snip = read.rows.find((r: { id: string }) => r.id === ids[1]);
    assert.equal(snip.raw_excerpt, seeds[1].rawExcerpt);
    assert.equal(JSON.parse(snip.source_data).file, 'src/store/conn.ts');
    assert.equal(read.rows.find((r: { id: string }) => r.id === ids[3]).summary, seeds[3].summary);
    assert.deepEqual(
      new Set(read.fts),
      new Set([ids[0], ids[2]]),
      'FTS5 MATCH in plain SQLite finds both libsql memories',
    );

    // ICM opens the file (its init_db migration, with sqlite-vec) — it must succeed on a Mnemos file.
    const db = openWithVec(file);
    try {
      icmInitDb(db);
      assert.equal(
        db.prepare(`SELECT value FROM icm_metadata WHERE key = 'embedding_dims'`).get([])!.value,
        String(ICM_DIMS),
      );
    } finally {
      db.close();
    }

    // ICM writes (via plain SQLite): one new memory, and one duplicate of a Mnemos memory that its dedup must ignore.
    const fresh = '01JICM0000000000000000000A';
    const w = python(PY_ICM_INSERT, file, {
      ids: [fresh],
      topic: 'from-icm',
      summary: 'ICM stored this after Mnemos: quokka migration note',
      keywords: ['quokka'],
    });
    assert.deepEqual(w.inserted, [1]);
    assert.match(w.ts, RFC3339_9);
    const d = python(PY_ICM_INSERT, file, {
      ids: ['01JICM0000000000000000000B'],
      topic: 'DECISIONS-mnemos',
      summary: 'Use libSQL for the store  so Turso works',
      keywords: [],
    });
    assert.deepEqual(
      d.inserted,
      [0],
      "ICM's INSERT OR IGNORE hits the unique (LOWER(topic), summary_hash) index Mnemos created",
    );
    assert.equal(
      summaryHash('DECISIONS-mnemos', 'Use libSQL for the store  so Turso works'),
      icmSummaryHash('decisions-mnemos', 'Use libSQL for the store so Turso works'),
    );

    const s2 = await mnemos(file);
    const hits = await s2.recallKeyword('quokka', { bumpAccess: false });
    assert.equal(hits[0]?.memory.id, fresh, "Mnemos finds ICM's memory by keyword");
    assert.equal(hits[0].memory.importance, 'high');
    assert.match(hits[0].memory.createdAt, RFC3339_9);
    assert.equal(await s2.count(), seeds.length + 1);
    await s2.sql(FTS_CHECK);
    await s2.close();
    const final = python(PY_READ, file);
    assert.deepEqual(final.integrity, [['ok']]);
    assert.deepEqual(final.problems, []);
  });
});
