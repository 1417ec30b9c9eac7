// Embedding worker (worker_threads). All transformers.js / onnxruntime work happens here, because
// onnxruntime-node's run() is synchronous on the JS thread and would block the extension host.
// Bundled on its own as dist/embed-worker.js (see src/embed/README.md).
import { parentPort, workerData } from 'node:worker_threads';
import { runtimeOptions } from './onnx-runtime'; // before transformers.js: it picks the ONNX runtime
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

const NETWORK_ERROR = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network/i;

function describeLoadError(e: unknown): { reason: 'offline' | 'load-failed'; message: string } {
  const err = e as { name?: string; message?: string; cause?: unknown };
  const text = `${err?.name ?? ''}: ${err?.message ?? String(e)} ${err?.cause ? String(err.cause) : ''}`;
  const where = [`the model cache (${init.cacheDir})`, init.localModelPath && `the local model folder (${init.localModelPath})`]
    .filter(Boolean).join(' or ');
  if (/Could not locate file/i.test(text)) { // the hub answered 404: wrong id (or a file this model lacks)
    return {
      reason: 'load-failed',
      message: `Embedding model "${init.modelId}" was not found on the model hub${init.remoteHost ? ` (${init.remoteHost})` : ''}: ${err?.message ?? e}`,
    };
  }
  if (err?.name === 'ModelFileNotFoundError' || /not found locally/i.test(text)) {
    return {
      reason: 'offline',
      message: `Embedding model "${init.modelId}" is not available: it is not in ${where}` +
        (init.allowRemote ? '.' : ', and downloading is disabled.') + ` (${err?.message ?? e})`,
    };
  }
  if (NETWORK_ERROR.test(text)) {
    return {
      reason: 'offline',
      message: `Embedding model "${init.modelId}" could not be downloaded (offline?) and is not in ${where}. (${text.trim()})`,
    };
  }
  return { reason: 'load-failed', message: `Embedding model "${init.modelId}" failed to load: ${text.trim()}` };
}

async function load(): Promise<FeatureExtractionPipeline> {
  env.cacheDir = init.cacheDir;
  env.useFSCache = true;
  env.allowLocalModels = true; // also needed to read from the cache when remote is off
  if (init.localModelPath) env.localModelPath = init.localModelPath;
  env.allowRemoteModels = init.allowRemote;
  if (init.remoteHost) env.remoteHost = init.remoteHost.endsWith('/') ? init.remoteHost : `${init.remoteHost}/`;
  return (await pipeline('feature-extraction', init.modelId, {
    dtype: init.dtype,
    ...runtimeOptions(init.threads),
    session_options: { intraOpNumThreads: init.threads, interOpNumThreads: 1 },
  } as Parameters<typeof pipeline>[2])) as FeatureExtractionPipeline;
}

async function run(extractor: FeatureExtractionPipeline, texts: string[]) {
  const t = await extractor(texts, { pooling: 'mean', normalize: true });
  const [n, dim] = t.dims as number[];
  const data = new Float32Array(t.data as Float32Array); // own buffer, so it can be transferred
  t.dispose?.();
  return { n, dim, data };
}

const t0 = performance.now();
const ready: Promise<FeatureExtractionPipeline | undefined> = load().then(
  async (extractor) => {
    const { dim } = await run(extractor, ['dimension probe']); // dim comes from the model's real output
    post({ type: 'ready', dim, loadMs: Math.round(performance.now() - t0) });
    return extractor;
  },
  (e) => {
    post({ type: 'load-error', ...describeLoadError(e) });
    return undefined;
  },
);

// One request at a time: concurrent session runs would only compete for the same thread budget.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'embed') return;
  chain = chain.then(async () => {
    const extractor = await ready;
    if (!extractor) return; // the host already rejected everything on 'load-error'
    try {
      const r = await run(extractor, msg.texts);
      post({ type: 'result', id: msg.id, ...r }, [r.data.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
});
