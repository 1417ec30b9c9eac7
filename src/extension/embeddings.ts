/**
 * Semantic recall for the extension: one Embedder (a worker thread, started by the store on the first
 * search, never at activation), handed to every store that opens, replaced when the embedding settings
 * change. Says why recall is keyword-only, offers once per model to embed existing memories, and runs
 * the backfill with a progress notification that can be cancelled.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Embedder, type EmbedderState, EmbedderUnavailableError, type UnavailableReason } from '../embed/embedder';
import type { RecallNotice } from '../shared/protocol';
import { oneLine, plural } from '../shared/text';
import type { EmbedProgress, MnemosStore } from '../store';
import type { Log } from './log';
import { messageOf, type Notifier } from './notify';
import type { StoreHost } from './storeHost';

/** Where recall stands, for the status bar, the sidebar and Show Store Info. */
export type EmbeddingStatus =
  | { kind: 'disabled' }
  /** Enabled, but the model has not been loaded in this window yet (it loads on the first search). */
  | { kind: 'not-loaded'; model: string }
  | { kind: 'loading'; model: string }
  | { kind: 'ready'; model: string }
  /** Loaded before, stopped after idling; the next search reloads it (and is keyword-only meanwhile). */
  | { kind: 'unloaded'; model: string }
  /** `reason` says why in a word; `message` is the embedder's sentence (the raw error is in the log only). */
  | { kind: 'failed'; model: string; reason: UnavailableReason; message: string };

/**
 * Why search is keyword-only, in words, with what a person can do (Retry reloads the model), or
 * undefined when recall is hybrid. The sidebar shows it; the status bar's tooltip says it too.
 */
export function recallNotice(s: EmbeddingStatus): RecallNotice | undefined {
  switch (s.kind) {
    case 'ready':
      return undefined;
    case 'disabled':
      return {
        reason: 'disabled',
        text: 'Embeddings are turned off (mnemos.embeddings.enabled): search is keyword-only.',
        action: 'settings',
      };
    case 'not-loaded':
      return {
        reason: 'not-loaded',
        text: `The embedding model (${s.model}) loads with the first search; search is keyword-only until then.`,
      };
    case 'loading':
      return {
        reason: 'loading',
        text: `The embedding model (${s.model}) is loading; search is keyword-only meanwhile.`,
      };
    case 'unloaded':
      return {
        reason: 'unloaded',
        text: 'The embedding model was unloaded while idle and reloads with the next search; keyword-only meanwhile.',
      };
    case 'failed':
      return failureNotice(s.reason, s.model);
  }
}

function failureNotice(reason: UnavailableReason, model: string): RecallNotice {
  switch (reason) {
    case 'no-network':
      return {
        reason,
        text: 'Could not download the embedding model: no network. Search is keyword-only until it can.',
        action: 'retry',
      };
    case 'not-found':
      return {
        reason,
        text: `The embedding model ${model} does not exist on the model hub. Search is keyword-only; check the model setting.`,
        action: 'settings',
      };
    case 'not-downloaded':
      return {
        reason,
        text: `The embedding model ${model} is not on this machine and downloading is off. Search is keyword-only.`,
        action: 'settings',
      };
    case 'corrupt-cache':
      return {
        reason,
        text: 'The downloaded embedding model is damaged. Search is keyword-only; Retry downloads it again.',
        action: 'retry',
      };
    case 'timeout':
      return {
        reason,
        text: 'The embedding model took too long to load (slow or blocked download?). Search is keyword-only until it loads.',
        action: 'retry',
      };
    default:
      return {
        reason: 'failed',
        text: 'The embedding model could not be loaded (details in the Mnemos log). Search is keyword-only.',
        action: 'retry',
      };
  }
}

/** The status bar's "keyword-only — …" line: the notice's words. */
export function keywordOnlyReason(s: EmbeddingStatus): string | undefined {
  return recallNotice(s)?.text;
}

export interface Coverage {
  model: string | undefined;
  embedded: number;
  total: number;
}

/** `mnemos.embedMissing` options: the palette passes none; tests and other callers may pass these. */
export interface BackfillOptions {
  /** Re-embed every memory, not only those without a vector for the current model. */
  force?: boolean;
  topic?: string;
  batchSize?: number;
  /** Cancels like the notification's Cancel button. */
  token?: vscode.CancellationToken;
  /** Called with each progress report (after the notification is updated). */
  onProgress?: (p: EmbedProgress) => void;
  /** 'notification' (default, cancellable) or 'window' (the quiet status-bar spinner of a catch-up). */
  location?: 'notification' | 'window';
}

export interface BackfillResult {
  available: boolean;
  embedded: number;
  total: number;
  errors: number;
  cancelled: boolean;
  model?: string;
  /** Why nothing was embedded (the model could not be loaded). */
  reason?: string;
}

const OFFERED_KEY = 'mnemos.embeddings.offeredBackfill';
const ACCEPTED_KEY = 'mnemos.embeddings.acceptedBackfill';

export class EmbeddingsHost implements vscode.Disposable {
  private embedder: Embedder | undefined;
  private embedderKey = '';
  private unsubscribe: (() => void) | undefined;
  private failure: EmbedderUnavailableError | undefined;
  private everReady = false;
  private coverage: Coverage | undefined;
  private backfilling: Promise<BackfillResult> | undefined;
  private readonly emitter = new vscode.EventEmitter<EmbeddingStatus>();
  /** The embedding status changed (model loading, ready, failed, unloaded, settings). */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: StoreHost,
    private readonly log: Log,
    private readonly notify: Notifier,
    /** Runs after a backfill wrote vectors (the sidebar and status re-read). */
    private readonly changed: () => void,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subs = [host.onDidOpen((store) => this.attach(store))];
  }

  /** The embedder for the current settings (created here, on first need: its worker starts on first use). */
  private current(): Embedder | undefined {
    const st = this.host.settings().embeddings;
    if (!st.enabled) return undefined;
    const { key, options } = this.options(st.model);
    if (this.embedder && this.embedderKey === key) return this.embedder;
    this.drop();
    const e = new Embedder(options);
    this.embedder = e;
    this.embedderKey = key;
    this.failure = undefined;
    this.everReady = false;
    this.unsubscribe = e.onStateChange((s) => this.onState(e, s));
    this.log.info(
      `embeddings: ${st.model} (${options.localModelPath ? `local folder ${options.localModelPath}, no download` : `cache ${options.cacheDir}`}); loads on the first search`,
    );
    return e;
  }

  private options(model: string) {
    // MNEMOS_MODEL_DIR: a folder holding <model id>/… (offline machines, and the tests' tiny model); nothing is downloaded then.
    const localDir = this.env.MNEMOS_MODEL_DIR?.trim() || undefined;
    const options = {
      modelId: model,
      cacheDir: path.join(this.context.globalStorageUri.fsPath, 'models'),
      workerPath: path.join(this.context.extensionPath, 'dist', 'embed-worker.js'),
      threads: 1,
      allowRemote: !localDir,
      localModelPath: localDir,
    };
    return { key: `${model}\n${localDir ?? ''}`, options };
  }

  /** Gives an opened store the current embedder (keyword-only answers while the model loads). */
  attach(store: MnemosStore): void {
    const e = this.current();
    store.setEmbedder(e ?? null, { waitForModel: false });
    this.coverage = undefined;
    // Another database with the model already loaded: its memories may lack vectors too.
    if (e?.state === 'ready')
      void this.checkBackfill(e).catch((err) => this.log.error('checking for memories without embeddings failed', err));
  }

  /** Embedding settings may have changed: swap the embedder and tell the open store. */
  settingsChanged(): void {
    const st = this.host.settings().embeddings;
    const wanted = st.enabled ? this.options(st.model).key : '';
    if (wanted === this.embedderKey && !!this.embedder === st.enabled) return;
    this.drop();
    const open = this.host.peek();
    if (open) this.attach(open);
    this.fire();
  }

  private onState(e: Embedder, s: EmbedderState): void {
    if (e !== this.embedder) return;
    if (s === 'failed') {
      // Within its retry window info() rejects at once with the load error (and starts nothing).
      e.info().then(
        () => undefined,
        (err) => {
          if (e !== this.embedder) return;
          this.failure =
            err instanceof EmbedderUnavailableError ? err : new EmbedderUnavailableError('load-failed', messageOf(err));
          // An expected condition (offline, no model): one warning line, the raw error at its end.
          const raw = this.failure.detail ? ` (${oneLine(this.failure.detail, 400)})` : '';
          this.log.warn(`embeddings: ${this.failure.message} Recall is keyword-only.${raw}`);
          this.fire();
        },
      );
      return;
    }
    if (s === 'ready') {
      this.failure = undefined;
      const first = !this.everReady;
      this.everReady = true;
      this.log.info(`embeddings: ${e.modelId} loaded; recall is hybrid (keywords + meaning)`);
      if (first)
        void this.checkBackfill(e).catch((err) =>
          this.log.error('checking for memories without embeddings failed', err),
        );
    }
    this.fire();
  }

  /** Once per model, offer to embed what has no vector; after a yes, later loads (and other stores) catch up quietly. */
  private async checkBackfill(e: Embedder): Promise<void> {
    const store = this.host.peek();
    if (!store || e !== this.embedder || store.embeddingModel !== e.modelId) return;
    const c = await this.refreshCoverage(store);
    const missing = c.total - c.embedded;
    if (missing <= 0) return;
    const offered = this.context.globalState.get<string[]>(OFFERED_KEY, []);
    const accepted = this.context.globalState.get<string[]>(ACCEPTED_KEY, []);
    if (accepted.includes(e.modelId)) {
      this.log.info(`embeddings: ${missing} memories have no vector yet; embedding them in the background`);
      void this.backfill({ location: 'window' });
      return;
    }
    if (offered.includes(e.modelId)) return;
    await this.context.globalState.update(OFFERED_KEY, [...offered, e.modelId]);
    const n = plural(missing, 'memory', 'memories');
    this.notify.info(
      `Mnemos: semantic search is ready. ${n} ${missing === 1 ? 'has' : 'have'} no embedding yet and ${missing === 1 ? 'is' : 'are'} found by keywords only. Embed ${missing === 1 ? 'it' : 'them'} in the background?`,
      {
        title: 'Embed Now',
        run: async () => {
          await this.context.globalState.update(ACCEPTED_KEY, [...accepted, e.modelId]);
          return vscode.commands.executeCommand('mnemos.embedMissing');
        },
      },
      { title: 'Not Now', run: () => undefined },
    );
  }

  status(): EmbeddingStatus {
    const st = this.host.settings().embeddings;
    if (!st.enabled) return { kind: 'disabled' };
    const e = this.embedder;
    if (!e || e.modelId !== st.model) return { kind: 'not-loaded', model: st.model };
    switch (e.state) {
      case 'loading':
        return { kind: 'loading', model: e.modelId };
      case 'ready':
        return { kind: 'ready', model: e.modelId };
      case 'failed':
        return {
          kind: 'failed',
          model: e.modelId,
          reason: this.failure?.reason ?? 'load-failed',
          message: this.failure?.message ?? 'The embedding model could not be loaded.',
        };
      default:
        return this.everReady ? { kind: 'unloaded', model: e.modelId } : { kind: 'not-loaded', model: e.modelId };
    }
  }

  /**
   * Retry: a fresh embedder for the same settings (the settings-change path, so no retry window
   * applies), loading now. A damaged download is deleted first so it is fetched again.
   */
  async reload(): Promise<void> {
    const st = this.host.settings().embeddings;
    if (!st.enabled) return;
    const { options } = this.options(st.model);
    const damaged = this.failure?.reason === 'corrupt-cache' && !options.localModelPath;
    this.drop();
    if (damaged) {
      const dir = path.join(options.cacheDir, ...st.model.split('/'));
      if (dir.startsWith(options.cacheDir + path.sep)) await fs.promises.rm(dir, { recursive: true, force: true });
      this.log.info(`embeddings: removed the damaged download of ${st.model} (${dir}) to fetch it again`);
    }
    this.log.info(`embeddings: reloading ${st.model} (Retry)`);
    const open = this.host.peek();
    if (open) this.attach(open);
    const e = this.current();
    this.fire();
    // The result arrives through onState (ready, or failed with a reason).
    await e?.info().catch(() => undefined);
  }

  /** The last known coverage (undefined until counted for the open store). */
  lastCoverage(): Coverage | undefined {
    return this.coverage;
  }

  async refreshCoverage(store: MnemosStore): Promise<Coverage> {
    this.coverage = await store.embeddingCoverage();
    this.fire();
    return this.coverage;
  }

  /** Embeds memories without a vector for the current model; one run at a time (a second call joins it). */
  backfill(opts: BackfillOptions = {}): Promise<BackfillResult> {
    if (this.backfilling) return this.backfilling;
    const p = this.runBackfill(opts).finally(() => {
      if (this.backfilling === p) this.backfilling = undefined;
    });
    this.backfilling = p;
    return p;
  }

  private async runBackfill(opts: BackfillOptions): Promise<BackfillResult> {
    const st = this.host.settings().embeddings;
    if (!st.enabled) {
      this.notify.info('Embeddings are turned off (mnemos.embeddings.enabled); recall uses keyword search.');
      return { available: false, embedded: 0, total: 0, errors: 0, cancelled: false };
    }
    const store = await this.host.getStore();
    if (store.embeddingModel !== st.model) this.attach(store);
    const model = st.model;
    const quiet = opts.location === 'window';
    const t0 = performance.now();
    const r = await vscode.window.withProgress(
      {
        location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification,
        title: 'Mnemos: embedding memories',
        cancellable: !quiet,
      },
      async (progress, cancel) => {
        const ac = new AbortController();
        const subs = [
          cancel.onCancellationRequested(() => ac.abort()),
          opts.token?.onCancellationRequested(() => ac.abort()),
        ];
        if (opts.token?.isCancellationRequested) ac.abort();
        try {
          progress.report({ message: `loading ${model}…` });
          let last = 0;
          const p = await store.embedMissing({
            force: opts.force,
            topic: opts.topic,
            batchSize: opts.batchSize,
            signal: ac.signal,
            onProgress: (x) => {
              const pct = x.total ? (x.done / x.total) * 100 : 100;
              progress.report({
                increment: Math.max(0, pct - last),
                message: `${x.done} / ${x.total}${x.errors ? ` (${x.errors} failed)` : ''}`,
              });
              last = pct;
              try {
                opts.onProgress?.(x);
              } catch (e) {
                this.log.error('a backfill progress listener failed', e);
              }
            },
          });
          return { ...p, cancelled: ac.signal.aborted };
        } catch (e) {
          if (!(e instanceof EmbedderUnavailableError)) throw e;
          return { done: 0, total: 0, errors: 0, cancelled: false, unavailable: e };
        } finally {
          for (const s of subs) s?.dispose();
        }
      },
    );
    if ('unavailable' in r && r.unavailable) {
      const u = r.unavailable;
      this.log.warn(`embeddings: backfill not started: ${u.message}${u.detail ? ` (${oneLine(u.detail, 400)})` : ''}`);
      const retry =
        failureNotice(u.reason, model).action === 'retry' ? [{ title: 'Retry', run: () => this.reload() }] : [];
      this.notify.warn(`Mnemos: ${u.message} Recall stays keyword-only.`, ...retry, {
        title: 'Open Settings',
        run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'mnemos.embeddings'),
      });
      return { available: false, embedded: 0, total: 0, errors: 0, cancelled: false, model, reason: u.message };
    }
    const ms = Math.round(performance.now() - t0);
    this.log.info(
      `embeddings: backfill with ${model} embedded ${r.done} of ${r.total} in ${ms} ms${r.errors ? `, ${r.errors} failed` : ''}${r.cancelled ? ' (cancelled)' : ''}`,
    );
    if (r.done) this.changed();
    await this.refreshCoverage(store).catch(() => undefined);
    const n = (k: number) => plural(k, 'memory', 'memories');
    if (!quiet || r.errors) {
      if (r.cancelled) this.notify.info(`Mnemos: stopped after embedding ${n(r.done)} of ${r.total}.`);
      else if (r.errors)
        this.notify.warn(
          `Mnemos: embedded ${n(r.done)}; ${n(r.errors)} could not be embedded (details in the output channel).`,
        );
      else
        this.notify.info(r.total ? `Mnemos: embedded ${n(r.done)}.` : 'Mnemos: every memory already has an embedding.');
    }
    return { available: true, embedded: r.done, total: r.total, errors: r.errors, cancelled: r.cancelled, model };
  }

  private fire(): void {
    this.emitter.fire(this.status());
  }

  private drop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const old = this.embedder;
    this.embedder = undefined;
    this.embedderKey = '';
    this.failure = undefined;
    this.everReady = false;
    this.coverage = undefined;
    if (old) void old.dispose().catch((e) => this.log.error('stopping the embedding worker failed', e));
  }

  /** Stops the worker (deactivate). */
  async shutdown(): Promise<void> {
    const e = this.embedder;
    this.drop();
    await e?.dispose().catch(() => undefined);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.drop();
    this.emitter.dispose();
  }
}
