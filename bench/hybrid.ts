/**
 * Vector engines and hybrid recall, measured in one run (prints figures; not a test).
 *  1. Vector top-10 per engine over N random 384-d unit vectors: Mnemos's in-process index (chosen),
 *     sqlite-vec vec0 brute force (local file), libSQL vector_distance_cos scan (local and sqld).
 *  2. Hybrid recall p50/p95 at 10k and 100k memories (query vector given: embedding time excluded),
 *     on a local file and on sqld over loopback, against keyword-only recall as the baseline.
 * usage: node --import tsx bench/hybrid.ts [--sizes 10000,100000] [--queries 100] [--no-sqld]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type EmbeddingProvider, type MnemosStore, openStore, VectorIndex } from '../src/store';
import { upsertVectorStmt } from '../src/store/vectors';
import { startSqld } from '../test/helpers/sqld';
import { type CorpusMemory, generateCorpus, queryWorkload } from './lib/corpus';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SIZES = arg('sizes', '10000,100000').split(',').map(Number);
const QUERIES = Number(arg('queries', '100'));
const WITH_SQLD = !process.argv.includes('--no-sqld');
const DIM = 384;
const MODEL = 'bench-random-384';

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5;
function unit(): Float32Array {
  const v = new Float32Array(DIM);
  let n = 0;
  for (let i = 0; i < DIM; i++) n += (v[i] = rand()) ** 2;
  n = Math.sqrt(n);
  for (let i = 0; i < DIM; i++) v[i] /= n;
  return v;
}

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}
const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

/** A provider that returns precomputed vectors: the benchmark measures search, not inference. */
class GivenVectors implements EmbeddingProvider {
  readonly modelId = MODEL;
  readonly state = 'ready' as const;
  next = unit();
  embed(texts: string[]) {
    return Promise.resolve(texts.map(() => this.next));
  }
  info() {
    return Promise.resolve({ modelId: MODEL, dim: DIM });
  }
}

async function fill(store: MnemosStore, corpus: CorpusMemory[], vecs: Float32Array[]) {
  const now = new Date().toISOString().replace('Z', '+00:00');
  const n = corpus.length;
  for (let i = 0; i < n; i += 1000) {
    const res = await store.storeMany(corpus.slice(i, i + 1000));
    await store.conn.batch(res.map((r, j) => upsertVectorStmt(r.id, MODEL, vecs[i + j], now)));
  }
}

async function time(label: string, fn: () => unknown, reps = QUERIES) {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const a = performance.now();
    await fn();
    t.push(performance.now() - a);
  }
  console.log(`  ${label.padEnd(58)} p50 ${f(pct(t, 0.5)).padStart(7)} ms   p95 ${f(pct(t, 0.95)).padStart(7)} ms`);
  return pct(t, 0.5);
}

async function main() {
  console.log(
    `# hybrid.ts  ${new Date().toISOString()}  ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `# corpus: bench/lib/corpus.ts developer memories; queries: its 1–3-word workload (10 % misses); ${DIM}-d random unit vectors; ${QUERIES} queries per figure, top-10`,
  );
  const sqld = WITH_SQLD ? await startSqld() : undefined;
  try {
    for (const n of SIZES) {
      const vecs = Array.from({ length: n }, unit);
      const corpus = generateCorpus(n);
      const queries = queryWorkload(corpus, 200).map((q) => q.query);
      let qi = 0;
      const words = () => queries[qi++ % queries.length];
      const q = unit();
      console.log(`\n## N = ${n}`);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-'));
      const local = await openStore({ mode: 'local', path: path.join(dir, 'm.db') });
      let t = performance.now();
      await fill(local, corpus, vecs);
      console.log(`  fill (memories + vectors)  ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs/memory`);

      // 1. engines
      const index = new VectorIndex(MODEL);
      t = performance.now();
      await index.refresh(local.conn);
      console.log(
        `  in-process index load ${(performance.now() - t).toFixed(0)} ms (${index.size} vectors, ${index.simd ? 'WebAssembly SIMD' : 'JavaScript'} scan)`,
      );
      const jsP50 = await time('vector top-10: in-process index (Mnemos)', () => index.search(q, 10));
      const qb = new Uint8Array(new Float32Array(q).buffer);
      const libsqlScan = await time(
        'vector top-10: libSQL vector_distance_cos scan, local',
        () =>
          local.sql(
            `SELECT memory_id FROM mnemos_vectors WHERE model = ? ORDER BY vector_distance_cos(vec, vector32(?)) LIMIT 10`,
            [MODEL, qb],
          ),
        Math.min(QUERIES, 20),
      );
      let vecP50: number | undefined;
      try {
        (local.conn as unknown as { loadExtension(p: string): void }).loadExtension(
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- the native extension's path, loaded only here
          require('sqlite-vec').getLoadablePath(),
        );
        await local.sql(
          `CREATE VIRTUAL TABLE IF NOT EXISTS bench_vec USING vec0(memory_id TEXT PRIMARY KEY, embedding float[${DIM}] distance_metric=cosine)`,
        );
        await local.sql(`INSERT INTO bench_vec(memory_id, embedding) SELECT memory_id, vec FROM mnemos_vectors`);
        vecP50 = await time(
          'vector top-10: sqlite-vec vec0 brute force, local',
          () => local.sql(`SELECT memory_id FROM bench_vec WHERE embedding MATCH ? AND k = 10 ORDER BY distance`, [qb]),
          Math.min(QUERIES, 20),
        );
      } catch (e) {
        console.log(`  sqlite-vec: not measured (${(e as Error).message})`);
      }
      console.log(
        `  ratios: libSQL scan / in-process = ${(libsqlScan / jsP50).toFixed(1)}×${vecP50 ? `, sqlite-vec / in-process = ${(vecP50 / jsP50).toFixed(1)}×` : ''}`,
      );

      // 2. hybrid vs keyword on the local file
      const given = new GivenVectors();
      local.setEmbedder(given, { nearDuplicate: false });
      await local.recall('warm', { bumpAccess: false });
      const kwP50 = await time('keyword recall, local file (baseline)', () =>
        local.recallKeyword(words(), { limit: 10, bumpAccess: false }),
      );
      const hyP50 = await time('hybrid recall, local file (query vector given)', () => {
        given.next = unit();
        return local.recall(words(), { limit: 10, bumpAccess: false });
      });
      console.log(`  hybrid / keyword = ${(hyP50 / kwP50).toFixed(1)}×`);
      await local.close();

      if (sqld) {
        const remote = await openStore({ mode: 'remote', url: sqld.url });
        await remote.sql(`DELETE FROM memories`);
        t = performance.now();
        await fill(remote, corpus, vecs);
        console.log(`  sqld fill ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs/memory`);
        const rScan = await time(
          'vector top-10: libSQL vector_distance_cos scan on sqld',
          () =>
            remote.sql(
              `SELECT memory_id FROM mnemos_vectors WHERE model = ? ORDER BY vector_distance_cos(vec, vector32(?)) LIMIT 10`,
              [MODEL, qb],
            ),
          Math.min(QUERIES, 10),
        );
        remote.setEmbedder(given, { nearDuplicate: false, vectorEngine: 'sql' });
        const rkw = await time('keyword recall on sqld (baseline)', () =>
          remote.recallKeyword(words(), { limit: 10, bumpAccess: false }),
        );
        const rhy = await time('hybrid recall on sqld, vectors scanned in sqld', () => {
          given.next = unit();
          return remote.recall(words(), { limit: 10, bumpAccess: false });
        });
        remote.setEmbedder(given, { nearDuplicate: false, vectorEngine: 'memory' });
        t = performance.now();
        await remote.recall('warm', { bumpAccess: false });
        console.log(`  sqld: in-process index load over HTTP ${(performance.now() - t).toFixed(0)} ms`);
        const rmem = await time('hybrid recall on sqld, in-process index (auto, once loaded)', () => {
          given.next = unit();
          return remote.recall(words(), { limit: 10, bumpAccess: false });
        });
        console.log(
          `  sqld: hybrid in sqld / keyword = ${(rhy / rkw).toFixed(1)}×, in-process / keyword = ${(rmem / rkw).toFixed(1)}×, bare scan in sqld ${f(rScan)} ms`,
        );
        await remote.close();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await sqld?.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
