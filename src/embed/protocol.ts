// Messages between Embedder (caller's thread) and the embedding worker. Type-only, shared by both sides.

export type UnavailableReason = 'offline' | 'load-failed' | 'disposed' | 'timeout' | 'crashed';

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

export type ToWorker = { type: 'embed'; id: number; texts: string[] };

export type FromWorker =
  | { type: 'ready'; dim: number; loadMs: number }
  | { type: 'load-error'; reason: 'offline' | 'load-failed'; message: string }
  /** `data` holds `n` vectors of `dim` floats, row-major; its buffer is transferred. */
  | { type: 'result'; id: number; n: number; dim: number; data: Float32Array }
  | { type: 'error'; id: number; message: string };
