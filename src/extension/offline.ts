/**
 * Saving while the server is gone: a save that cannot reach the remote store (or a replica's
 * primary) goes to the durable outbox (`src/store/outbox.ts`, `<globalStorage>/outbox.db`), the
 * status bar shows it pending, and a retry loop with backoff writes it, exactly once, when the
 * server is back. Reads say "offline" instead of failing with a raw error.
 *
 * Nothing here runs at activation: the outbox file is opened on the first queued save, or by the
 * check a moment after start-up when the file exists (a reload with saves still waiting).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ConnectionError, isStoreError, type MnemosStore, type NewMemory, type StoreResult } from '../store';
import { type DrainResult, Outbox, type OutboxCounts, outboxTarget, queuedMemory } from '../store/outbox';
import type { Log } from './log';
import { type Action, messageOf, type Notifier, openSettingsAction } from './notify';
import type { OutboxStatus, StoreHost } from './storeHost';

/** Delays between retries while memories wait (then the last one, ±20 %). */
const RETRY_MS = [2000, 4000, 8000, 15_000];

export type SaveOutcome = (StoreResult | { id: string; action: 'queued' }) & { target?: string };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export class OfflineQueue implements vscode.Disposable {
  private box: Promise<Outbox> | undefined;
  private counts: OutboxCounts[] = [];
  private timer: NodeJS.Timeout | undefined;
  private nextAt: number | undefined;
  private failures = 0;
  private draining: Promise<DrainResult | undefined> | undefined;
  private disposed = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The counts changed (a save was queued, a drain wrote some, another window drained). */
  readonly onDidChange = this.emitter.event;

  constructor(
    /** `<globalStorage>/outbox.db`, shared by every window of this profile. */
    readonly file: string,
    private readonly host: StoreHost,
    private readonly log: Log,
    private readonly notify: Notifier,
    /** After memories were written (the watcher checks for changes at once). */
    private readonly changed: () => void,
  ) {}

  /** The server the current settings write to (an http(s)/libsql URL, no token), or undefined for a local file. */
  target(): string | undefined {
    try {
      return outboxTarget(this.host.settings().store);
    } catch {
      return undefined;
    }
  }

  private outbox(): Promise<Outbox> {
    this.box ??= Outbox.open(this.file).catch((e) => {
      this.box = undefined;
      throw e;
    });
    return this.box;
  }

  status(): OutboxStatus {
    const t = this.target();
    const here = this.counts.find((c) => c.target === t);
    const elsewhere = this.counts.filter((c) => c.target !== t).reduce((n, c) => n + c.pending + c.parked, 0);
    return {
      pending: here?.pending ?? 0,
      parked: here?.parked ?? 0,
      pendingElsewhere: elsewhere,
      nextRetryAt: this.nextAt,
    };
  }

  /** A connection problem with a server: saves can wait it out in the outbox. */
  isOffline(e: unknown): boolean {
    return this.target() !== undefined && isStoreError(e) && e.code === 'connection';
  }

  /**
   * Saves a memory: to the store when it can be reached, else to the outbox (the result's action is
   * 'queued'). Invalid input is an error either way. While earlier offline saves wait, a new one
   * queues behind them so they land in order (and goes out at once when the server is reachable).
   */
  async save(input: NewMemory, getStore: () => Promise<MnemosStore>): Promise<SaveOutcome> {
    const memory = queuedMemory(input); // the id is fixed now: a retry after a lost reply lands on the same row
    const target = this.target();
    if (target && (this.status().pending > 0 || this.host.isOfflineCopy())) {
      await this.enqueue(target, memory);
      const st = this.host.status();
      if (st.connected && !st.offlineCopy) {
        const w = (await this.drainNow('a save behind earlier offline saves'))?.written.find(
          (x) => x.queuedId === memory.id,
        );
        if (w) return { id: w.id, action: w.action };
      }
      this.schedule();
      return { id: memory.id, action: 'queued', target };
    }
    try {
      const store = await getStore();
      if (target && this.host.isOfflineCopy(store)) {
        // The replica could not open just now (its primary is down): the copy it fell back to is read-only.
        await this.enqueue(target, memory);
        return { id: memory.id, action: 'queued', target };
      }
      return await store.store(memory);
    } catch (e) {
      if (!target || !this.isOffline(e)) throw e;
      this.log.warn(
        `saving to ${target} failed; the memory waits in the outbox until it is reachable: ${messageOf(e)}`,
      );
      await this.enqueue(target, memory);
      return { id: memory.id, action: 'queued', target };
    }
  }

  /** The notification for a queued save. */
  queuedMessage(target: string): string {
    return `Saved offline: will be written to ${target} when it is reachable.`;
  }

  retryNowAction(): Action {
    return { title: 'Retry Now', run: () => this.drainNow('Retry Now') };
  }

  private async enqueue(target: string, memory: NewMemory): Promise<void> {
    await (await this.outbox()).enqueue(target, memory);
    await this.refresh();
    this.schedule();
  }

  /** Re-reads the counts (another window may have queued or drained); fires when they changed. */
  async refresh(): Promise<void> {
    if (!this.box && !fs.existsSync(this.file)) return;
    const next = await (await this.outbox()).counts();
    if (JSON.stringify(next) === JSON.stringify(this.counts)) return;
    this.counts = next;
    this.host.refreshStatus();
    this.emitter.fire();
  }

  /** A moment after start-up: saves left waiting by an earlier session (or another window) are sent. */
  async startupCheck(): Promise<void> {
    try {
      await this.refresh();
      if (this.status().pending > 0) {
        this.log.info(
          `${plural(this.status().pending, 'memory', 'memories')} saved offline ${this.status().pending === 1 ? 'waits' : 'wait'} for ${this.target()}`,
        );
        void this.drainNow('start-up');
      }
    } catch (e) {
      this.log.error('reading the offline outbox failed', e);
    }
  }

  /** The database settings changed: other counts apply, and the new server may have memories waiting. */
  settingsChanged(): void {
    this.failures = 0;
    this.cancelTimer();
    this.host.refreshStatus();
    void this.refresh().then(
      () => this.schedule(0),
      (e) => this.log.error('reading the offline outbox failed', e),
    );
  }

  /** Tries now: reconnects (the offline copy, a store that failed to open) and sends what waits. Never rejects. */
  drainNow(why: string): Promise<DrainResult | undefined> {
    this.draining ??= this.runDrain(why)
      .catch((e) => {
        this.log.error(`sending memories saved offline failed (${why})`, e);
        this.failures++;
        this.schedule();
        return undefined;
      })
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async runDrain(why: string): Promise<DrainResult | undefined> {
    this.cancelTimer();
    const target = this.target();
    if (!target || this.disposed) return undefined;
    await this.refresh();
    if (!this.status().pending && !this.host.isOfflineCopy()) {
      this.failures = 0;
      return undefined;
    }
    let store: MnemosStore;
    try {
      store = await this.host.onlineStore();
    } catch (e) {
      if (this.failures === 0)
        this.log.warn(`${target} is still unreachable (${why}); retrying with backoff: ${messageOf(e)}`);
      this.failures++;
      this.schedule();
      return undefined;
    }
    if (!this.status().pending || this.target() !== target) {
      this.failures = 0;
      return undefined;
    }
    const r = await (await this.outbox()).drain(target, store);
    await this.refresh();
    if (r.written.length) {
      const n = r.written.length;
      this.log.info(`wrote ${plural(n, 'memory', 'memories')} saved offline to ${target} (${why})`);
      this.notify.info(`Wrote ${plural(n, 'memory', 'memories')} saved offline to ${target}.`);
      this.changed();
    }
    if (r.parked.length) this.reportParked(target, r.parked);
    if (r.error) {
      if (this.failures === 0)
        this.log.warn(
          `${target} did not take the memories saved offline (${why}); retrying with backoff: ${messageOf(r.error)}`,
        );
      if (isStoreError(r.error) && r.error.code === 'connection') this.host.noteConnection(false, r.error);
      this.failures++;
    } else if (r.busy) {
      this.failures++; // another window is sending them; look again later
    } else {
      this.failures = 0;
    }
    this.schedule();
    return r;
  }

  private reportParked(target: string, parked: { id: string; error: string }[]): void {
    const ids = parked.map((p) => p.id);
    this.log.error(
      `${target} refused ${plural(parked.length, 'memory', 'memories')} saved offline; kept in the outbox: ${parked.map((p) => `${p.id}: ${p.error}`).join('; ')}`,
    );
    this.notify.warn(
      `Mnemos: ${target} refused ${plural(parked.length, 'memory', 'memories')} saved offline (${parked[0].error}). ${parked.length === 1 ? 'It is' : 'They are'} kept in the outbox.`,
      { title: 'Show', run: () => this.showParked(target) },
      {
        title: 'Retry',
        run: async () => {
          await (await this.outbox()).unpark(target, ids);
          await this.drainNow('Retry after a refusal');
        },
      },
      {
        title: 'Discard',
        run: async () => {
          const yes = 'Discard';
          const n = plural(ids.length, 'memory', 'memories');
          if (
            (await vscode.window.showWarningMessage(
              `Discard ${n} saved offline?`,
              { modal: true, detail: 'They were never written to the server. This cannot be undone.' },
              yes,
            )) !== yes
          )
            return;
          await (await this.outbox()).discard(ids);
          await this.refresh();
        },
      },
    );
  }

  /** The parked memories as JSON in an untitled editor, so their text can be copied or saved elsewhere. */
  async showParked(target = this.target()): Promise<void> {
    if (!target) return;
    const items = await (await this.outbox()).list(target, { parked: true });
    const content = JSON.stringify(
      items.map((i) => ({ refusedBecause: i.lastError, ...i.memory })),
      null,
      2,
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'json', content }));
  }

  /**
   * A read failed because the server is unreachable: say so plainly (a warning, not an error), with
   * Retry, and how many saves wait.
   */
  reportOffline(e: unknown, retry?: () => unknown): void {
    this.log.error('the server is unreachable', e);
    this.notify.warn(this.offlineMessage(), ...(retry ? [{ title: 'Retry', run: retry }] : []), openSettingsAction);
  }

  /** One sentence for "offline" (sidebar banner, notifications). */
  offlineMessage(): string {
    const { pending } = this.status();
    const waiting = pending
      ? ` ${plural(pending, 'memory', 'memories')} saved offline ${pending === 1 ? 'waits' : 'wait'} to be written.`
      : '';
    return `Mnemos is offline: ${this.target() ?? 'the server'} is unreachable.${waiting} Retry when it is back, or check the URL in the settings.`;
  }

  /** Writes other than saves cannot wait in the outbox: refuse them plainly while reading the offline copy. */
  requireServer(what: string): void {
    if (!this.host.isOfflineCopy()) return;
    throw new ConnectionError(
      `${this.target()} is unreachable: ${what} needs the server. Meanwhile Mnemos shows the replica's last synced copy (read-only).`,
    );
  }

  /** Keeps trying while memories wait (or while the offline copy stands in for the replica). */
  private schedule(delay?: number): void {
    if (this.disposed || this.timer) return;
    if (!this.target() || (!this.status().pending && !this.host.isOfflineCopy())) {
      if (this.nextAt !== undefined) {
        this.nextAt = undefined;
        this.host.refreshStatus();
      }
      return;
    }
    const base = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    const ms = delay ?? Math.round(base * (0.8 + Math.random() * 0.4));
    this.nextAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drainNow('retry');
    }, ms);
    this.host.refreshStatus();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelTimer();
    this.emitter.dispose();
    await this.draining?.catch(() => undefined);
    const box = this.box;
    this.box = undefined;
    if (box) await (await box.catch(() => undefined))?.close();
  }
}
