/**
 * Memoirs, ICM ⇄ Mnemos on one file. A database ICM 0.10.57 built (fixture: ICM's DDL and rows) shows
 * its memoirs in Mnemos unchanged, and what Mnemos writes is read by plain SQLite (python3's sqlite3,
 * running ICM's own SQL); memoir tables Mnemos creates have ICM's definitions.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { MemoirStore, openStore } from '../../src/store';
import { MEMOIR_OBJECTS } from '../../src/store/memoirs';
import { buildIcmDb, ICM_CONCEPTS_FTS, ICM_TABLES } from '../fixtures/icm/build-icm-db';
import { tmpDir } from './modes';

/** Runs a python3 snippet with plain SQLite; argv[1] = file, stdin = JSON input; returns its JSON output. */
function python(code: string, file: string, input: unknown = null): any {
  const out = execFileSync('python3', ['-c', code, file], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out);
}

const MASTER = `import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
names = json.load(sys.stdin)
rows = db.execute("SELECT name, type, sql FROM sqlite_master WHERE name IN (%s)" % ",".join("?" * len(names)), names).fetchall()
print(json.dumps({n: [t, s] for n, t, s in rows}))`;

/** A definition without comments, `IF NOT EXISTS` and layout: what makes two schemas the same. */
const norm = (sql: string) =>
  sql
    .replace(/--[^\n]*/g, '')
    .replace(/IF NOT EXISTS/gi, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),;])\s*/g, '$1')
    .trim();

test('an ICM-made file: memoirs show unchanged, the schema is left as ICM made it, edits read back in plain SQLite', async () => {
  const file = path.join(tmpDir('mnemos-memoir-icm-'), 'icm.db');
  const built = buildIcmDb(file);
  const before = python(MASTER, file, MEMOIR_OBJECTS);
  const s = await openStore({ mode: 'local', path: file });
  try {
    const m = new MemoirStore(s.conn);
    await m.init();
    const list = await m.listMemoirs();
    assert.deepEqual(
      list.map((x) => [x.id, x.name, x.description, x.conceptCount]),
      [[built.others.memoirId, 'mnemos', 'project memoir', 2]],
    );
    const store = (await m.getConcept('mnemos', 'store'))!;
    assert.equal(store.id, built.others.conceptIds[0]);
    assert.deepEqual(store.labels, [{ namespace: 'kind', value: 'module' }]);
    assert.deepEqual(store.sourceMemoryIds, [built.memories[0].id]);
    assert.deepEqual(
      (await m.neighbors('mnemos', 'store')).map((c) => c.name),
      ['libsql'],
    );
    assert.deepEqual(
      (await m.searchConcepts('mnemos', 'database driver')).map((c) => c.name),
      ['libsql'],
    );
    assert.deepEqual(
      (await m.searchByLabel('mnemos', 'kind:dependency')).map((c) => c.name),
      ['libsql'],
    );
    await assert.rejects(m.link('mnemos', 'libsql', 'store', 'related_to'), /cycle/, "ICM's link counts for the DAG");
    await m.addConcept('mnemos', {
      name: 'fts5',
      definition: 'full-text search in SQLite',
      labels: ['kind:dependency', 'lang:c'],
    });
    await m.link('mnemos', 'store', 'fts5', 'depends_on', { weight: 0.5 });
    await m.refineConcept('mnemos', 'libsql', 'the libSQL database driver', ['mem-x']);
  } finally {
    await s.close();
  }
  assert.deepEqual(python(MASTER, file, MEMOIR_OBJECTS), before, 'no memoir table, index or trigger was touched');
  const read = python(
    `import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA foreign_keys=ON")
c = db.execute("SELECT labels, confidence, revision FROM concepts WHERE name='fts5'").fetchone()
l = db.execute("SELECT s.name, t.name, l.relation, l.weight FROM concept_links l JOIN concepts s ON s.id=l.source_id JOIN concepts t ON t.id=l.target_id WHERE t.name='fts5'").fetchone()
r = db.execute("SELECT definition, revision, confidence, source_memory_ids FROM concepts WHERE name='libsql'").fetchone()
hit = db.execute("SELECT name FROM concepts WHERE id IN (SELECT id FROM concepts_fts WHERE concepts_fts MATCH ?)", ('"full" "text"',)).fetchall()
db.execute("INSERT INTO concepts_fts(concepts_fts, rank) VALUES('integrity-check', 1)")
print(json.dumps({"labels": json.loads(c[0]), "conf": c[1], "rev": c[2], "link": list(l), "refined": list(r), "hit": [h[0] for h in hit],
  "n": db.execute("SELECT COUNT(*) FROM concepts").fetchone()[0]}))`,
    file,
  );
  assert.deepEqual(read.labels, [
    { namespace: 'kind', value: 'dependency' },
    { namespace: 'lang', value: 'c' },
  ]);
  assert.deepEqual([read.conf, read.rev, read.n], [0.5, 1, 3]);
  assert.deepEqual(read.link, ['store', 'fts5', 'depends_on', 0.5]);
  assert.equal(read.refined[0], 'the libSQL database driver');
  assert.equal(read.refined[1], 2);
  assert.ok(Math.abs(read.refined[2] - 0.6) < 1e-6);
  assert.deepEqual(JSON.parse(read.refined[3]), ['mem-x']);
  assert.deepEqual(read.hit, ['fts5']);
  // ICM writing into the file after Mnemos opened it: its statements meet Mnemos's change-marker triggers
  // (mnemos_state is in the file), succeed, and move the marker the extension polls.
  const s2 = await openStore({ mode: 'local', path: file });
  try {
    const m = new MemoirStore(s2.conn);
    const before = await m.changeMarker();
    python(
      `import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA foreign_keys=ON")
db.execute("UPDATE concepts SET definition = 'changed by ICM', updated_at = '2026-01-01T00:00:00Z' WHERE name = 'fts5'")
db.execute("DELETE FROM concept_links WHERE relation = 'depends_on'")
db.commit(); print("null")`,
      file,
    );
    assert.notEqual(await m.changeMarker(), before, "ICM's writes move the memoir change marker");
    assert.equal((await m.getConcept('mnemos', 'fts5'))!.definition, 'changed by ICM');
  } finally {
    await s2.close();
  }
});

test("memoir tables Mnemos creates have ICM's definitions, and ICM's SQL in plain SQLite works on them", async () => {
  const dir = tmpDir('mnemos-memoir-ddl-');
  const icmFile = path.join(dir, 'icm.db');
  python(
    `import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1]); d = json.load(sys.stdin)
db.executescript(d["tables"]); db.executescript(d["fts"]); print("null")`,
    icmFile,
    { tables: ICM_TABLES, fts: ICM_CONCEPTS_FTS },
  );
  const file = path.join(dir, 'mnemos.db');
  const s = await openStore({ mode: 'local', path: file });
  const m = new MemoirStore(s.conn);
  await m.init();
  await m.init(); // idempotent
  await m.createMemoir('proj');
  await m.addConcept('proj', { name: 'a', definition: 'alpha' });
  await s.close();
  const icm = python(MASTER, icmFile, MEMOIR_OBJECTS);
  const ours = python(MASTER, file, MEMOIR_OBJECTS);
  assert.deepEqual(Object.keys(ours).sort(), [...MEMOIR_OBJECTS].sort());
  for (const name of MEMOIR_OBJECTS) {
    assert.equal(ours[name][0], icm[name][0], `${name} type`);
    assert.equal(norm(String(ours[name][1] ?? '')), norm(String(icm[name][1] ?? '')), `${name} definition`);
  }
  // ICM's writes (its SQL, plain SQLite), then Mnemos reads them.
  python(
    `import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA foreign_keys=ON")
mid = db.execute("SELECT id FROM memoirs WHERE name='proj'").fetchone()[0]
a = db.execute("SELECT id FROM concepts WHERE name='a'").fetchone()[0]
db.execute("""INSERT INTO concepts (id, memoir_id, name, definition, labels, confidence, revision, created_at, updated_at, source_memory_ids)
 VALUES ('01J00000000000000000000ICM', ?, 'b', 'beta written by ICM', '[{"namespace":"kind","value":"module"}]', 0.6000000238418579, 2,
 '2026-06-13T21:53:00.123456789+00:00', '2026-06-13T21:53:00.123456789+00:00', '["m1"]')""", (mid,))
db.execute("INSERT INTO concept_links (id, source_id, target_id, relation, weight, created_at) VALUES ('01J0000000000000000000LNK1', '01J00000000000000000000ICM', ?, 'part_of', 1.0, '2026-06-13T21:53:00.123456789+00:00')", (a,))
db.commit(); print("null")`,
    file,
  );
  const s2 = await openStore({ mode: 'local', path: file });
  try {
    const m2 = new MemoirStore(s2.conn);
    const b = (await m2.getConcept('proj', 'b'))!;
    assert.equal(b.confidence, 0.6, "ICM's f32 reads as 0.6");
    assert.deepEqual(b.labels, [{ namespace: 'kind', value: 'module' }]);
    assert.deepEqual(
      (await m2.searchConcepts('proj', 'beta')).map((c) => c.name),
      ['b'],
    );
    assert.deepEqual(
      (await m2.neighborhood('proj', 'a', 1)).concepts.map((c) => c.name),
      ['a', 'b'],
    );
    await assert.rejects(m2.link('proj', 'a', 'b', 'depends_on'), /cycle/);
    const json = JSON.parse(await m2.export('proj', 'json'));
    assert.deepEqual(json.links, [{ source: 'b', target: 'a', relation: 'part_of', weight: 1 }]);
  } finally {
    await s2.close();
  }
});

test('an ICM-made file that refuses writes (a read-only copy): memoirs are read, the change marker falls back to counts', async () => {
  const file = path.join(tmpDir('mnemos-memoir-ro-'), 'icm.db');
  buildIcmDb(file);
  const s = await openStore({ mode: 'local', path: file });
  try {
    await s.sql('PRAGMA query_only = 1'); // what the offline copy of a replica does
    const m = new MemoirStore(s.conn);
    assert.deepEqual(
      (await m.listMemoirs()).map((x) => x.name),
      ['mnemos'],
    );
    const marker = await m.changeMarker();
    assert.match(marker, /^counts:1:/);
    assert.equal(await m.changeMarker(), marker);
    await assert.rejects(m.createMemoir('refused'), /read-only/);
  } finally {
    await s.close();
  }
  // Writable again: the triggers go in on first use and the marker is the counter.
  const w = await openStore({ mode: 'local', path: file });
  try {
    assert.match(await w.memoirs.changeMarker(), /^seq:\d+$/);
  } finally {
    await w.close();
  }
});
