/**
 * ICM's access bookkeeping (`access_count + 1`, `last_accessed = now` for what a recall returned),
 * kept off the read path: a local file writes it once the answer is on its way (the next turn of the
 * event loop, after the reply's write: run before it, the UPDATE's commit was ≈ 150 µs of every
 * MCP recall), a remote or replica in the background, coalesced over 250 ms.
 */
import type { StoreContext } from './context';
import { nowRfc3339 } from './model';

export class AccessLog {
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flight: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: StoreContext) {}

  bump(ids: string[]): void {
    for (const id of ids) this.pending.add(id);
    if (this.ctx.conn.mode === 'local') {
      this.immediate ??= setImmediate(() => void this.flush());
      return;
    }
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), 250);
  }

  /** Writes pending bumps now; resolves when they are durable. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const ids = [...this.pending];
    this.pending.clear();
    if (!ids.length) return this.flight;
    this.flight = this.flight.then(async () => {
      try {
        await this.ctx.conn.run(
          `UPDATE memories SET access_count = COALESCE(access_count, 0) + 1, last_accessed = ?
           WHERE id IN (SELECT value FROM json_each(?))`,
          [nowRfc3339(), JSON.stringify(ids)],
        );
      } catch (e) {
        this.ctx.reportError(e);
      }
    });
    return this.flight;
  }
}
