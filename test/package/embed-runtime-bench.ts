// Embedding speed: the WebAssembly runtime (onnxruntime-web, what the darwin-x64 and alpine-x64 VSIXes carry)
// against the native one (onnxruntime-node), each through the real Embedder and an unpacked VSIX's own
// dist/embed-worker.js. Runs are interleaved (the machine is shared); medians are printed.
//
//   bash scripts/package.sh --target linux-x64 --target alpine-x64 --out-dir /tmp/v
//   node --import tsx test/package/embed-runtime-bench.ts /tmp/v [MODELS_DIR:MODEL_ID]...
//
// Default model: the tiny test model. Env: BENCH_REPS (3), BENCH_THREADS (1), BENCH_TEXTS (1000; 200 for
// models other than the tiny one).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Embedder } from '../../src/embed/embedder';

const [vsixDir, ...modelArgs] = process.argv.slice(2);
if (!vsixDir) throw new Error('usage: embed-runtime-bench.ts VSIX_DIR [MODELS_DIR:MODEL_ID]...');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const models = modelArgs.length ? modelArgs : [`${path.resolve(__dirname, '../fixtures/models')}:tiny-bert`];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-runtime-bench-'));
const runtimes = { native: 'linux-x64', wasm: 'alpine-x64' } as const;
const workers: Record<string, string> = {};
for (const [kind, target] of Object.entries(runtimes)) {
  execFileSync('unzip', ['-q', path.join(vsixDir, `mnemos-${target}.vsix`), '-d', path.join(work, target)]);
  workers[kind] = path.join(work, target, 'extension/dist/embed-worker.js');
}

function corpus(n: number): string[] {
  const words =
    'the quick brown fox jumps over lazy dog hello world code file test error search query user model'.split(' ');
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: 6 + (i % 7) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '),
  );
}

async function once(worker: string, modelsDir: string, modelId: string, texts: string[]) {
  const e = new Embedder({
    modelId,
    cacheDir: path.join(work, 'cache'),
    localModelPath: modelsDir,
    allowRemote: false,
    threads: THREADS,
    workerPath: worker,
  });
  try {
    const t0 = performance.now();
    await e.embed(['warm up'], 'passage');
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    await e.embed(texts, 'passage');
    return { loadMs, textsPerSec: texts.length / ((performance.now() - t1) / 1000) };
  } finally {
    await e.dispose();
  }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
(async () => {
  console.log(`| model | runtime | threads | runs | load + first text, ms (median) | texts/s median (min–max) |`);
  console.log('|---|---|---|---|---|---|');
  for (const m of models) {
    const [modelsDir, modelId] = [m.slice(0, m.lastIndexOf(':')), m.slice(m.lastIndexOf(':') + 1)];
    const n = Number(process.env.BENCH_TEXTS ?? (modelId === 'tiny-bert' ? 1000 : 200));
    const texts = corpus(n);
    const res: Record<string, { loadMs: number; textsPerSec: number }[]> = { native: [], wasm: [] };
    for (let r = 0; r < REPS; r++) {
      for (const kind of Object.keys(runtimes)) res[kind].push(await once(workers[kind], modelsDir, modelId, texts));
    }
    for (const [kind, rs] of Object.entries(res)) {
      const tp = rs.map((x) => x.textsPerSec);
      console.log(
        `| ${modelId} (${n} texts) | ${kind} | ${THREADS} | ${rs.length} | ${Math.round(median(rs.map((x) => x.loadMs)))} | ` +
          `${Math.round(median(tp))} (${Math.round(Math.min(...tp))}–${Math.round(Math.max(...tp))}) |`,
      );
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
