/**
 * What the writers were told (acknowledged) and attempted, and the checks a database must pass
 * against it after any crash: acknowledged writes present as acknowledged, nothing half-written,
 * no duplicates, FTS and vectors in step with the rows, PRAGMA integrity_check ok.
 */
import assert from 'node:assert/strict';
import { IMPORTANCES, type MnemosStore, summaryHash } from '../../src/store';

interface Expected {
  topic: string;
  content: string;
  batch: boolean;
  editTried: boolean;
  editAcked?: string;
  forgetTried: boolean;
  forgetAcked: boolean;
}

const LINE = /^faultprobe (original|edited) (\S+) n(\d+)(?: batch(\d+) part([0-2])of3)? [0-9a-f-]{36}$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export class Ledger {
  readonly acked = new Map<string, Expected>();
  /** prefix → topic of every process that may have written. */
  readonly prefixes = new Map<string, string>();
  ackedBatches = 0;

  writer(prefix: string, topic: string): void {
    this.prefixes.set(prefix, topic);
  }
  ackStore(id: string, topic: string, content: string, batch = false): void {
    const prev = this.acked.get(id);
    assert.ok(!prev || prev.content === content, `id ${id} acknowledged for two different contents`);
    this.acked.set(id, { topic, content, batch, editTried: false, forgetTried: false, forgetAcked: false });
  }
  tryEdit(id: string): void {
    this.get(id).editTried = true;
  }
  ackEdit(id: string, content: string): void {
    this.get(id).editAcked = content;
  }
  tryForget(id: string): void {
    this.get(id).forgetTried = true;
  }
  ackForget(id: string): void {
    this.get(id).forgetAcked = true;
  }
  private get(id: string): Expected {
    const e = this.acked.get(id);
    if (!e) throw new Error(`edit/forget of ${id}, which was never acknowledged`);
    return e;
  }

  /** Applies one writer-process message (see writer.ts). */
  apply(m: { t: string; [k: string]: any }, topic: string): void {
    if (m.t === 'ack' && m.op === 's') this.ackStore(m.id, topic, m.c);
    else if (m.t === 'ack' && m.op === 'm') {
      (m.ids as string[]).forEach((id, i) => this.ackStore(id, topic, m.cs[i], true));
      this.ackedBatches++;
    } else if (m.t === 'try' && m.op === 'u') this.tryEdit(m.id);
    else if (m.t === 'ack' && m.op === 'u') this.ackEdit(m.id, m.c);
    else if (m.t === 'try' && m.op === 'f') this.tryForget(m.id);
    else if (m.t === 'ack' && m.op === 'f') this.ackForget(m.id);
  }
}

export interface VerifyReport {
  rows: number;
  acked: number;
  vectors: number;
}

/** Every check, through `check` (a fresh store on the same data). Throws an AssertionError naming the first failure. */
export async function verify(check: MnemosStore, ledger: Ledger, label: string): Promise<VerifyReport> {
  const t0 = performance.now();
  const marks: string[] = [];
  const mark = (what: string) => marks.push(`${what} ${(performance.now() - t0).toFixed(0)}`);
  // --- the file itself. SQLite 3.45.1 (libsql 0.5.29): on a connection whose cached FTS5 structure is
  // older than another connection's write, PRAGMA integrity_check reports a false "malformed inverted
  // index" (test/faults/sqlite-quirks.test.ts); any FTS read first refreshes that cache.
  await check.sql(`SELECT COUNT(*) FROM memories_fts WHERE memories_fts MATCH 'faultprobe'`);
  const integrity = await check.sql(`PRAGMA integrity_check`);
  mark('integrity');
  assert.deepEqual(
    integrity.map((r) => Object.values(r)[0]),
    ['ok'],
    `${label}: PRAGMA integrity_check`,
  );

  // --- every row complete, and written by one of our writers
  const rows = await check.sql(
    `SELECT rowid AS rid, id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, raw_excerpt, keywords, importance, source_type, summary_hash FROM memories`,
  );
  mark('rows');
  const byId = new Map<string, (typeof rows)[number]>();
  const keys = new Set<string>();
  const batches = new Map<string, number>();
  for (const r of rows) {
    const id = String(r.id);
    const where = `${label}: row ${id} (${String(r.summary).slice(0, 80)})`;
    assert.match(id, ULID, `${where}: id`);
    for (const c of ['created_at', 'updated_at', 'last_accessed'] as const)
      assert.match(String(r[c]), RFC3339, `${where}: ${c}`);
    const m = LINE.exec(String(r.summary));
    assert.ok(m, `${where}: summary is one a writer wrote`);
    const [, state, prefix, n, batch] = m;
    const topic = ledger.prefixes.get(prefix);
    assert.ok(topic, `${where}: written by a known writer`);
    assert.equal(r.topic, topic, `${where}: topic`);
    assert.equal(r.importance, IMPORTANCES[Number(n) % 4], `${where}: importance`);
    const kw =
      state === 'edited'
        ? ['faults', prefix, 'edited']
        : batch !== undefined
          ? ['faults', prefix, 'batch']
          : ['faults', prefix];
    assert.deepEqual(JSON.parse(String(r.keywords)), kw, `${where}: keywords`);
    assert.equal(r.source_type, 'manual', `${where}: source_type`);
    assert.equal(r.raw_excerpt, null, `${where}: raw_excerpt`);
    assert.equal(Number(r.weight), 1, `${where}: weight`);
    assert.equal(Number(r.access_count), 0, `${where}: access_count`);
    assert.equal(r.summary_hash, summaryHash(String(r.topic), String(r.summary)), `${where}: summary_hash`);
    if (state === 'edited') assert.equal(batch, undefined, `${where}: only single stores are edited`);
    const key = `${prefix} n${n} ${batch ?? ''}/${m[5] ?? ''}`;
    assert.ok(!keys.has(key), `${where}: write ${key} landed twice`);
    keys.add(key);
    if (batch !== undefined) batches.set(`${prefix} ${batch}`, (batches.get(`${prefix} ${batch}`) ?? 0) + 1);
    byId.set(id, r);
  }
  for (const [b, n] of batches)
    assert.equal(n, 3, `${label}: storeMany batch ${b} is all or nothing (found ${n} of 3 rows)`);

  // --- every acknowledged write there, as acknowledged
  let present = 0;
  for (const [id, e] of ledger.acked) {
    const r = byId.get(id);
    if (e.forgetAcked) {
      assert.equal(r, undefined, `${label}: ${id} was forgotten (acknowledged) but is still there`);
      continue;
    }
    if (!r) {
      assert.ok(e.forgetTried, `${label}: acknowledged write ${id} (${e.content}) is missing`);
      continue;
    }
    present++;
    assert.equal(r.topic, e.topic, `${label}: ${id} topic`);
    const edited = e.content.replace(' original ', ' edited ');
    if (e.editAcked) assert.equal(r.summary, e.editAcked, `${label}: ${id} has its acknowledged edit`);
    else if (e.editTried)
      assert.ok(r.summary === e.content || r.summary === edited, `${label}: ${id} is either before or after its edit`);
    else assert.equal(r.summary, e.content, `${label}: ${id} content`);
  }

  // --- no duplicate content (also case/space-insensitively, ICM's hash)
  const dupes = await check.sql(
    `SELECT LOWER(topic) AS t, summary_hash, COUNT(*) AS n FROM memories GROUP BY LOWER(topic), summary_hash HAVING n > 1`,
  );
  assert.deepEqual(dupes, [], `${label}: no two rows with the same topic and content`);

  // --- FTS in step with the rows. The plain integrity-check only checks the index against itself;
  // with rank = 1 it also compares it with the external content table (the memories rows).
  mark('dupes');
  await check.sql(`INSERT INTO memories_fts(memories_fts) VALUES('integrity-check')`);
  mark('fts-ic');
  await check.sql(`INSERT INTO memories_fts(memories_fts, rank) VALUES('integrity-check', 1)`);
  mark('fts-ic1');
  const [c] = await check.sql(`SELECT
      (SELECT COUNT(*) FROM memories_fts WHERE memories_fts MATCH 'faultprobe') AS fts,
      (SELECT COUNT(*) FROM (SELECT rowid FROM memories_fts WHERE memories_fts MATCH 'faultprobe' EXCEPT SELECT rowid FROM memories)) AS fts_only,
      (SELECT COUNT(*) FROM memories_fts WHERE memories_fts MATCH 'summary:original') AS fts_original,
      (SELECT COUNT(*) FROM memories_fts WHERE memories_fts MATCH 'summary:edited') AS fts_edited,
      (SELECT COUNT(*) FROM mnemos_vectors v WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.id = v.memory_id)) AS orphan_vectors,
      (SELECT COUNT(*) FROM mnemos_vectors WHERE typeof(vec) != 'blob' OR length(vec) != dim * 4 OR dim < 1) AS bad_vectors,
      (SELECT COUNT(*) FROM (SELECT model FROM mnemos_vectors GROUP BY model HAVING COUNT(DISTINCT dim) > 1)) AS mixed_dims,
      (SELECT COUNT(*) FROM mnemos_vectors) AS vectors,
      (SELECT value FROM mnemos_state WHERE key = 'change_seq') AS change_seq,
      (SELECT MAX(rowid) FROM memories) AS top_rowid`);
  mark('counts');
  if (process.env.MNEMOS_FAULT_DEBUG) console.log(`# verify ${label}: ${marks.join(', ')} ms`);
  const n = (k: string) => Number(c[k]);
  assert.equal(n('fts'), rows.length, `${label}: FTS finds every row once`);
  assert.equal(n('fts_only'), 0, `${label}: FTS has no rows the table lacks`);
  for (const word of ['original', 'edited']) {
    const inRows = rows.filter((r) => String(r.summary).startsWith(`faultprobe ${word} `)).length;
    assert.equal(n(`fts_${word}`), inRows, `${label}: FTS "${word}" matches the rows' current text`);
  }

  // --- vectors: none without its memory, every blob dim × 4 bytes, one dimension per model
  assert.equal(n('orphan_vectors'), 0, `${label}: no vector without its memory`);
  assert.equal(n('bad_vectors'), 0, `${label}: every vector blob is dim × 4 bytes`);
  assert.equal(n('mixed_dims'), 0, `${label}: one dimension per model`);
  const vectors = n('vectors');

  // --- the change marker moved with the rows: inserts raise MAX(rowid), edits bump change_seq
  assert.ok(n('top_rowid') >= rows.length, `${label}: MAX(rowid)`);
  const edited = rows.filter((r) => String(r.summary).startsWith('faultprobe edited ')).length;
  assert.ok(n('change_seq') >= edited, `${label}: change_seq counts the edits`);
  return { rows: rows.length, acked: present, vectors };
}
