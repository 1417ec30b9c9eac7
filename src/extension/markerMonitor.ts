/**
 * Follows a family of ICM's tables (memoirs; transcripts and code areas) by its own change marker.
 * The change watcher's memories marker does not see those tables on a remote store or a replica, and on
 * a local file it fires for every write by anyone; so a view reads its family's marker when the watcher
 * fires or after its own writes (`check`), polls it while someone looks at a non-local store
 * (`schedule`), and re-reads its data only when the marker moved (`onDidChange`).
 */
import * as vscode from 'vscode';
import type { MnemosStore } from '../store';
import type { Services } from './services';

const REMOTE_POLL_MS = 3000;

export class MarkerMonitor implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The family's marker moved since the last check (or the store was swapped). */
  readonly onDidChange = this.emitter.event;
  private marker: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<boolean> | undefined;
  private again: Promise<boolean> | undefined;

  /**
   * @param what names the family in the log line when a check fails
   * @param read the family's marker (a round trip or two)
   * @param wanted whether someone looks (a view visible, an editor with a lens): polling stops otherwise
   */
  constructor(
    private readonly s: Pick<Services, 'host' | 'log'>,
    private readonly what: string,
    private readonly read: (store: MnemosStore) => Promise<string>,
    private readonly wanted: () => boolean,
  ) {}

  /**
   * Reads the marker; fires when it moved since the last check. A call while a check runs is not folded
   * into it (that check may have read before the write it is called for): one more check follows, and
   * the promise covers both.
   */
  check(): Promise<boolean> {
    if (this.checking) {
      this.again ??= this.checking.then((moved) => {
        this.again = undefined;
        return this.check().then((m) => moved || m);
      });
      return this.again;
    }
    this.checking = (async () => {
      const store = this.s.host.peek();
      if (!store) return false;
      try {
        const m = await this.read(store);
        const moved = this.marker !== undefined && m !== this.marker;
        this.marker = m;
        if (moved) this.emitter.fire();
        return moved;
      } catch (e) {
        this.s.log.warn(`checking ${this.what} for changes failed: ${(e as Error).message}`);
        return false;
      }
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** The store was swapped: whatever it holds is new. */
  reset(): void {
    this.marker = undefined;
    this.emitter.fire();
    // A baseline now: left unset, the next writer's change would only set it, and show nothing.
    void this.check();
  }

  /** Poll while someone looks and the store is not a local file (whose every change the watcher sees). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const store = this.s.host.peek();
      if (!store || store.mode === 'local' || !this.wanted()) return;
      void this.check().finally(() => this.schedule());
    }, REMOTE_POLL_MS);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
