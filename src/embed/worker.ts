// Embedding worker (worker_threads). All transformers.js / onnxruntime work happens here, because
// onnxruntime-node's run() is synchronous on the JS thread and would block the extension host.
// Bundled on its own as dist/embed-worker.js (see src/embed/README.md).
import { parentPort, workerData } from 'node:worker_threads';
import { runtimeOptions } from './onnx-runtime'; // before transformers.js: it picks the ONNX runtime
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { FromWorker, LoadFailure, ToWorker, WorkerInit } from './protocol';
import { textOf } from '../shared/text';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);

const NETWORK_ERROR =
  /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network/i;
/** onnxruntime's "Protobuf parsing failed", a truncated or garbled JSON file: the files are there but damaged. */
const DAMAGED =
  /Protobuf parsing failed|Load model from .* failed|invalid (onnx )?model|SyntaxError|in JSON at position|Unexpected end of JSON/i;

/**
 * Why the model could not be loaded, as a typed reason and one sentence a person can read; the raw
 * error text (`detail`) is for the log only.
 */
function classifyLoadError(e: unknown): { reason: LoadFailure; message: string; detail: string } {
  const err = e as { name?: string; message?: string; cause?: unknown };
  const detail =
    `${err?.name ? `${err.name}: ` : ''}${err?.message ?? String(e)}${err?.cause ? ` (${textOf(err.cause)})` : ''}`.trim();
  const model = init.modelId;
  const where = init.localModelPath
    ? `the local model folder (${init.localModelPath})`
    : `the model cache (${init.cacheDir})`;
  if (/Could not locate file/i.test(detail)) {
    // the hub answered 404: wrong id (or a file this model lacks)
    const hub = init.remoteHost ? ` (${init.remoteHost})` : '';
    return {
      reason: 'not-found',
      message: `The embedding model ${model} was not found on the model hub${hub}.`,
      detail,
    };
  }
  if (err?.name === 'ModelFileNotFoundError' || /not found locally/i.test(detail)) {
    return init.allowRemote
      ? { reason: 'no-network', message: `Could not download the embedding model ${model}: no network.`, detail }
      : {
          reason: 'not-downloaded',
          message: `The embedding model ${model} is not in ${where}, and downloading is off.`,
          detail,
        };
  }
  if (NETWORK_ERROR.test(detail))
    return { reason: 'no-network', message: `Could not download the embedding model ${model}: no network.`, detail };
  if (DAMAGED.test(detail))
    return {
      reason: 'corrupt-cache',
      message: `The files of the embedding model ${model} in ${where} are damaged.`,
      detail,
    };
  return { reason: 'load-failed', message: `The embedding model ${model} could not be loaded.`, detail };
}

async function load(): Promise<FeatureExtractionPipeline> {
  env.cacheDir = init.cacheDir;
  env.useFSCache = true;
  env.allowLocalModels = true; // also needed to read from the cache when remote is off
  if (init.localModelPath) env.localModelPath = init.localModelPath;
  env.allowRemoteModels = init.allowRemote;
  if (init.remoteHost) env.remoteHost = init.remoteHost.endsWith('/') ? init.remoteHost : `${init.remoteHost}/`;
  return pipeline<'feature-extraction'>('feature-extraction', init.modelId, {
    dtype: init.dtype,
    ...runtimeOptions(init.threads),
    session_options: { intraOpNumThreads: init.threads, interOpNumThreads: 1 },
  });
}

async function run(extractor: FeatureExtractionPipeline, texts: string[]) {
  const t = await extractor(texts, { pooling: 'mean', normalize: true });
  const [n, dim] = t.dims;
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
    post({ type: 'load-error', ...classifyLoadError(e) });
    return undefined;
  },
);

// One request at a time: concurrent session runs would only compete for the same thread budget.
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  // Handled on this thread's event loop, so never inside onnxruntime's synchronous run() or
  // loadModel(): exiting here cannot cut a native call short (see ToWorker 'exit').
  if (msg.type === 'exit') process.exit(msg.code);
  chain = chain.then(async () => {
    const extractor = await ready;
    if (!extractor) return; // the host already rejected everything on 'load-error'
    try {
      const r = await run(extractor, msg.texts);
      post({ type: 'result', id: msg.id, ...r }, [r.data.buffer]);
    } catch (e) {
      post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
});
