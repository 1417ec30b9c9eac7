/**
 * Notices changes made by any writer (another window, the MCP server, ICM, a teammate) by polling
 * the store's change marker: local every 1 s (PRAGMA data_version, no I/O beyond the file header),
 * remote every 2 s (one tiny query), replica every 1 s on the local file plus a pull from the
 * primary every sync interval. Polls only while a store is open; backs off while a server is down.
 */
import * as vscode from 'vscode';
import type { MnemosStore } from '../store';
import type { Log } from './log';
import type { StoreHost } from './storeHost';

const POLL_MS = { local: 1000, remote: 2000, replica: 1000 } as const;
const MAX_BACKOFF_MS = 15_000;

export class ChangeWatcher implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Memories changed (from any writer), or a refresh was asked for. */
  readonly onDidChange = this.emitter.event;
  private store: MnemosStore | undefined;
  private marker: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private failures = 0;
  private lastSync = 0;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly host: StoreHost,
    private readonly log: Log,
  ) {
    this.subs = [
      host.onDidOpen((s) => this.start(s)),
      // The store-changed event of a close comes after the old store has closed; by then a caller may
      // already have opened the new one (and started us on it): stop only if ours is not the open one.
      host.onDidChangeStore(() => {
        if (this.store !== host.peek()) this.stop();
      }),
    ];
    const open = host.peek();
    if (open) this.start(open);
  }

  private start(store: MnemosStore): void {
    this.stop();
    this.store = store;
    this.marker = undefined;
    this.failures = 0;
    this.lastSync = Date.now(); // opening a replica has just synced
    this.schedule(0);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.store = undefined;
    this.marker = undefined;
  }

  /** Check now (after our own write, or on Refresh) instead of at the next tick. */
  poke(): void {
    if (!this.store) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Fires the change event unconditionally (Refresh). */
  fire(): void {
    this.emitter.fire();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const store = this.store;
    if (!store) return;
    this.timer = undefined;
    this.running = true;
    let changed = false;
    try {
      const interval = this.host.settings().syncIntervalSec * 1000;
      if (store.mode === 'replica' && interval > 0 && Date.now() - this.lastSync >= interval) {
        this.lastSync = Date.now();
        this.host.noteSyncStart();
        try {
          await store.sync();
          this.host.noteSync(true);
        } catch (e) {
          this.host.noteSync(false, e);
          throw e;
        }
      }
      const m = await store.changeMarker();
      if (store !== this.store) return;
      changed = this.marker !== undefined && m !== this.marker;
      this.marker = m;
      if (this.failures > 0) {
        this.log.info(`${store.describe()} reachable again`);
        changed = true; // whatever happened meanwhile, show it
      }
      this.failures = 0;
      this.host.noteConnection(true);
    } catch (e) {
      if (store !== this.store) return;
      this.failures++;
      if (this.failures === 1)
        this.log.error(`checking ${store.describe()} for changes failed; retrying with backoff`, e);
      this.host.noteConnection(false, e);
    } finally {
      this.running = false;
    }
    if (changed) this.emitter.fire();
    if (store !== this.store) return;
    const base = POLL_MS[store.mode];
    const delay = this.again
      ? 0
      : this.failures
        ? Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(this.failures, 5))
        : base;
    this.again = false;
    this.schedule(delay);
  }

  dispose(): void {
    this.stop();
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }
}
