/**
 * Owns the one open MnemosStore: opened lazily on first need from the current settings and token,
 * closed and reopened when either changes. Nothing here runs at activation.
 * An embedded replica whose primary is unreachable cannot open; then reads come from a read-only
 * copy of its file (the "offline copy") until `reconnect()` gets the real replica.
 */
import * as vscode from 'vscode';
import {
  ConnectionError,
  describeConfig,
  isStoreError,
  type MnemosStore,
  openStore,
  type RecallResult,
  type StoreConfig,
  type StoreMode,
} from '../store';
import { openOfflineCopy } from '../store/outbox';
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
  /** The server (remote, or a replica's primary) cannot be reached: saves wait in the outbox. */
  offline: boolean;
  /** Reads come from a read-only copy of the replica's file (its primary was unreachable at open). */
  offlineCopy: boolean;
  /** Memories saved offline, waiting for this store's server. */
  pending: number;
  /** Memories saved offline that this store's server refused for good (kept until retried or discarded). */
  parked: number;
  /** Memories saved offline for other databases (they wait until the settings point there again). */
  pendingElsewhere: number;
  /** When the outbox retries next (ms since epoch), while something waits. */
  nextRetryAt?: number;
}

/** What the offline queue tells the status (see offline.ts). */
export interface OutboxStatus {
  pending: number;
  parked: number;
  pendingElsewhere: number;
  nextRetryAt?: number;
}

export class StoreHost implements vscode.Disposable {
  private store: MnemosStore | undefined;
  private opening: Promise<MnemosStore> | undefined;
  private gen = 0;
  private current: MnemosSettings;
  /** The token the open (or opening, or failed) store uses. */
  private usedToken: string | undefined;
  private tokenOrigin: TokenOrigin = 'none';
  private st: {
    state: StoreState;
    connected: boolean;
    syncing: boolean;
    lastSyncAt?: number;
    error?: string;
    errorCode?: string;
  } = {
    state: 'closed',
    connected: false,
    syncing: false,
  };
  /** The offline copy standing in for a replica whose primary was unreachable. */
  private copy: { store: MnemosStore; dispose(): Promise<void> } | undefined;
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

  /** The current settings' config with the token (never logged, never stored). */
  private async configWithToken(): Promise<StoreConfig> {
    const s = this.current;
    let token: string | undefined;
    if (s.store.mode !== 'local') {
      const t = await this.tokens.get();
      token = t.token;
      this.tokenOrigin = t.origin;
    }
    this.usedToken = token;
    return token && s.store.mode !== 'local' ? { ...s.store, authToken: token } : s.store;
  }

  private async open(gen: number): Promise<MnemosStore> {
    const s = this.current;
    this.update({ state: 'opening', error: undefined, errorCode: undefined });
    const t0 = performance.now();
    const config = await this.configWithToken();
    for (const w of s.warnings) this.log.warn(w);
    if (s.ignoredUntrusted.length)
      this.log.warn(`untrusted workspace: ignoring its ${s.ignoredUntrusted.join(', ')} (user settings apply)`);
    try {
      const store = await openStore(config);
      if (gen !== this.gen) {
        await store.close().catch(() => undefined);
        return this.getStore();
      }
      store.onBackgroundError = (e) => this.log.error('background store work failed', e);
      store.onWarning = (m) => this.log.warn(m);
      this.store = store;
      this.update({
        state: 'open',
        connected: true,
        lastSyncAt: store.mode === 'replica' ? Date.now() : undefined,
        error: undefined,
        errorCode: undefined,
      });
      const tokenInfo = s.store.mode === 'local' ? '' : ` (token: ${this.tokenOrigin})`;
      this.log.info(`opened ${describeConfig(s.store)}${tokenInfo} in ${Math.round(performance.now() - t0)} ms`);
      this.openEmitter.fire(store);
      return store;
    } catch (e) {
      if (gen !== this.gen) return this.getStore();
      const error = this.log.redact(messageOf(e));
      const errorCode = isStoreError(e) ? e.code : undefined;
      if (s.store.mode === 'replica' && errorCode === 'connection') {
        const copy = await openOfflineCopy(s.store.path).catch((err) => {
          this.log.error('opening an offline copy of the replica failed', err);
          return undefined;
        });
        if (copy && gen !== this.gen) await copy.dispose();
        else if (copy) {
          copy.store.onBackgroundError = () => undefined; // access bumps cannot be written to a read-only copy
          this.copy = copy;
          this.store = copy.store;
          this.update({ state: 'open', connected: false, error, errorCode });
          this.log.warn(
            `${describeConfig(s.store)}: the primary is unreachable; reading the replica's last synced copy (read-only) until it is back`,
          );
          return copy.store;
        }
      }
      this.update({ state: 'error', connected: false, error, errorCode });
      throw e;
    }
  }

  /** Reads come from the replica's offline copy (writes cannot). With a store: is it that copy? */
  isOfflineCopy(store?: MnemosStore): boolean {
    return !!this.copy && this.store === this.copy.store && (store === undefined || store === this.copy.store);
  }

  /**
   * The real store (never the offline copy): opens it, or swaps the offline copy for the real
   * replica when its primary is back. Rejects while the server is unreachable.
   */
  async onlineStore(): Promise<MnemosStore> {
    if (this.store && !this.isOfflineCopy()) return this.store;
    if (!this.isOfflineCopy()) {
      const store = await this.getStore();
      if (!this.isOfflineCopy()) return store;
      throw new ConnectionError(this.st.error ?? `${describeConfig(this.current.store)}: the primary is unreachable`); // just fell back
    }
    return this.reconnect();
  }

  /** Offline copy in use: try the real replica; on success it replaces the copy (data and status listeners hear). */
  private reconnecting: Promise<MnemosStore> | undefined;
  private reconnect(): Promise<MnemosStore> {
    this.reconnecting ??= (async () => {
      const gen = this.gen;
      const copy = this.copy;
      const store = await openStore(await this.configWithToken());
      if (gen !== this.gen || this.copy !== copy) {
        await store.close().catch(() => undefined);
        return this.onlineStore();
      }
      store.onBackgroundError = (e) => this.log.error('background store work failed', e);
      store.onWarning = (m) => this.log.warn(m);
      this.store = store;
      this.copy = undefined;
      await copy?.dispose();
      this.update({ state: 'open', connected: true, lastSyncAt: Date.now(), error: undefined, errorCode: undefined });
      this.log.info(`opened ${describeConfig(this.current.store)}: the primary is reachable again`);
      this.storeEmitter.fire();
      this.openEmitter.fire(store);
      return store;
    })().finally(() => (this.reconnecting = undefined));
    return this.reconnecting;
  }

  /** Closes the store; the next getStore() opens it from the current settings. Returns whether one was open. */
  async close(reason: string): Promise<boolean> {
    this.gen++;
    const old = this.store;
    const copy = this.copy;
    const wasActive = !!old || !!this.opening || this.st.state === 'error';
    this.store = undefined;
    this.copy = undefined;
    this.opening = undefined;
    this.usedToken = undefined;
    this.update({
      state: 'closed',
      connected: false,
      syncing: false,
      lastSyncAt: undefined,
      error: undefined,
      errorCode: undefined,
    });
    if (copy) {
      this.log.info(`closing the replica's offline copy: ${reason}`);
      await copy.dispose();
    } else if (old) {
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
    this.update(
      ok
        ? { syncing: false, lastSyncAt: Date.now(), connected: true, error: undefined }
        : { syncing: false, connected: false, error: this.log.redact(messageOf(err)) },
    );
  }
  noteConnection(ok: boolean, err?: unknown): void {
    if (this.isOfflineCopy()) return; // only reconnect() ends that
    if (ok && this.st.connected && !this.st.error) return;
    this.update(
      ok
        ? { connected: true, error: undefined, errorCode: undefined }
        : {
            connected: false,
            error: this.log.redact(messageOf(err)),
            errorCode: isStoreError(err) ? err.code : undefined,
          },
    );
  }

  /** Memories waiting in the outbox; set by the offline queue. */
  setOutboxInfo(info: () => OutboxStatus): void {
    this.outboxInfo = info;
  }
  private outboxInfo: (() => OutboxStatus) | undefined;

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
    else if (this.lastRecall?.mode !== 'hybrid')
      keywordNote = this.lastRecall?.note ?? 'no embeddings yet: recall uses keyword search';
    const { errorCode, ...st } = this.st;
    const mode = s.store.mode;
    const offlineCopy = this.isOfflineCopy();
    const offline =
      mode !== 'local' &&
      (offlineCopy ||
        (st.state === 'error' && errorCode === 'connection') ||
        (st.state === 'open' && !st.connected && errorCode !== 'auth'));
    const outbox = this.outboxInfo?.() ?? { pending: 0, parked: 0, pendingElsewhere: 0 };
    return {
      ...st,
      mode: offlineCopy ? 'replica' : (this.store?.mode ?? mode),
      description: describeConfig(s.store),
      keywordOnly: keywordNote !== undefined,
      keywordNote,
      embeddings: info?.detail,
      offline,
      offlineCopy,
      ...outbox,
    };
  }

  private update(p: Partial<StoreHost['st']>): void {
    this.st = { ...this.st, ...p };
    this.statusEmitter.fire(this.status());
  }

  async dispose(): Promise<void> {
    this.gen++;
    const s = this.store;
    const copy = this.copy;
    this.store = undefined;
    this.copy = undefined;
    this.storeEmitter.dispose();
    this.openEmitter.dispose();
    this.statusEmitter.dispose();
    if (copy) await copy.dispose();
    else await s?.close().catch(() => undefined);
  }
}
