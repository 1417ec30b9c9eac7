// Text embeddings for recall. The model runs only in a worker_threads Worker (src/embed/worker.ts),
// started lazily on first use and stopped again after idleUnloadMs without requests.
// No vscode import: the extension, the CLI and the MCP server all use this as is.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, UnavailableReason, WorkerInit } from './protocol';

export type { UnavailableReason } from './protocol';

export interface EmbedderOptions {
  /** e.g. 'Xenova/all-MiniLM-L6-v2' (the default model for users) or 'tiny-bert' (tests). */
  modelId: string;
  /** transformers.js env.cacheDir: where downloaded models are kept (the extension passes its global storage). */
  cacheDir: string;
  /** Folder holding <modelId>/… for offline/local models (tests). */
  localModelPath?: string;
  /** Fetch from the Hugging Face hub on first use. Default true; tests pass false. */
  allowRemote?: boolean;
  /** Hub to download from, e.g. a mirror ('https://hf-mirror.example/'). Default: transformers.js's (huggingface.co). */
  remoteHost?: string;
  /** onnxruntime intra-op threads. Default 1. */
  threads?: number;
  /** Terminate the worker after this much idle time; it is restarted lazily. Default 5 min. */
  idleUnloadMs?: number;
  /** Texts per inference call. Default 32. */
  batchSize?: number;
  /** fp32 loads onnx/model.onnx, q8 onnx/model_quantized.onnx. Default fp32. */
  dtype?: 'fp32' | 'q8';
  /** The bundled worker script (dist/embed-worker.js). Default: next to this module (worker.ts when run from source). */
  workerPath?: string;
  /** Give up loading after this long. Default 120 s when allowRemote, else 30 s. */
  loadTimeoutMs?: number;
  /** After a failed load, calls within this window reject at once with the same error instead of retrying. Default 30 s. */
  retryAfterMs?: number;
}

export type EmbedKind = 'query' | 'passage';
export interface EmbedderInfo {
  modelId: string;
  dim: number;
}
export type EmbedderState = 'idle' | 'loading' | 'ready' | 'failed' | 'disposed';

/**
 * No embeddings can be had right now; callers fall back to full-text search. `message` is one
 * sentence a person can read; `detail` is the underlying error text, for logs only.
 */
export class EmbedderUnavailableError extends Error {
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'EmbedderUnavailableError';
  }
}

/** Input prefix the model family was trained with: e5 models want 'query: ' / 'passage: '. */
export function prefixFor(modelId: string, kind: EmbedKind): string {
  const name = modelId.split('/').pop() ?? modelId;
  return /(^|[-_.])e5([-_.]|$)/i.test(name) ? `${kind}: ` : '';
}

const DEFAULTS = { threads: 1, idleUnloadMs: 5 * 60_000, batchSize: 32, retryAfterMs: 30_000 };

function defaultWorkerPath(): string {
  // From source (tsx) this module is embedder.ts next to worker.ts; bundled, it sits in dist/ next to embed-worker.js.
  return __filename.endsWith('.ts') ? path.join(__dirname, 'worker.ts') : path.join(__dirname, 'embed-worker.js');
}

interface Batch {
  n: number;
  dim: number;
  data: Float32Array;
}
interface Pending {
  resolve(b: Batch): void;
  reject(e: Error): void;
}

export class Embedder {
  private readonly opts: Required<Omit<EmbedderOptions, 'localModelPath' | 'remoteHost'>> &
    Pick<EmbedderOptions, 'localModelPath' | 'remoteHost'>;
  private _state: EmbedderState = 'idle';
  private worker?: Worker;
  private workerError?: Error;
  private loaded?: Promise<EmbedderInfo>;
  private dim?: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer?: NodeJS.Timeout;
  private loadTimer?: NodeJS.Timeout;
  private lastFailure?: { at: number; error: EmbedderUnavailableError };
  private readonly listeners = new Set<(s: EmbedderState) => void>();

  constructor(opts: EmbedderOptions) {
    const allowRemote = opts.allowRemote ?? true;
    this.opts = {
      ...DEFAULTS,
      allowRemote,
      dtype: 'fp32',
      workerPath: defaultWorkerPath(),
      loadTimeoutMs: allowRemote ? 120_000 : 30_000,
      ...stripUndefined(opts),
      modelId: opts.modelId,
      cacheDir: opts.cacheDir,
    };
    if (!(this.opts.batchSize >= 1)) throw new RangeError('batchSize must be >= 1');
  }

  get state(): EmbedderState {
    return this._state;
  }
  /** The model this embedder runs (recorded with every vector it makes). */
  get modelId(): string {
    return this.opts.modelId;
  }

  onStateChange(cb: (s: EmbedderState) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Unit-normalised, mean-pooled vectors, one per text, in order. Loads the model on first call. */
  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string'))
      throw new TypeError('embed() takes an array of strings');
    this.startIfNeeded();
    if (texts.length === 0) return [];
    const prefix = prefixFor(this.opts.modelId, kind);
    const inputs = prefix ? texts.map((t) => prefix + t) : texts;
    const requests: Promise<Batch>[] = [];
    for (let i = 0; i < inputs.length; i += this.opts.batchSize)
      requests.push(this.request(inputs.slice(i, i + this.opts.batchSize)));
    const out: Float32Array[] = [];
    for (const b of await Promise.all(requests)) {
      // slice, not subarray: each vector owns its buffer, so callers may keep or send it on its own
      for (let i = 0; i < b.n; i++) out.push(b.data.slice(i * b.dim, (i + 1) * b.dim));
    }
    return out;
  }

  /** Model id and vector dimension (read from the model's output). Loads the model if needed. */
  async info(): Promise<EmbedderInfo> {
    if (this._state === 'ready' && this.dim !== undefined) return { modelId: this.opts.modelId, dim: this.dim };
    this.startIfNeeded();
    return this.loaded!;
  }

  async dispose(): Promise<void> {
    if (this._state === 'disposed') return;
    const w = this.worker;
    this.stopWorker();
    this.rejectAll(new EmbedderUnavailableError('disposed', 'The embedder was disposed.'));
    this.setState('disposed');
    this.listeners.clear();
    if (w) await exited(w, DISPOSE_WAIT_MS);
  }

  // ---------------------------------------------------------------- internals

  /** Starts the worker unless it runs; throws EmbedderUnavailableError when disposed or still in the retry window. */
  private startIfNeeded(): void {
    if (this._state === 'disposed') throw new EmbedderUnavailableError('disposed', 'The embedder was disposed.');
    if (this.worker) return;
    const f = this.lastFailure;
    if (f && Date.now() - f.at < this.opts.retryAfterMs) throw f.error;
    this.spawn();
  }

  private spawn(): void {
    const o = this.opts;
    const init: WorkerInit = {
      modelId: o.modelId,
      cacheDir: o.cacheDir,
      localModelPath: o.localModelPath,
      allowRemote: o.allowRemote,
      remoteHost: o.remoteHost,
      threads: o.threads,
      dtype: o.dtype,
    };
    // From TypeScript source (tests, bench) the worker needs tsx's require hook; `--import tsx` is not
    // applied to a Worker's entry file on Node 20 ("Unknown file extension .ts"). createRequire keeps
    // esbuild from trying to resolve tsx in a bundle, where this branch never runs.
    const execArgv = o.workerPath.endsWith('.ts') ? ['--require', createRequire(__filename).resolve('tsx/cjs')] : [];
    const w = new Worker(o.workerPath, { workerData: init, execArgv });
    this.worker = w;
    this.workerError = undefined;
    this.dim = undefined;
    this.setState('loading');

    let settle!: { resolve(i: EmbedderInfo): void; reject(e: Error): void };
    this.loaded = new Promise<EmbedderInfo>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.loaded.catch(() => {}); // failures reach callers through their own requests; info() awaits it directly

    this.loadTimer = setTimeout(() => {
      this.fail(
        w,
        settle,
        new EmbedderUnavailableError(
          'timeout',
          `The embedding model ${o.modelId} did not load within ${Math.round(o.loadTimeoutMs / 1000)} s` +
            (o.allowRemote ? ' (slow or blocked download?).' : '.'),
        ),
      );
    }, o.loadTimeoutMs);
    this.loadTimer.unref();

    w.on('message', (m: FromWorker) => {
      if (this.worker !== w) return;
      switch (m.type) {
        case 'ready':
          clearTimeout(this.loadTimer);
          this.dim = m.dim;
          this.lastFailure = undefined;
          this.setState('ready');
          settle.resolve({ modelId: o.modelId, dim: m.dim });
          this.afterActivity();
          break;
        case 'load-error':
          this.fail(w, settle, new EmbedderUnavailableError(m.reason, m.message, m.detail));
          break;
        case 'result':
        case 'error': {
          const p = this.pending.get(m.id);
          if (!p) break;
          this.pending.delete(m.id);
          if (m.type === 'result') p.resolve(m);
          else p.reject(new Error(`Embedding failed: ${m.message}`));
          this.afterActivity();
          break;
        }
      }
    });
    w.on('error', (e) => {
      this.workerError = e;
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return; // we stopped it on purpose
      const why = `exit code ${code}${this.workerError ? `: ${this.workerError.message}` : ''}`;
      if (this._state === 'loading') {
        this.fail(
          w,
          settle,
          new EmbedderUnavailableError('load-failed', `The embedding worker stopped while loading ${o.modelId}.`, why),
        );
        return;
      }
      this.worker = undefined;
      clearTimeout(this.idleTimer);
      this.rejectAll(
        new EmbedderUnavailableError(
          'crashed',
          'The embedding worker stopped unexpectedly; the request was not completed. The next call restarts it.',
          why,
        ),
      );
      this.setState('idle');
    });
  }

  private request(texts: string[]): Promise<Batch> {
    const w = this.worker!;
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    w.ref(); // keep a CLI process alive while work is outstanding
    return new Promise<Batch>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ type: 'embed', id, texts } satisfies ToWorker);
    });
  }

  /** When nothing is outstanding: let the process exit without us, and arm the idle unload. */
  private afterActivity(): void {
    if (this.pending.size > 0 || this._state !== 'ready' || !this.worker) return;
    this.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || !this.worker) return;
      this.stopWorker();
      this.setState('idle');
    }, this.opts.idleUnloadMs);
    this.idleTimer.unref();
  }

  private fail(w: Worker, settle: { reject(e: Error): void }, error: EmbedderUnavailableError): void {
    if (this.worker !== w) return;
    this.stopWorker();
    this.lastFailure = { at: Date.now(), error };
    this.rejectAll(error);
    settle.reject(error);
    this.setState('failed');
  }

  private stopWorker(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.loadTimer);
    const w = this.worker;
    this.worker = undefined; // first: the exit handler ignores workers we stopped
    if (!w) return;
    w.unref(); // a worker busy in a long native call must not keep the process alive
    w.postMessage({ type: 'exit', code: 0 } satisfies ToWorker);
  }

  private rejectAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }

  private setState(s: EmbedderState): void {
    if (this._state === s) return;
    this._state = s;
    for (const cb of [...this.listeners]) {
      try {
        cb(s);
      } catch {
        /* a listener's bug must not break the embedder */
      }
    }
  }

  /** @internal Test hook: the worker exits with code 1 as a crash would (the embedder is not told). */
  async _killWorkerForTests(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    w.postMessage({ type: 'exit', code: 1 } satisfies ToWorker);
    await exited(w, 30_000);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How long dispose() waits for the worker to finish a native call in flight and leave. */
const DISPOSE_WAIT_MS = 2000;

/**
 * Resolves when the worker has exited, or after `ms`: a worker still inside a long native call is
 * unref'd and leaves by itself once free. The timer keeps the caller's process up until then.
 */
function exited(w: Worker, ms: number): Promise<void> {
  if (w.threadId === -1) return Promise.resolve(); // already gone
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    w.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
