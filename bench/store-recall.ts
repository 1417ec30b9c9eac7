// Keyword recall latency: p50/p95 of MnemosStore.recallKeyword over 200 queries (1–3 words drawn
// from the corpus, 10 % that match nothing) at 1k, 10k and 100k generated developer memories, on a
// local file and on sqld over loopback (round trips per recall counted by a proxy). Baseline in the
// same run on the same database: a bare FTS5 `MATCH … ORDER BY rank LIMIT 10` (all terms). The
// profile columns split the store's query into its two arms to show where the time goes.
//
//   node --import tsx bench/store-recall.ts
// Env: BENCH_SIZES (default 1000,10000,100000), BENCH_SQLD_SIZES (default = BENCH_SIZES), BENCH_SQLD=0, BENCH_PASSES (default 3).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClient } from '@libsql/client';
import { buildFtsQuery, type MnemosStore, openStore } from '../src/store';
import { wordFormTuning } from '../src/store/fts';
import { startSqld } from '../test/helpers/sqld';
import { type CorpusMemory, generateCorpus, queryWorkload } from './lib/corpus';
import { startCountingProxy } from './lib/proxy';
import { fmtMs, printMachine, ratio, summarize, table } from './lib/timing';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SQLD_SIZES = (process.env.BENCH_SQLD_SIZES ?? SIZES.join(',')).split(',').map(Number);
const PASSES = Number(process.env.BENCH_PASSES ?? 3);
const QUERIES = 200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-recall-'));

type SyncDb = {
  exec(s: string): void;
  prepare(s: string): { all(a: unknown[]): Record<string, unknown>[]; get(a: unknown[]): Record<string, unknown> };
  close(): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('libsql') as new (p: string) => SyncDb;

const BARE = `SELECT m.id, m.topic, m.summary FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? ORDER BY rank LIMIT 10`;
const BARE_ANY = `SELECT m.id, m.topic, m.summary FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? ORDER BY rank LIMIT 20`;
const COUNT_ANY = `SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH ?`;
/** What recallKeyword sent to a remote for a multi-word query before src/store/keyword.ts (both arms by FTS5's rank, unconditionally), run here on the local file. */
const ARM = (full: number) =>
  `SELECT * FROM (SELECT m.id, m.created_at, m.updated_at, m.last_accessed, m.access_count, m.weight, m.topic, m.summary, m.raw_excerpt, m.keywords, m.importance, m.source_type, m.source_data, m.related_ids, memories_fts.rank AS bm25, ${full} AS full
   FROM memories_fts JOIN memories m ON m.rowid = memories_fts.rowid WHERE memories_fts MATCH ? ORDER BY memories_fts.rank LIMIT ?)`;
const REMOTE_SHAPE = `${ARM(1)} UNION ALL ${ARM(0)}`;
const bucketOf = (n: number) =>
  n === 0 ? '0' : n < 100 ? '1–99' : n < 1000 ? '100–999' : n < 10_000 ? '1k–10k' : '≥ 10k';

async function fill(store: MnemosStore, corpus: CorpusMemory[]): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < corpus.length; i += 1000) await store.storeMany(corpus.slice(i, i + 1000));
  return performance.now() - t0;
}

async function samples(queries: string[], fn: (q: string) => unknown): Promise<number[]> {
  for (const q of queries) await fn(q); // warm-up: page cache, statement cache
  const out: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    for (const q of queries) {
      const t0 = performance.now();
      await fn(q);
      out.push(performance.now() - t0);
    }
  }
  return out;
}

/** Keyword recall as it was before word forms (exact forms only), timed interleaved with the adopted one. */
async function pairedBefore(store: MnemosStore, queries: string[]): Promise<{ now: number[]; before: number[] }> {
  const saved = { ...wordFormTuning };
  const run = async (before: boolean, q: string) => {
    if (before) Object.assign(wordFormTuning, { forms: 'off', weak: 'required' });
    const t0 = performance.now();
    try {
      await store.recallKeyword(q, { bumpAccess: false });
    } finally {
      Object.assign(wordFormTuning, saved);
    }
    return performance.now() - t0;
  };
  for (const q of queries) await run(true, q);
  const now: number[] = [];
  const before: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    for (const q of queries) {
      before.push(await run(true, q));
      now.push(await run(false, q));
    }
  }
  return { now, before };
}

async function main() {
  printMachine('store keyword recall benchmark');
  const rows: (string | number)[][] = [];
  const prof: (string | number)[][] = [];
  const buckets: (string | number)[][] = [];
  for (const n of SIZES) {
    const corpus = generateCorpus(n, 1000 + n);
    const workload = queryWorkload(corpus, QUERIES, 7);
    const queries = workload.map((w) => w.query);
    const file = path.join(dir, `recall-${n}.db`);
    const store = await openStore({ mode: 'local', path: file });
    const buildMs = await fill(store, corpus);
    const raw = new Database(file);
    const bare = raw.prepare(BARE);
    const bareAny = raw.prepare(BARE_ANY);
    const countAny = raw.prepare(COUNT_ANY);
    const remoteShape = raw.prepare(REMOTE_SHAPE);

    const stSamples = await samples(queries, (q) => store.recallKeyword(q, { bumpAccess: false }));
    const st = summarize(stSamples);
    const paired = await pairedBefore(store, queries);
    const [pNow, pBefore] = [summarize(paired.now), summarize(paired.before)];
    const base = summarize(
      await samples(queries, (q) => {
        const f = buildFtsQuery(q);
        return f ? bare.all([f.all]) : [];
      }),
    );
    const any = summarize(
      await samples(queries, (q) => {
        const f = buildFtsQuery(q);
        return f && f.terms.length > 1 ? bareAny.all([f.any]) : [];
      }),
    );
    const remote = summarize(
      await samples(queries, (q) => {
        const f = buildFtsQuery(q);
        return f ? (f.terms.length > 1 ? remoteShape.all([f.all, 10, f.any, 20]) : bare.all([f.all])) : [];
      }),
    );
    const first50 = summarize(
      await samples(queries.slice(0, 50), (q) => store.recallKeyword(q, { bumpAccess: false })),
    );
    const bumped = summarize(await samples(queries.slice(0, 50), (q) => store.recallKeyword(q)));
    let hits = 0;
    let anyMatches = 0;
    let multi = 0;
    const byBucket = new Map<string, number[]>();
    queries.forEach((q, i) => {
      const f = buildFtsQuery(q);
      const b = bucketOf(f ? Number(countAny.get([f.all]).n) : 0);
      const xs = byBucket.get(b) ?? [];
      for (let p = 0; p < PASSES; p++) xs.push(stSamples[p * queries.length + i]);
      byBucket.set(b, xs);
    });
    for (const b of ['0', '1–99', '100–999', '1k–10k', '≥ 10k']) {
      const xs = byBucket.get(b);
      if (xs)
        buckets.push([
          n.toLocaleString('en'),
          b,
          xs.length / PASSES,
          fmtMs(summarize(xs).p50),
          fmtMs(summarize(xs).max),
        ]);
    }
    for (const q of queries) {
      const f = buildFtsQuery(q);
      if (!f) continue;
      hits += bare.all([f.all]).length > 0 ? 1 : 0;
      if (f.terms.length > 1) {
        multi++;
        anyMatches += Number(countAny.get([f.any]).n);
      }
    }
    raw.close();
    await store.close();
    const size = fs.statSync(file).size;
    rows.push([
      n.toLocaleString('en'),
      'local file',
      fmtMs(st.p50),
      fmtMs(st.p95),
      fmtMs(base.p50),
      fmtMs(base.p95),
      ratio(st.p50, base.p50),
      '0 (in-process)',
      `${((buildMs / n) * 1000).toFixed(0)} µs/memory, ${(size / 1e6).toFixed(1)} MB`,
    ]);
    prof.push([
      n.toLocaleString('en'),
      fmtMs(base.p50),
      fmtMs(any.p50),
      fmtMs(any.p95),
      fmtMs(remote.p50),
      fmtMs(st.p50),
      `${fmtMs(first50.p50)} → ${fmtMs(bumped.p50)}`,
      `${hits}/${QUERIES}`,
      multi ? Math.round(anyMatches / multi).toLocaleString('en') : '-',
    ]);
    console.log(
      `# ${n} local, interleaved: word forms p50 ${fmtMs(pNow.p50)} p95 ${fmtMs(pNow.p95)} | before (exact forms) p50 ${fmtMs(pBefore.p50)} p95 ${fmtMs(pBefore.p95)}`,
    );
    console.log(
      `# ${n} local: recall p50 ${fmtMs(st.p50)} p95 ${fmtMs(st.p95)} | bare FTS p50 ${fmtMs(base.p50)} p95 ${fmtMs(base.p95)} | any-terms arm alone p50 ${fmtMs(any.p50)} | old two-arm statement p50 ${fmtMs(remote.p50)}`,
    );
  }

  if (process.env.BENCH_SQLD !== '0') {
    const sqld = await startSqld();
    const proxy = await startCountingProxy(sqld.url);
    try {
      for (const n of SQLD_SIZES) {
        const corpus = generateCorpus(n, 1000 + n);
        const queries = queryWorkload(corpus, QUERIES, 7).map((w) => w.query);
        const admin = await openStore({ mode: 'remote', url: sqld.url });
        await admin.sql('DELETE FROM memories');
        const buildMs = await fill(admin, corpus);
        await admin.close();
        const store = await openStore({ mode: 'remote', url: proxy.url });
        const client = createClient({ url: proxy.url });
        const stSamples = await samples(queries, (q) => store.recallKeyword(q, { bumpAccess: false }));
        const st = summarize(stSamples);
        const base = summarize(
          await samples(queries, (q) => {
            const f = buildFtsQuery(q);
            return f ? client.execute({ sql: BARE, args: [f.all] }) : undefined;
          }),
        );
        // Round trips per recall, counted on the wire (HTTP requests), one query at a time.
        const trips: number[] = [];
        for (const q of queries.slice(0, 50)) {
          proxy.reset();
          await store.recallKeyword(q, { bumpAccess: false });
          trips.push(proxy.requests());
        }
        proxy.reset();
        await store.recall(queries[0]);
        await store.flushAccess();
        const withBump = proxy.requests();
        client.close();
        await store.close();
        const t = summarize(trips);
        rows.push([
          n.toLocaleString('en'),
          'sqld, loopback HTTP',
          fmtMs(st.p50),
          fmtMs(st.p95),
          fmtMs(base.p50),
          fmtMs(base.p95),
          ratio(st.p50, base.p50),
          `${t.min}–${t.max} (recall() + access bump: ${withBump})`,
          `${((buildMs / n) * 1000).toFixed(0)} µs/memory`,
        ]);
        console.log(
          `# ${n} sqld: recall p50 ${fmtMs(st.p50)} p95 ${fmtMs(st.p95)} | bare FTS p50 ${fmtMs(base.p50)} | round trips ${t.min}..${t.max}`,
        );
      }
    } finally {
      await proxy.close();
      await sqld.stop();
    }
  }

  console.log();
  console.log(
    table(
      [
        'memories',
        'mode',
        'recall p50',
        'recall p95',
        'bare FTS p50',
        'bare FTS p95',
        'p50 ratio',
        'round trips / recall',
        'build (storeMany ×1000)',
      ],
      rows,
    ),
  );
  console.log();
  console.log(
    table(
      [
        'memories',
        'bare all-terms p50',
        'any-terms arm alone p50',
        'any-terms arm p95',
        'old two-arm statement (UNION ALL, by rank) p50',
        'recallKeyword p50',
        'first 50 queries: without → with access bump p50',
        'queries with an all-terms hit',
        'mean any-terms matches (multi-word)',
      ],
      prof,
    ),
  );
  console.log();
  console.log(table(['memories', 'all-terms matches', 'queries', 'recallKeyword p50', 'max'], buckets));
  console.log(`\n# targets: local p50 ≤ 0.3 ms at 10k, ≤ 2 ms at 100k; one round trip per recall on sqld`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
