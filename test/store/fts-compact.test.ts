/**
 * The keyword index merged in idle time (src/store/ftsCompact.ts): FTS5's structure record decoded as
 * FTS5 sees it, the size-tiered policy, and on a real local file: a merge leaves one segment, the same
 * answers in the same order and an index that passes FTS5's integrity check; a write interrupts it and
 * the next quiet period finishes it; a store that refuses writes or another writer holding the lock
 * stops it quietly; close() during a merge is clean.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Database from 'libsql';
import { type MnemosStore, openStore } from '../../src/store';
import { decodeFtsStructure, IDLE_MS, MAX_SEGMENTS, worthMerging } from '../../src/store/ftsCompact';

const words = ['webpack', 'resolver', 'timeout', 'cache', 'postgres', 'index', 'retry', 'deploy', 'token', 'schema'];

function tmpFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-compact-')), 'c.db');
}

/** `n` memories, one committed transaction each (a segment each, before FTS5's own merges). */
async function storeOneByOne(s: MnemosStore, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++)
    await s.store({
      topic: `topic-${i % 5}`,
      // Terms of its own (number…, ref…) make the index many pages long, so a merge takes several steps.
      summary: `note ${i}: ${words[i % 10]} ${words[(i * 3) % 10]} ${words[(i * 7 + 1) % 10]} number${i} ${Array.from(
        { length: 12 },
        (_, k) => `ref${i}x${k}`,
      ).join(' ')}`,
    });
}

async function segmentsBySql(s: MnemosStore): Promise<number> {
  return Number((await s.sql(`SELECT COUNT(DISTINCT segid) AS n FROM memories_fts_idx`))[0].n);
}

async function answers(s: MnemosStore): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of ['webpack resolver', 'timeout', 'postgres retry deploy', 'number17', 'cache schema token'])
    out.push((await s.recallKeyword(q, { limit: 8 })).map((h) => `${h.memory.id}:${h.score.toFixed(9)}`));
  return out;
}

test('the structure record decodes to the segments FTS5 has, level by level', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  try {
    s.compactor.manual();
    await storeOneByOne(s, 37);
    const st = await s.compactor.structure();
    assert.ok(st, 'decoded');
    assert.equal(st.segments.length, await segmentsBySql(s));
    assert.ok(st.segments.length > 1, `one transaction a segment, merged four at a time: ${st.segments.length}`);
    assert.ok(st.segments.every((p) => p >= 1));
  } finally {
    await s.close();
  }
});

test('a record that does not add up, is cut short or is in the V2 layout decodes to nothing', () => {
  const good = Buffer.from(
    '000000000608ce1000020101010201010001160102000000020a010d0b010d000104012f00020301813b0801813b',
    'hex',
  );
  assert.deepEqual(decodeFtsStructure(good)?.segments, [1, 1, 2, 13, 13, 47, 187, 187]);
  assert.equal(decodeFtsStructure(good.subarray(0, good.length - 1)), undefined, 'truncated');
  assert.equal(decodeFtsStructure(Buffer.concat([good, Buffer.from([0])])), undefined, 'trailing bytes');
  assert.equal(decodeFtsStructure(Buffer.from('00000000ff0000010101', 'hex')), undefined, 'V2');
  assert.equal(decodeFtsStructure(Buffer.from('0000', 'hex')), undefined, 'too short');
  const wrongCount = Buffer.from(good);
  wrongCount[5] = 7;
  assert.equal(decodeFtsStructure(wrongCount), undefined, 'segment count does not match the levels');
});

test('the policy merges small tails, many segments and unfinished merges, never a lone segment', () => {
  assert.equal(worthMerging({ segments: [500], merging: 0 }), false);
  assert.equal(worthMerging({ segments: [1000, 5, 5], merging: 0 }), false, 'tail under 10 %');
  assert.equal(worthMerging({ segments: [1000, 60, 40], merging: 0 }), true, 'tail of 10 %');
  assert.equal(
    worthMerging({
      segments: Array(MAX_SEGMENTS + 1)
        .fill(1)
        .concat(100_000),
      merging: 0,
    }),
    true,
  );
  assert.equal(worthMerging({ segments: [1000, 1], merging: 1 }), true, 'a merge in progress is finished');
});

test('a merge leaves one segment, the same answers in the same order, and an index FTS5 finds sound', async () => {
  const file = tmpFile();
  const s = await openStore({ mode: 'local', path: file });
  try {
    s.compactor.manual(); // driven by hand below
    await storeOneByOne(s, 400);
    const before = await answers(s);
    assert.ok(before.every((a) => a.length > 0));
    const st = await s.compactor.structure();
    assert.ok(st && worthMerging(st), `worth merging: ${JSON.stringify(st?.segments)}`);
    const compactor = s.compactor;
    await compactor.merge();
    assert.equal(compactor.stats.merges, 1);
    assert.ok(compactor.stats.steps >= 2, `in steps: ${compactor.stats.steps}`);
    assert.deepEqual((await s.compactor.structure())?.segments.length, 1);
    assert.equal(await segmentsBySql(s), 1);
    await s.sql(`INSERT INTO memories_fts(memories_fts) VALUES('integrity-check')`);
    assert.deepEqual(await answers(s), before);
  } finally {
    await s.close();
  }
  // Another SQLite (ICM reads the file with rusqlite) finds the same rows through the merged index.
  const db = new Database(file, { readonly: true });
  try {
    const n = db.prepare(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH 'webpack'`).get() as {
      n: number;
    };
    const m = db.prepare(`SELECT COUNT(*) AS n FROM memories WHERE summary LIKE '%webpack%'`).get() as { n: number };
    assert.equal(n.n, m.n);
  } finally {
    db.close();
  }
});

test('on its own: after a quiet period the index is merged; a write interrupts, the next quiet period finishes', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  try {
    await storeOneByOne(s, 300);
    const merging = s.compactor.merge();
    await storeOneByOne(s, 1, 300); // lands between two steps
    await merging;
    assert.equal(s.compactor.stats.merges, 0, 'the write stopped the merge');
    const deadline = Date.now() + IDLE_MS + 10_000;
    while (s.compactor.stats.merges === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(s.compactor.stats.merges, 1, 'merged in the next quiet period');
    assert.equal(await segmentsBySql(s), 1);
    assert.equal((await s.recallKeyword('number300', { limit: 1 }))[0]?.memory.summary.startsWith('note 300'), true);
  } finally {
    await s.close();
  }
});

test('a store that refuses writes is left as it is, without an error', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  const errors: unknown[] = [];
  s.onBackgroundError = (e) => errors.push(e);
  try {
    s.compactor.manual();
    await storeOneByOne(s, 120);
    const segments = await segmentsBySql(s);
    await s.sql('PRAGMA query_only = 1');
    const compactor = s.compactor;
    await compactor.merge();
    assert.equal(compactor.isStopped, true, 'no further attempts');
    assert.equal(await segmentsBySql(s), segments);
    assert.deepEqual(errors, []);
  } finally {
    await s.sql('PRAGMA query_only = 0');
    await s.close();
  }
});

test('another writer holding the lock: the merge waits without blocking the thread, then gives up quietly', async () => {
  const file = tmpFile();
  const s = await openStore({ mode: 'local', path: file });
  const errors: unknown[] = [];
  s.onBackgroundError = (e) => errors.push(e);
  const other = new Database(file);
  try {
    s.compactor.manual();
    await storeOneByOne(s, 120);
    const segments = await segmentsBySql(s);
    other.exec('BEGIN IMMEDIATE');
    const compactor = s.compactor;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const t0 = Date.now();
    await compactor.merge();
    clearInterval(ticker);
    const ms = Date.now() - t0;
    assert.ok(ticks >= ms / 10 / 3, `the event loop kept turning (${ticks} ticks in ${ms} ms)`);
    assert.equal(compactor.stats.steps, 0);
    other.exec('ROLLBACK');
    assert.equal(await segmentsBySql(s), segments);
    assert.deepEqual(errors, []);
  } finally {
    other.close();
    await s.close();
  }
});

test('close() during a merge stops it between steps', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  await storeOneByOne(s, 300);
  const merging = s.compactor.merge();
  await s.close();
  await merging;
  assert.equal(s.compactor.stats.merges, 0);
});

test('a store that only reads never merges: the file stays byte for byte as it was', async () => {
  const file = tmpFile();
  let s = await openStore({ mode: 'local', path: file });
  await storeOneByOne(s, 120);
  await s.close(); // before the quiet period: the segments stay
  const sha = () => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const before = sha();
  s = await openStore({ mode: 'local', path: file });
  try {
    const st = await s.compactor.structure();
    assert.ok(st && worthMerging(st), 'there would be something to merge');
    assert.ok((await s.recallKeyword('webpack', { limit: 3, bumpAccess: false })).length > 0);
    await new Promise((r) => setTimeout(r, IDLE_MS + 300));
    assert.equal(s.compactor.stats.steps, 0);
  } finally {
    await s.close();
  }
  assert.equal(sha(), before);
});

test('storeMany and import write one FTS5 segment per call, not one per memory', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  try {
    s.compactor.manual();
    // FTS5's own merges off, so that every segment written stays countable.
    await s.sql(`INSERT INTO memories_fts(memories_fts, rank) VALUES('automerge', 0)`);
    await s.sql(`INSERT INTO memories_fts(memories_fts, rank) VALUES('crisismerge', 1000)`);
    const segments = async () => (await s.compactor.structure())?.segments.length ?? 0;
    const start = await segments();
    const res = await s.storeMany(
      Array.from({ length: 60 }, (_, i) => ({ topic: 'bulk', summary: `bulk row ${i} ${words[i % 10]}` })),
    );
    assert.equal(res.filter((r) => r.action === 'created').length, 60);
    assert.equal(await segments(), start + 1);
    const exported = await s.exportAll();
    await s.forgetTopic('bulk');
    const afterForget = await segments();
    const imported = await s.importAll(exported);
    assert.deepEqual(imported, { imported: 60, skipped: 0 });
    assert.equal(await segments(), afterForget + 1);
    assert.equal((await s.recallKeyword('bulk row 7', { limit: 1 }))[0]?.memory.summary, `bulk row 7 ${words[7]}`);
  } finally {
    await s.close();
  }
});

test('a transcript batch writes one segment into messages_fts, and a retried batch lands once', async () => {
  const s = await openStore({ mode: 'local', path: tmpFile() });
  try {
    s.compactor.manual();
    const sid = await s.transcripts.createSession({ agent: 'claude-code' });
    await s.sql(`INSERT INTO messages_fts(messages_fts, rank) VALUES('automerge', 0)`);
    await s.sql(`INSERT INTO messages_fts(messages_fts, rank) VALUES('crisismerge', 1000)`);
    const segments = async () => {
      const rows = await s.sql(`SELECT hex(block) AS h FROM messages_fts_data WHERE id = 10`);
      const hex = typeof rows[0]?.h === 'string' ? rows[0].h : '';
      return decodeFtsStructure(Buffer.from(hex, 'hex'))?.segments.length ?? 0;
    };
    const start = await segments();
    const batch = Array.from({ length: 30 }, (_, i) => ({
      sessionId: sid,
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `message ${i} about ${words[i % 10]}`,
    }));
    const ids = await s.transcripts.recordMany(batch);
    assert.equal(await segments(), start + 1);
    const again = await s.transcripts.recordMany(batch.map((m, i) => ({ ...m, id: ids[i] })));
    assert.deepEqual(again, ids);
    assert.equal((await s.transcripts.messages(sid)).length, 30);
  } finally {
    await s.close();
  }
});
