/**
 * Owns the one open MnemosStore: opened lazily on first need from the current settings and token,
 * closed and reopened when either changes. Nothing here runs at activation.
 */
import * as vscode from 'vscode';
import { describeConfig, type MnemosStore, openStore, type RecallResult, type StoreConfig, type StoreMode } from '../store';
import type { Log } from './log';
import { messageOf } from './notify';
import type { TokenOrigin, TokenSource } from './secrets';
import { type MnemosSettings, readSettings, sameLocation } from './settings';

export type StoreState = 'closed' | 'opening' | 'open' | 'error';

export interface StoreStatus {
  mode: StoreMode;
  state: StoreState;
  /** Local: the file is open. Remote/replica: the last round trip to the server succeeded. */
  connected: boolean;
  /** Recall runs on full-text search only (embeddings off, or no model/vectors yet). */
  keywordOnly: boolean;
  keywordNote?: string;
  /** Embedding coverage, e.g. "12 of 40 memories have embeddings (model …)", when counted. */
  embeddings?: string;
  /** Where the store is, never with a token. */
  description: string;
  syncing: boolean;
  lastSyncAt?: number;
  /** The last open/sync/poll error (message only, already token-free). */
  error?: string;
}

export class StoreHost implements vscode.Disposable {
  private store: MnemosStore | undefined;
  private opening: Promise<MnemosStore> | undefined;
  private gen = 0;
  private current: MnemosSettings;
  /** The token the open (or opening, or failed) store uses. */
  private usedToken: string | undefined;
  private tokenOrigin: TokenOrigin = 'none';
  private st: Omit<StoreStatus, 'mode' | 'description' | 'keywordOnly' | 'keywordNote' | 'embeddings'> = { state: 'closed', connected: false, syncing: false };
  private lastRecall: { mode: RecallResult['mode']; note?: string } | undefined;

  private readonly storeEmitter = new vscode.EventEmitter<void>();
  private readonly openEmitter = new vscode.EventEmitter<MnemosStore>();
  private readonly statusEmitter = new vscode.EventEmitter<StoreStatus>();
  /** The store was closed (settings or token changed): whoever holds data re-reads through getStore(). */
  readonly onDidChangeStore = this.storeEmitter.event;
  /** A store finished opening. */
  readonly onDidOpen = this.openEmitter.event;
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly storageDir: string,
    private readonly tokens: TokenSource,
    private readonly log: Log,
  ) {
    this.current = readSettings(storageDir);
  }

  settings(): MnemosSettings {
    return this.current;
  }

  peek(): MnemosStore | undefined {
    return this.store;
  }

  getStore(): Promise<MnemosStore> {
    if (this.store) return Promise.resolve(this.store);
    if (!this.opening) {
      const gen = this.gen;
      const p = this.open(gen);
      this.opening = p;
      void p.then(
        () => this.gen === gen && (this.opening = undefined),
        () => this.gen === gen && (this.opening = undefined),
      );
    }
    return this.opening;
  }

  private async open(gen: number): Promise<MnemosStore> {
    const s = this.current;
    this.update({ state: 'opening', error: undefined });
    const t0 = performance.now();
    let token: string | undefined;
    if (s.store.mode !== 'local') {
      const t = await this.tokens.get();
      token = t.token;
      this.tokenOrigin = t.origin;
    }
    this.usedToken = token;
    const config: StoreConfig = token && s.store.mode !== 'local' ? { ...s.store, authToken: token } : s.store;
    for (const w of s.warnings) this.log.warn(w);
    if (s.ignoredUntrusted.length) this.log.warn(`untrusted workspace: ignoring its ${s.ignoredUntrusted.join(', ')} (user settings apply)`);
    try {
      const store = await openStore(config);
      if (gen !== this.gen) {
        await store.close().catch(() => undefined);
        return this.getStore();
      }
      store.onBackgroundError = (e) => this.log.error('background store work failed', e);
      this.store = store;
      this.update({ state: 'open', connected: true, lastSyncAt: store.mode === 'replica' ? Date.now() : undefined, error: undefined });
      const tokenInfo = s.store.mode === 'local' ? '' : ` (token: ${this.tokenOrigin})`;
      this.log.info(`opened ${describeConfig(s.store)}${tokenInfo} in ${Math.round(performance.now() - t0)} ms`);
      this.openEmitter.fire(store);
      return store;
    } catch (e) {
      if (gen !== this.gen) return this.getStore();
      this.update({ state: 'error', connected: false, error: this.log.redact(messageOf(e)) });
      throw e;
    }
  }

  /** Closes the store; the next getStore() opens it from the current settings. Returns whether one was open. */
  async close(reason: string): Promise<boolean> {
    this.gen++;
    const old = this.store;
    const wasActive = !!old || !!this.opening || this.st.state === 'error';
    this.store = undefined;
    this.opening = undefined;
    this.usedToken = undefined;
    this.update({ state: 'closed', connected: false, syncing: false, lastSyncAt: undefined, error: undefined });
    if (old) {
      this.log.info(`closing ${old.describe()}: ${reason}`);
      await old.close().catch((e) => this.log.error('closing the store failed', e));
    }
    this.storeEmitter.fire();
    return wasActive;
  }

  /** Settings changed: close the store if the database location changed. Returns true if a store in use was closed. */
  async settingsChanged(): Promise<boolean> {
    const before = this.current;
    this.current = readSettings(this.storageDir);
    this.statusEmitter.fire(this.status());
    if (sameLocation(before.store, this.current.store)) return false;
    this.log.info(`database settings changed: ${describeConfig(before.store)} → ${describeConfig(this.current.store)}`);
    return this.close('settings changed');
  }

  /**
   * Token changed: only a remote or replica store cares, and only if it uses another token.
   * Returns true if a store in use was closed (the caller reopens it).
   */
  async tokenChanged(): Promise<boolean> {
    if (this.current.store.mode === 'local' || this.st.state === 'closed') return false; // the next open reads the new token
    const { token } = await this.tokens.get();
    if (token === this.usedToken) return false;
    return this.close('auth token changed');
  }

  tokenSource(): TokenOrigin {
    return this.tokenOrigin;
  }

  noteRecall(r: Pick<RecallResult, 'mode' | 'note'>): void {
    const changed = this.lastRecall?.mode !== r.mode || this.lastRecall?.note !== r.note;
    this.lastRecall = { mode: r.mode, note: r.note };
    if (changed) this.statusEmitter.fire(this.status());
  }

  noteSyncStart(): void {
    this.update({ syncing: true });
  }
  noteSync(ok: boolean, err?: unknown): void {
    this.update(ok ? { syncing: false, lastSyncAt: Date.now(), connected: true, error: undefined } : { syncing: false, connected: false, error: this.log.redact(messageOf(err)) });
  }
  noteConnection(ok: boolean, err?: unknown): void {
    if (ok && this.st.connected && !this.st.error) return;
    this.update(ok ? { connected: true, error: undefined } : { connected: false, error: this.log.redact(messageOf(err)) });
  }

  /** Why recall is keyword-only (no reason: hybrid) and how many memories have vectors; set by the embeddings host. */
  setRecallInfo(info: () => { keywordNote?: string; detail?: string }): void {
    this.recallInfo = info;
  }
  private recallInfo: (() => { keywordNote?: string; detail?: string }) | undefined;

  /** Something the status shows changed outside this class (the embedding model's state). */
  refreshStatus(): void {
    this.statusEmitter.fire(this.status());
  }

  status(): StoreStatus {
    const s = this.current;
    let keywordNote: string | undefined;
    const info = this.recallInfo?.();
    if (!s.embeddings.enabled) keywordNote = 'embeddings are turned off (mnemos.embeddings.enabled)';
    else if (info) keywordNote = info.keywordNote;
    else if (this.lastRecall?.mode !== 'hybrid') keywordNote = this.lastRecall?.note ?? 'no embeddings yet: recall uses keyword search';
    return {
      ...this.st,
      mode: this.store?.mode ?? s.store.mode,
      description: describeConfig(s.store),
      keywordOnly: keywordNote !== undefined,
      keywordNote,
      embeddings: info?.detail,
    };
  }

  private update(p: Partial<StoreHost['st']>): void {
    this.st = { ...this.st, ...p };
    this.statusEmitter.fire(this.status());
  }

  async dispose(): Promise<void> {
    this.gen++;
    const s = this.store;
    this.store = undefined;
    this.storeEmitter.dispose();
    this.openEmitter.dispose();
    this.statusEmitter.dispose();
    await s?.close().catch(() => undefined);
  }
}
