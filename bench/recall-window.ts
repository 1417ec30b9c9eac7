/**
 * Keyword recall's every-word statement in the shapes weighed for large stores (src/store/keyword.ts,
 * "Many matches"), on one merged index, each query run in every shape in turn (order alternating):
 *   every     every match scored by BM25, top 5 (what a store below `windowFrom` runs);
 *   newest    the newest 500 matches scored (FTS5 reads the doclist newest first), top 5 (the window);
 *   overflow  the oldest 501 scored, and the newest 500 only when all 501 came back (the alternative
 *             that keeps small queries at full speed and makes large ones pay two passes);
 *   read asc / read desc   the 500 oldest / newest matching rowids, nothing scored: the cost of
 *             reading a doclist in each direction.
 * Corpora: `peers` (bench/peers: 200 queries with one full answer each: identifiers and 2–3 words) or
 * `common` (bench/lib/corpus.ts: 200 queries of 1–3 words drawn from memories, common words included).
 * The store is built through the store API in a temp dir (deleted after), or `--db` reads a file made
 * by bench/million.ts-style imports of the `common` corpus of the same `--n`.
 *
 *   node --import tsx bench/recall-window.ts [--corpus peers|common] [--n 10000] [--db FILE] [--reps 4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFtsQuery, configFromEnv, type NewMemory, openStore } from '../src/store';
import { generateCorpus as commonCorpus, queryWorkload } from './lib/corpus';
import { machine, ratio, summarize, table } from './lib/timing';
import { generateCorpus as peersCorpus } from './peers/corpus';

const { values: opt } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'peers' },
    n: { type: 'string', default: '10000' },
    db: { type: 'string' },
    reps: { type: 'string', default: '4' },
  },
});
const N = Number(opt.n.replace(/_/g, ''));
const W = 500;

type Stmt = { all(...args: unknown[]): unknown[] };
type Db = { prepare(sql: string): Stmt; close(): void };

function workload(): { memories: NewMemory[]; queries: string[] } {
  if (opt.corpus === 'peers') {
    const { memories, queries } = peersCorpus(N);
    return {
      memories: memories.map((m) => ({
        topic: m.topic,
        summary: m.content,
        importance: m.importance,
        keywords: m.keywords,
      })),
      queries: queries.map((q) => q.text),
    };
  }
  const memories = commonCorpus(N);
  return { memories, queries: queryWorkload(memories, 200).map((q) => q.query) };
}

async function main() {
  const { memories, queries } = workload();
  let dir: string | undefined;
  let file = opt.db;
  if (!file) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mnemos-recall-window-'));
    file = path.join(dir, 'mnemos.db');
    const store = await openStore(configFromEnv({ db: file }, {}));
    store.compactor.manual();
    for (let i = 0; i < memories.length; i += 5000) await store.storeMany(memories.slice(i, i + 5000));
    await store.compactor.merge();
    await store.close();
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('libsql') as new (p: string) => Db;
    const db = new Database(file);
    const scored = (order: string, limit: number) =>
      db.prepare(
        `SELECT rowid, r, COUNT(*) OVER () AS n FROM (SELECT f.rowid AS rowid, bm25(memories_fts) AS r FROM memories_fts f
          WHERE memories_fts MATCH ? ${order} LIMIT ${limit}) ORDER BY r LIMIT 5`,
      );
    const every = db.prepare(
      `SELECT f.rowid AS rowid, bm25(memories_fts) AS r FROM memories_fts f WHERE memories_fts MATCH ? ORDER BY r LIMIT 5`,
    );
    const newest = scored('ORDER BY f.rowid DESC', W);
    const oldest = scored('', W + 1);
    const readAsc = db.prepare(`SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? LIMIT ${W}`);
    const readDesc = db.prepare(
      `SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rowid DESC LIMIT ${W}`,
    );
    let overflows = 0;
    let counting = false; // the last repetition counts the queries that overflow
    const shapes: Record<string, (m: string) => unknown> = {
      every: (m) => every.all(m),
      newest: (m) => newest.all(m),
      overflow: (m) => {
        const rows = oldest.all(m) as { n: number }[];
        if (!(rows.length && rows[0].n > W)) return rows;
        if (counting) overflows++;
        return newest.all(m);
      },
      'read asc': (m) => readAsc.all(m),
      'read desc': (m) => readDesc.all(m),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(shapes).map((k) => [k, []]));
    const matches = queries.map((text) => buildFtsQuery(text)?.families.join(' AND ')).filter((m) => m !== undefined);
    const reps = Number(opt.reps);
    for (let rep = 0; rep <= reps; rep++) {
      counting = rep === reps;
      for (const m of matches) {
        const names = Object.keys(shapes);
        if (rep % 2) names.reverse();
        for (const name of names) {
          const t = performance.now();
          shapes[name](m);
          if (rep > 0) times[name].push(performance.now() - t); // rep 0 warms the cache
        }
      }
    }
    db.close();
    const f = (x: number) => (x < 1 ? `${(x * 1000).toFixed(0)} µs` : `${x.toFixed(2)} ms`);
    console.log(
      `corpus ${opt.corpus}, N = ${N.toLocaleString('en-US')}, ${matches.length} queries × ${reps}, ` +
        `${overflows} with more than ${W} matches; load ${machine().load}`,
    );
    const sums = Object.entries(times).map(([name, xs]) => [name, summarize(xs)] as const);
    const base = sums[0][1].p50; // `every`
    console.log(
      table(
        ['shape', 'p50', 'p95', 'mean', 'p50 ÷ every'],
        sums.map(([name, s]) => [name, f(s.p50), f(s.p95), f(s.mean), ratio(s.p50, base)]),
      ),
    );
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

void main();
