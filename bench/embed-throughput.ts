// Embedding throughput through Embedder (worker) for batch sizes 1, 8, 32, and how long the caller's
// event loop is blocked: worker vs the baseline of running the same pipeline inline on the main thread.
//
//   node --import tsx bench/embed-throughput.ts
//   MNEMOS_MODEL_DIR=~/.config/Code/User/globalStorage/mnemos.mnemos/models node --import tsx bench/embed-throughput.ts
//
// Models: the committed tiny test model, plus every folder under MNEMOS_MODEL_DIR that holds
// config.json + onnx/model.onnx (or model_quantized.onnx), e.g. a user's cache with Xenova/all-MiniLM-L6-v2.
// Env: BENCH_TEXTS (default 1000 for tiny, 300 for others), BENCH_THREADS (default 1), BENCH_REPS (default 3).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Embedder } from '../src/embed/embedder';

interface ModelSpec {
  label: string;
  modelId: string;
  dir: string;
  dtype: 'fp32' | 'q8';
  texts: number;
}

const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const FIXTURES = path.resolve(__dirname, '..', 'test', 'fixtures', 'models');

function corpus(n: number): string[] {
  const words =
    'the quick brown fox jumps over lazy dog hello world code file test error search query user model fast small'.split(
      ' ',
    );
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: 6 + (i % 7) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '),
  );
}

function findModels(root: string, rel = '', depth = 0): string[] {
  const here = path.join(root, rel);
  if (
    fs.existsSync(path.join(here, 'config.json')) &&
    ['model.onnx', 'model_quantized.onnx'].some((f) => fs.existsSync(path.join(here, 'onnx', f)))
  )
    return [rel];
  if (depth >= 3) return [];
  return fs
    .readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .flatMap((d) => findModels(root, path.join(rel, d.name), depth + 1));
}

function models(): ModelSpec[] {
  const n = process.env.BENCH_TEXTS ? Number(process.env.BENCH_TEXTS) : undefined;
  const out: ModelSpec[] = [
    { label: 'tiny-bert (fixture)', modelId: 'tiny-bert', dir: FIXTURES, dtype: 'fp32', texts: n ?? 1000 },
  ];
  const userDir = process.env.MNEMOS_MODEL_DIR;
  if (userDir) {
    for (const rel of findModels(userDir)) {
      const modelId = rel.split(path.sep).join('/');
      const dtype = fs.existsSync(path.join(userDir, rel, 'onnx', 'model.onnx')) ? 'fp32' : 'q8';
      out.push({ label: `${modelId} (${userDir})`, modelId, dir: userDir, dtype, texts: n ?? 300 });
    }
  }
  return out;
}

/** Runs fn while a 1 ms interval probes the event loop; returns the largest gap between ticks. */
async function withLoopProbe<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; maxGapMs: number }> {
  let last = performance.now(),
    maxGap = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(probe);
  maxGap = Math.max(maxGap, performance.now() - last);
  return { result, ms, maxGapMs: maxGap };
}

async function seqProbes(n: number, ms: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    out.push((await withLoopProbe(() => new Promise((r) => setTimeout(r, Math.max(ms, 50))))).maxGapMs);
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-cache-'));

async function viaWorker(m: ModelSpec, batchSize: number, texts: string[]) {
  const e = new Embedder({
    modelId: m.modelId,
    cacheDir: m.dir === FIXTURES ? cacheDir : m.dir,
    localModelPath: m.dir,
    allowRemote: false,
    threads: THREADS,
    dtype: m.dtype,
    batchSize,
  });
  try {
    const t0 = performance.now();
    const { dim } = await e.info();
    const loadMs = performance.now() - t0;
    const runs = [];
    for (let r = 0; r < REPS; r++) runs.push(await withLoopProbe(() => e.embed(texts, 'passage')));
    return {
      dim,
      loadMs,
      textsPerSec: median(runs.map((r) => texts.length / (r.ms / 1000))),
      maxGapMs: Math.max(...runs.map((r) => r.maxGapMs)),
      ms: median(runs.map((r) => r.ms)),
    };
  } finally {
    await e.dispose();
  }
}

/** Baseline: the same pipeline on the caller's thread, batches of 32, as an extension without a worker would run it. */
async function inline(m: ModelSpec, texts: string[]) {
  const { pipeline, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = m.dir;
  env.cacheDir = m.dir === FIXTURES ? cacheDir : m.dir;
  const ex = await pipeline('feature-extraction', m.modelId, {
    dtype: m.dtype,
    session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 },
  });
  try {
    await ex(['warm up'], { pooling: 'mean', normalize: true });
    const runs = [];
    for (let r = 0; r < REPS; r++) {
      runs.push(
        await withLoopProbe(async () => {
          for (let i = 0; i < texts.length; i += 32)
            await ex(texts.slice(i, i + 32), { pooling: 'mean', normalize: true });
        }),
      );
    }
    return {
      textsPerSec: median(runs.map((r) => texts.length / (r.ms / 1000))),
      maxGapMs: Math.max(...runs.map((r) => r.maxGapMs)),
    };
  } finally {
    await ex.dispose();
  }
}

async function main() {
  console.log(
    `# embed-throughput — node ${process.version}, ${os.cpus().length} cores, loadavg ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}, ` +
      `threads=${THREADS}, reps=${REPS} (median texts/s, max event-loop gap over all reps; 1 ms probe interval)`,
  );
  for (const m of models()) {
    const texts = corpus(m.texts);
    console.log(`\n## ${m.label}, dtype ${m.dtype}, ${texts.length} texts of 6–12 words`);
    console.log('| mode | batch | texts/s | max loop gap ms | load ms |');
    console.log('|---|---|---|---|---|');
    let worker32 = 0,
      ms32 = 0;
    for (const bs of [1, 8, 32]) {
      const r = await viaWorker(m, bs, texts);
      if (bs === 32) {
        worker32 = r.maxGapMs;
        ms32 = r.ms;
      }
      console.log(
        `| worker (dim ${r.dim}) | ${bs} | ${r.textsPerSec.toFixed(0)} | ${r.maxGapMs.toFixed(1)} | ${r.loadMs.toFixed(0)} |`,
      );
    }
    // What the probe sees with nothing running at all: on a shared machine the OS alone causes gaps.
    const floor = Math.max(...(await seqProbes(REPS, ms32)));
    console.log(`| idle probe (noise floor) | – | – | ${floor.toFixed(1)} | – |`);
    const b = await inline(m, texts);
    console.log(`| inline baseline | 32 | ${b.textsPerSec.toFixed(0)} | ${b.maxGapMs.toFixed(1)} | – |`);
    console.log(`baseline ratio: inline max gap / worker max gap (batch 32) = ${(b.maxGapMs / worker32).toFixed(1)}×`);
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
