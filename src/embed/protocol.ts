// Messages between Embedder (caller's thread) and the embedding worker. Type-only, shared by both sides.

/** Why the worker could not load the model. */
export type LoadFailure = 'no-network' | 'not-found' | 'not-downloaded' | 'corrupt-cache' | 'load-failed';
/** Why no embeddings can be had right now (callers fall back to keyword search). */
export type UnavailableReason = LoadFailure | 'disposed' | 'timeout' | 'crashed';

/** Passed as `workerData`. */
export interface WorkerInit {
  modelId: string;
  cacheDir: string;
  localModelPath?: string;
  allowRemote: boolean;
  remoteHost?: string;
  threads: number;
  dtype: 'fp32' | 'q8';
}

export type ToWorker =
  | { type: 'embed'; id: number; texts: string[] }
  /**
   * Leave with this exit code as soon as the worker's thread is free. The host never calls
   * `Worker.terminate()`: terminating while onnxruntime-node is inside a native call aborts the whole
   * process (a `Napi::Error` thrown past its C++ boundary, then std::terminate), and in VS Code that
   * process is the extension host. A message is only handled between native calls.
   */
  | { type: 'exit'; code: number };

export type FromWorker =
  | { type: 'ready'; dim: number; loadMs: number }
  /** `message` is one sentence for people; `detail` is the raw error, for logs. */
  | { type: 'load-error'; reason: LoadFailure; message: string; detail: string }
  /** `data` holds `n` vectors of `dim` floats, row-major; its buffer is transferred. */
  | { type: 'result'; id: number; n: number; dim: number; data: Float32Array }
  | { type: 'error'; id: number; message: string };
