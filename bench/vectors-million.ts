/**
 * Vectors at a million memories (issue 14): what today's in-process index costs at N, and the
 * candidates instead, measured in one run against the same vectors and queries.
 *
 *   node --import tsx bench/vectors-million.ts [--n 1000000] [--real 100000] [--queries 200]
 *        [--rerank 100] [--rerank-bits 200] [--diskann 20000] [--embed-workers 2]
 *
 * Vectors: 384-d, from the real embedding path (src/embed/Embedder, transformers.js in a worker)
 * running the committed tiny test model widened to 384-d (bench/lib/tiny-model.ts), for the first
 * `--real` memories of bench/lib/corpus.ts (`topic summary`, as the store embeds them). Past that,
 * the bulk is synthetic: each vector the normalised mix of two real ones plus a little Gaussian
 * noise, so it keeps their distribution (tiny-model vectors are far from isotropic) without
 * embedding a million texts (≈ 500 texts/s here). Queries: `queryWorkload` (1–3 words drawn from
 * the corpus) embedded as queries through the same model.
 *
 * Candidates, each against exact top-10 of the f32 scan (the ground truth, same run):
 *  - f32 exact: today's VectorIndex (src/store/vectors.ts) loaded from `mnemos_vectors`;
 *  - int8 codes (per-vector scale, or one global scale), WebAssembly SIMD scan, then the top
 *    `--rerank` rows' f32 vectors read back from `mnemos_vectors` by seq and re-scored exactly;
 *  - 1-bit sign codes (centred on the mean of the first 10,000 vectors), Hamming scan, re-rank of
 *    `--rerank-bits`;
 *  - libSQL DiskANN (`F32_BLOB` + `libsql_vector_idx`, `vector_top_k`) on the first `--diskann`
 *    vectors only (its insert cost makes a million unaffordable here; the build time per row is
 *    reported and its recall is against exact search over the same subset).
 * Recall@10: a returned memory counts when its exact cosine is ≥ the 10th exact cosine − 1e-5 (ties
 * at f32 precision count). Memory: the bytes of the index's WebAssembly memory plus the JS heap it
 * added (ids), measured after a forced GC. Everything lives in a temp dir, deleted at the end.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Embedder } from '../src/embed/embedder';
import { type Conn, openConn } from '../src/store/conn';
import { VECTOR_DDL, VectorIndex, blobToVec, embedText, normalise, upsertVectorStmt } from '../src/store/vectors';
import { generateCorpus, queryWorkload } from './lib/corpus';
import { BitIndex, Int8Index, topK } from './lib/quant';
import { rng } from './lib/rng';
import { writeWideTinyModel } from './lib/tiny-model';
import { printMachine, summarize, table } from './lib/timing';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg('n', 100_000);
const REAL = Math.min(N, arg('real', 100_000));
const QUERIES = arg('queries', 200);
const RERANK = arg('rerank', 100);
const RERANK_BITS = arg('rerank-bits', 200);
const DISKANN = Math.min(N, arg('diskann', 20_000));
const WORKERS = arg('embed-workers', 2);
const DIM = 384;
const K = 10;
const MODEL = 'tiny-bert-384';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapNow(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
const MB = (b: number) => b / 1e6;

// /proc/loadavg sampled every 5 s during the run (1-minute figure).
const loads: number[] = [];
const sampleLoad = () => {
  try {
    loads.push(Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
  } catch {
    loads.push(os.loadavg()[0]);
  }
};
sampleLoad();
const loadTimer = setInterval(sampleLoad, 5000);
loadTimer.unref();

const log = (s: string) => console.log(`[${(performance.now() / 1000).toFixed(0).padStart(5)} s] ${s}`);

interface Row {
  name: string;
  bytes: number;
  buildMs: number;
  buildNote: string;
  lat: number[];
  recall: number;
  recallBefore?: number;
}

/** Exact cosines of the ground truth for one query. */
interface Truth {
  ids: string[];
  kth: number;
}

function recallOf(truth: Truth[], got: string[][], exact: (qi: number, ids: string[]) => Map<string, number>): number {
  let hits = 0;
  for (let qi = 0; qi < truth.length; qi++) {
    const sims = exact(qi, got[qi]);
    let h = 0;
    for (const id of got[qi].slice(0, K)) if ((sims.get(id) ?? -Infinity) >= truth[qi].kth - 1e-5) h++;
    hits += Math.min(K, h);
  }
  return hits / (truth.length * K);
}

async function main(): Promise<void> {
  printMachine(`vectors at ${N.toLocaleString('en')} memories, ${DIM}-d`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-vec1m-'));
  let conn: Conn | undefined;
  try {
    // ---------------------------------------------------------------- vectors through the real path
    const modelId = writeWideTinyModel(tmp, DIM);
    const corpus = generateCorpus(REAL);
    const texts = corpus.map((m) => embedText(m.topic, m.summary));
    const queries = queryWorkload(corpus, QUERIES).map((q) => q.query);
    // One worker per core (onnxruntime's own threads did not help this small model: 480 vs 490 texts/s).
    const embedders = Array.from(
      { length: WORKERS },
      () => new Embedder({ modelId, cacheDir: tmp, localModelPath: tmp, allowRemote: false, batchSize: 64 }),
    );
    let t0 = performance.now();
    const real: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += 2000 * WORKERS) {
      const parts = await Promise.all(
        embedders.map((e, w) =>
          e.embed(texts.slice(i + w * 2000, Math.min(texts.length, i + (w + 1) * 2000)), 'passage'),
        ),
      );
      for (const p of parts) real.push(...p);
      if ((i / (2000 * WORKERS)) % 5 === 4) log(`embedded ${real.length.toLocaleString('en')}`);
    }
    const qv = await embedders[0].embed(queries, 'query');
    await Promise.all(embedders.map((e) => e.dispose()));
    const embedMs = performance.now() - t0;
    log(`embedded ${real.length} texts + ${qv.length} queries in ${(embedMs / 1000).toFixed(1)} s`);
    let meanCos = 0;
    const pr = rng(5);
    for (let i = 0; i < 2000; i++) {
      const a = real[Math.floor(pr() * real.length)];
      const b = real[Math.floor(pr() * real.length)];
      for (let j = 0; j < DIM; j++) meanCos += (a[j] * b[j]) / 2000;
    }
    log(`mean cosine of random pairs of real vectors: ${meanCos.toFixed(3)}`);

    // ---------------------------------------------------------------- the store's vector table
    conn = await openConn({ mode: 'local', path: path.join(tmp, 'vectors.db') });
    for (const ddl of VECTOR_DDL.slice(0, 2)) await conn.run(ddl);
    const synth = rng(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - synth())) * Math.cos(2 * Math.PI * synth());
    const vectorAt = (i: number): Float32Array => {
      if (i < real.length) return real[i];
      const a = real[Math.floor(synth() * real.length)];
      const b = real[Math.floor(synth() * real.length)];
      const t = synth();
      const v = new Float32Array(DIM);
      for (let j = 0; j < DIM; j++) v[j] = (1 - t) * a[j] + t * b[j] + 0.02 * gauss();
      return normalise(v);
    };
    const idOf = (i: number) => `m${String(i).padStart(25, '0')}`; // 26 characters, as a ULID
    const now = new Date().toISOString();
    t0 = performance.now();
    for (let i = 0; i < N; i += 5000) {
      const stmts = [];
      for (let j = i; j < Math.min(N, i + 5000); j++) stmts.push(upsertVectorStmt(idOf(j), MODEL, vectorAt(j), now));
      await conn.batchRun(stmts);
      if ((i / 5000) % 40 === 39) log(`stored ${(i + 5000).toLocaleString('en')}`);
    }
    const writeMs = performance.now() - t0;
    await conn.run('PRAGMA wal_checkpoint(TRUNCATE)');
    const fileBytes = fs.statSync(path.join(tmp, 'vectors.db')).size;
    log(
      `stored ${N} vectors in ${(writeMs / 1000).toFixed(1)} s (${((writeMs * 1000) / N).toFixed(0)} µs/row), file ${MB(fileBytes).toFixed(0)} MB`,
    );

    const rows: Row[] = [];

    // ---------------------------------------------------------------- exact: today's index
    let heap0 = heapNow();
    const exact = new VectorIndex(MODEL);
    t0 = performance.now();
    await exact.refresh(conn, { full: true });
    const loadMs = performance.now() - t0;
    const arenaBytes = (exact as unknown as { arena: { memory: WebAssembly.Memory } }).arena.memory.buffer.byteLength;
    const exactBytes = arenaBytes + (heapNow() - heap0);
    log(`today's index: loaded ${exact.size} in ${(loadMs / 1000).toFixed(1)} s, simd ${exact.simd}`);
    const truth: Truth[] = [];
    const lat: number[] = [];
    for (let w = 0; w < 5; w++) exact.search(qv[w], K);
    for (const q of qv) {
      t0 = performance.now();
      const hits = exact.search(q, K);
      lat.push(performance.now() - t0);
      truth.push({ ids: hits.map((h) => h.id), kth: hits[hits.length - 1].similarity });
    }
    const exactSims = (qi: number, ids: string[]) => exact.similarities(qv[qi], ids);
    rows.push({
      name: 'f32 exact scan (today: VectorIndex, WASM SIMD)',
      bytes: exactBytes,
      buildMs: loadMs,
      buildNote: 'load from store',
      lat,
      recall: 1,
    });

    // ---------------------------------------------------------------- quantised + exact re-rank
    const readPage = async (after: number) =>
      conn!.query(`SELECT seq, vec FROM mnemos_vectors WHERE model = ? AND seq > ? ORDER BY seq LIMIT 5000`, [
        MODEL,
        after,
      ]);
    /** Streams every stored vector (seq order) into `add`, like VectorIndex.refresh; returns the seqs. */
    async function streamInto(add: (v: Float32Array) => void): Promise<Int32Array> {
      const seqs = new Int32Array(N);
      let n = 0;
      let last = 0;
      for (;;) {
        const page = await readPage(last);
        for (const r of page) {
          const v = blobToVec(r.vec)!;
          add(v);
          seqs[n++] = Number(r.seq);
          last = Number(r.seq);
        }
        if (page.length < 5000) break;
      }
      return seqs.subarray(0, n);
    }
    const inList = (k: number) => Array.from({ length: k }, () => '?').join(',');
    /** The candidates' f32 vectors read back from the store and scored exactly; top-10 ids. */
    async function rerank(q: Float32Array, seqs: Int32Array, cand: Int32Array): Promise<string[]> {
      const args = Array.from(cand, (r) => seqs[r]);
      const got = await conn!.query(
        `SELECT memory_id, vec FROM mnemos_vectors WHERE seq IN (${inList(args.length)})`,
        args,
      );
      const scored = got.map((r) => {
        const v = blobToVec(r.vec)!;
        let s = 0;
        for (let j = 0; j < DIM; j++) s += v[j] * q[j];
        return { id: String(r.memory_id), s };
      });
      scored.sort((a, b) => b.s - a.s);
      return scored.slice(0, K).map((x) => x.id);
    }
    async function measureQuant(
      name: string,
      build: () => { index: { scan(q: Float32Array): Float32Array; bytes: number }; add(v: Float32Array): void },
      rerankK: number,
    ): Promise<void> {
      heap0 = heapNow();
      t0 = performance.now();
      const b = build();
      const seqs = await streamInto((v) => b.add(v));
      const buildMs = performance.now() - t0;
      const bytes = b.index.bytes + seqs.byteLength + (heapNow() - heap0);
      log(`${name}: built in ${(buildMs / 1000).toFixed(1)} s`);
      const qlat: number[] = [];
      const got: string[][] = [];
      const before: string[][] = [];
      const idsOfRows = async (cand: Int32Array) => {
        const args = Array.from(cand, (r) => seqs[r]);
        const rs = await conn!.query(
          `SELECT seq, memory_id FROM mnemos_vectors WHERE seq IN (${inList(args.length)})`,
          args,
        );
        const m = new Map(rs.map((r) => [Number(r.seq), String(r.memory_id)]));
        return args.map((s) => m.get(s)!);
      };
      for (let w = 0; w < 5; w++) await rerank(qv[w], seqs, topK(b.index.scan(qv[w]), rerankK));
      for (const q of qv) {
        t0 = performance.now();
        const cand = topK(b.index.scan(q), rerankK);
        got.push(await rerank(q, seqs, cand));
        qlat.push(performance.now() - t0);
        before.push(await idsOfRows(cand.subarray(0, K))); // untimed: the codes' own top-10
      }
      rows.push({
        name,
        bytes,
        buildMs,
        buildNote: 'read store + quantise',
        lat: qlat,
        recall: recallOf(truth, got, exactSims),
        recallBefore: recallOf(truth, before, exactSims),
      });
    }

    await measureQuant(
      `int8 per-vector scale + re-rank ${RERANK}`,
      () => {
        const index = new Int8Index(DIM, N, 'row');
        return { index, add: (v) => index.add(v) };
      },
      RERANK,
    );
    // One scale for all: the largest |component| of the first 10,000 vectors (a sample, as a store would keep).
    let gmax = 0;
    for (const v of real.slice(0, 10_000)) for (let j = 0; j < DIM; j++) gmax = Math.max(gmax, Math.abs(v[j]));
    await measureQuant(
      `int8 global scale + re-rank ${RERANK}`,
      () => {
        const index = new Int8Index(DIM, N, gmax / 127);
        return { index, add: (v) => index.add(v) };
      },
      RERANK,
    );
    const centre = new Float32Array(DIM);
    const sample = real.slice(0, 10_000);
    for (const v of sample) for (let j = 0; j < DIM; j++) centre[j] += v[j] / sample.length;
    await measureQuant(
      `1-bit sign codes (centred) + re-rank ${RERANK_BITS}`,
      () => {
        const index = new BitIndex(DIM, N, centre);
        return { index, add: (v) => index.add(v) };
      },
      RERANK_BITS,
    );

    // ---------------------------------------------------------------- libSQL DiskANN on a subset
    let diskann: { rows: number; msPerRow: number; lat: number[]; recall: number; fileBytes: number } | undefined;
    if (DISKANN > 0) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Database = require('libsql') as new (p: string) => {
        exec(sql: string): void;
        prepare(sql: string): { run(args: unknown[]): unknown; all(args: unknown[]): Record<string, unknown>[] };
        close(): void;
      };
      const file = path.join(tmp, 'diskann.db');
      const db = new Database(file);
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536`);
      db.exec(`CREATE TABLE v (id INTEGER PRIMARY KEY, emb F32_BLOB(${DIM}))`);
      db.exec(
        `CREATE INDEX v_idx ON v (libsql_vector_idx(emb, 'metric=cosine', 'compress_neighbors=float8', 'max_neighbors=32'))`,
      );
      const ins = db.prepare(`INSERT INTO v (id, emb) VALUES (?, ?)`);
      const sub = (
        await conn.query(`SELECT vec FROM mnemos_vectors WHERE model = ? ORDER BY seq LIMIT ?`, [MODEL, DISKANN])
      ).map((r) => blobToVec(r.vec)!);
      t0 = performance.now();
      for (let i = 0; i < sub.length; i += 1000) {
        db.exec('BEGIN');
        for (let j = i; j < Math.min(sub.length, i + 1000); j++) ins.run([j, Buffer.from(sub[j].buffer)]);
        db.exec('COMMIT');
        if ((i / 1000) % 5 === 4)
          log(`DiskANN: inserted ${i + 1000} (${((performance.now() - t0) / (i + 1000)).toFixed(2)} ms/row)`);
      }
      const msPerRow = (performance.now() - t0) / sub.length;
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      const q = db.prepare(`SELECT id FROM vector_top_k('v_idx', vector32(?), ${K})`);
      const dl: number[] = [];
      let hits = 0;
      for (let w = 0; w < 5; w++) q.all([Buffer.from(qv[w].buffer)]);
      for (const qq of qv) {
        t0 = performance.now();
        const ids = q.all([Buffer.from(qq.buffer)]).map((r) => Number(r.id));
        dl.push(performance.now() - t0);
        const scores = sub.map((v) => {
          let s = 0;
          for (let j = 0; j < DIM; j++) s += v[j] * qq[j];
          return s;
        });
        const kth = [...scores].sort((a, b) => b - a)[K - 1];
        hits += Math.min(K, ids.filter((i) => scores[i] >= kth - 1e-5).length);
      }
      db.close();
      diskann = {
        rows: sub.length,
        msPerRow,
        lat: dl,
        recall: hits / (qv.length * K),
        fileBytes: fs.statSync(file).size,
      };
      log(`DiskANN on ${sub.length}: ${msPerRow.toFixed(2)} ms/row`);
    }

    // ---------------------------------------------------------------- report
    clearInterval(loadTimer);
    sampleLoad();
    const base = summarize(rows[0].lat).p50;
    console.log(
      `\n${N.toLocaleString('en')} vectors (${real.length.toLocaleString('en')} embedded, ${(N - real.length).toLocaleString('en')} synthetic), ${qv.length} queries, top-${K}; ` +
        `embedding ${(real.length / (embedMs / 1000)).toFixed(0)} texts/s (${WORKERS} workers); store write ${((writeMs * 1000) / N).toFixed(0)} µs/vector, file ${MB(fileBytes).toFixed(0)} MB; ` +
        `mean cosine of random pairs ${meanCos.toFixed(3)}; load average (1 min) ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}\n`,
    );
    const out = rows.map((r) => {
      const s = summarize(r.lat);
      return [
        r.name,
        MB(r.bytes).toFixed(0),
        `${(r.buildMs / 1000).toFixed(1)} s (${r.buildNote})`,
        `${s.p50.toFixed(2)} ms`,
        `${s.p95.toFixed(2)} ms`,
        r.recall.toFixed(3),
        r.recallBefore === undefined ? '—' : r.recallBefore.toFixed(3),
        `${(s.p50 / base).toFixed(2)}×`,
        `${(r.bytes / rows[0].bytes).toFixed(2)}×`,
      ];
    });
    if (diskann) {
      const s = summarize(diskann.lat);
      out.push([
        `libSQL DiskANN, first ${diskann.rows.toLocaleString('en')} only (float8 neighbours, 32)`,
        `${MB(diskann.fileBytes).toFixed(0)} (file)`,
        `${diskann.msPerRow.toFixed(2)} ms/row (≥ ${((diskann.msPerRow * 1e6) / 3.6e6).toFixed(1)} h for a million)`,
        `${s.p50.toFixed(2)} ms`,
        `${s.p95.toFixed(2)} ms`,
        `${diskann.recall.toFixed(3)} (vs exact on the subset)`,
        '—',
        `${(s.p50 / base).toFixed(2)}× (smaller N)`,
        '—',
      ]);
    }
    console.log(
      table(
        [
          'candidate',
          'memory MB',
          'build / load',
          'query p50',
          'query p95',
          'recall@10',
          'recall@10 before re-rank',
          'p50 vs exact',
          'memory vs exact',
        ],
        out,
      ),
    );
  } finally {
    await conn?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
