/**
 * The offline outbox: memories saved while their server (sqld/Turso, or a replica's primary) is
 * unreachable wait here, in a small local SQLite file, until it is back. No `vscode` import.
 *
 *  - durable: `enqueue` resolves after the row is committed with `synchronous = FULL` (WAL), so it
 *    survives a window reload, a crash of the extension host, or a power cut;
 *  - exactly once: every memory has its ULID before it is queued, and `drain` sends it with
 *    `storeMany`, which is idempotent by id (INSERT OR IGNORE + lookup by id). A row is deleted only
 *    after the store acknowledged it, so a crash between the two steps resends it, and the resend
 *    lands on the same row;
 *  - one drainer per server at a time, across windows sharing the file: a lease row with an expiry,
 *    taken over at once when its holder's process is gone;
 *  - never loses text: an item the server refuses for good (a constraint, a validation rule it has
 *    and we don't) is parked, not dropped; `unpark` retries it, `discard` is the only delete.
 *
 * Rows hold the target server's URL (validated: no credentials) and the memory; never a token.
 *
 * `openOfflineCopy` is the read side of being offline: a read-only snapshot of an embedded replica's
 * file, for when the replica cannot be opened because its primary is unreachable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redactUrl, type StoreConfig, validateRemoteUrl } from './config';
import { InvalidInputError, isBusyError, isStoreError, redactSecrets } from './errors';
import { type NewMemory, validateNewMemory } from './model';
import { type MnemosStore, openStore } from './store';
import type { StoreResult } from './types';
import { strOrNull } from './values';

/** A memory as queued: validated, with the id it will have on the server. */
export type QueuedMemory = NewMemory & { id: string };

export interface OutboxItem {
  id: string;
  /** Where it goes: the server URL (never a token). */
  target: string;
  memory: QueuedMemory;
  queuedAt: number;
  attempts: number;
  lastError: string | null;
  /** The server refused it for good; kept until unparked or discarded. */
  parked: boolean;
}

export interface OutboxCounts {
  target: string;
  pending: number;
  parked: number;
}

export interface DrainResult {
  /** Acknowledged by the store and removed from the outbox, in queue order. */
  written: (StoreResult & { queuedId: string })[];
  /** Refused by the store for good during this drain (kept, parked). */
  parked: { id: string; error: string }[];
  /** Still waiting for this target after the drain (parked ones not counted). */
  remaining: number;
  /** Why the drain stopped early (the server is still unreachable, the token is refused…). */
  error?: unknown;
  /** Another drainer (another window) holds the lease: nothing was sent. */
  busy?: boolean;
}

export interface DrainOptions {
  /** Memories per `storeMany` round trip (default 50). */
  batchSize?: number;
  /**
   * Runs after the store acknowledged a batch and before the outbox forgets it: the window in which
   * a crash leaves acknowledged rows behind. For tests.
   */
  afterAcknowledged?(ids: string[]): void | Promise<void>;
}

export interface OutboxOptions {
  /** How long a drainer's lease lasts without renewal (default 120 s; renewed after every batch). */
  leaseMs?: number;
  /** How long to wait for another process's write lock on the outbox file (default 10 s). */
  busyTimeoutMs?: number;
}

/** What `drain` needs from a store: `storeMany` (idempotent by id); `config` lets it check the target. */
export type DrainTarget = Pick<MnemosStore, 'storeMany'> & { readonly config?: StoreConfig };

type Row = Record<string, unknown>;
type SyncDb = {
  prepare(sql: string): { all(a: unknown[]): Row[]; run(a: unknown[]): { changes: number } };
  exec(sql: string): void;
  close(): void;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  target TEXT NOT NULL,
  memory TEXT NOT NULL,
  queued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error TEXT,
  parked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_target ON outbox(target, parked, seq);
CREATE TABLE IF NOT EXISTS outbox_lease (
  target TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
PRAGMA user_version = 1;
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The outbox key for a store config: the server its writes go to; undefined for a local file (nothing to wait for). */
export function outboxTarget(config: StoreConfig): string | undefined {
  if (config.mode === 'remote') return normaliseTarget(config.url);
  if (config.mode === 'replica') return normaliseTarget(config.syncUrl);
  return undefined;
}

function normaliseTarget(url: string): string {
  validateRemoteUrl(url);
  return redactUrl(url.trim());
}

/** Same rules as the store's own validation, so the outbox never holds what the store would refuse as input. */
export function queuedMemory(m: NewMemory): QueuedMemory {
  return validateNewMemory(m);
}

/**
 * Errors that say "this memory will never be accepted as is" (so it is parked). Everything else —
 * unreachable, refused token, read-only, busy, a closed client — means "try again later".
 */
export function isPermanentRefusal(e: unknown): boolean {
  if (isStoreError(e)) return e.code === 'invalid_input' || e.code === 'conflict';
  const code = String((e as { code?: string })?.code ?? '');
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function messageOf(e: unknown): string {
  return redactSecrets(e instanceof Error ? e.message || e.name : String(e));
}

export class Outbox {
  private readonly owner = `${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  private readonly draining = new Map<string, Promise<DrainResult>>();
  private closed = false;

  private constructor(
    private readonly db: SyncDb,
    readonly path: string,
    private readonly leaseMs: number,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Opens (creating if needed) the outbox file. */
  static async open(file: string, opts: OutboxOptions = {}): Promise<Outbox> {
    const abs = path.resolve(file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('libsql') as new (p: string) => SyncDb;
    const busyTimeoutMs = opts.busyTimeoutMs ?? 10_000;
    const deadline = Date.now() + busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let db: SyncDb | undefined;
      try {
        db = new Database(abs);
        // A short busy handler in the native call (it blocks the thread), longer waits are async below.
        db.exec('PRAGMA busy_timeout = 50');
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = FULL');
        db.exec(SCHEMA);
        return new Outbox(db, abs, opts.leaseMs ?? 120_000, busyTimeoutMs);
      } catch (e) {
        db?.close();
        if (!isBusyError(e) || Date.now() > deadline) throw e;
        await sleep(Math.min(200, 5 * 2 ** attempt));
      }
    }
  }

  /** Runs fn (synchronous SQLite work) retrying while another process holds the write lock. */
  private async locked<T>(fn: () => T): Promise<T> {
    if (this.closed) throw new Error('the outbox is closed');
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (e) {
        if (!isBusyError(e) || Date.now() > deadline) throw e;
        await sleep(Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  /** fn inside BEGIN IMMEDIATE … COMMIT (rolled back if it throws). */
  private tx<T>(fn: () => T): Promise<T> {
    return this.locked(() => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = fn();
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* already rolled back */
        }
        throw e;
      }
    });
  }

  private all(sql: string, args: unknown[] = []): Row[] {
    return this.db.prepare(sql).all(args);
  }
  private run(sql: string, args: unknown[] = []): number {
    return this.db.prepare(sql).run(args).changes;
  }

  /**
   * Queues a memory for `target` (a server URL, see `outboxTarget`). Validates it first (invalid
   * input is an error, never a queued row) and gives it an id if it has none. Durable when it
   * resolves. Queuing the same id again keeps the first row.
   */
  async enqueue(target: string, memory: NewMemory): Promise<OutboxItem> {
    const t = normaliseTarget(target);
    const m = queuedMemory(memory);
    return this.tx(() => {
      this.run(`INSERT OR IGNORE INTO outbox(id, target, memory, queued_at) VALUES (?, ?, ?, ?)`, [
        m.id,
        t,
        JSON.stringify(m),
        Date.now(),
      ]);
      return toItem(this.all(`SELECT * FROM outbox WHERE id = ?`, [m.id])[0]);
    });
  }

  /** Queued items in order (for one target, when given); parked ones only with `parked: true`. */
  async list(target?: string, opts: { parked?: boolean } = {}): Promise<OutboxItem[]> {
    const where = [`parked = ?`];
    const args: unknown[] = [opts.parked ? 1 : 0];
    if (target !== undefined) {
      where.push(`target = ?`);
      args.push(normaliseTarget(target));
    }
    return this.locked(() =>
      this.all(`SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY seq`, args).map(toItem),
    );
  }

  /** Pending and parked counts per target. */
  async counts(): Promise<OutboxCounts[]> {
    return this.locked(() =>
      this.all(
        `SELECT target, SUM(parked = 0) AS pending, SUM(parked = 1) AS parked FROM outbox GROUP BY target ORDER BY target`,
      ).map((r) => ({
        target: String(r.target),
        pending: Number(r.pending ?? 0),
        parked: Number(r.parked ?? 0),
      })),
    );
  }

  async count(target: string): Promise<{ pending: number; parked: number }> {
    const t = normaliseTarget(target);
    const c = (await this.counts()).find((x) => x.target === t);
    return { pending: c?.pending ?? 0, parked: c?.parked ?? 0 };
  }

  /** Parked items go back in the queue (the user asked to try again). Returns how many. */
  async unpark(target: string, ids?: string[]): Promise<number> {
    const t = normaliseTarget(target);
    return this.tx(() =>
      ids
        ? this.run(`UPDATE outbox SET parked = 0 WHERE target = ? AND id IN (SELECT value FROM json_each(?))`, [
            t,
            JSON.stringify(ids),
          ])
        : this.run(`UPDATE outbox SET parked = 0 WHERE target = ? AND parked = 1`, [t]),
    );
  }

  /** Removes items without sending them (the user said so). Returns how many. */
  async discard(ids: string[]): Promise<number> {
    return this.tx(() =>
      this.run(`DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]),
    );
  }

  /**
   * Sends `target`'s queued memories to `store` in queue order, deleting each batch only after the
   * store acknowledged it. Stops at the first error that means "later" (unreachable, token refused…)
   * and reports it; parks memories the store refuses for good. One drain per target at a time: in
   * this process a second call joins the running one; across processes the lease decides (`busy`).
   */
  drain(target: string, store: DrainTarget, opts: DrainOptions = {}): Promise<DrainResult> {
    let t: string;
    try {
      t = normaliseTarget(target);
      const storeTarget = store.config ? outboxTarget(store.config) : t;
      if (storeTarget !== t)
        throw new InvalidInputError(
          `the outbox holds memories for ${t}; this store writes to ${storeTarget ?? 'a local file'}`,
        );
    } catch (e) {
      // The caught error, unchanged: the rejection an async function would give (not a new value).
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(e);
    }
    const running = this.draining.get(t);
    if (running) return running;
    const p = this.drainTarget(t, store, opts).finally(() => this.draining.delete(t));
    this.draining.set(t, p);
    return p;
  }

  private async drainTarget(t: string, store: DrainTarget, opts: DrainOptions): Promise<DrainResult> {
    const result: DrainResult = { written: [], parked: [], remaining: 0 };
    if (!(await this.claim(t))) {
      result.busy = true;
      result.remaining = (await this.count(t)).pending;
      return result;
    }
    const batchSize = Math.max(1, Math.min(500, Math.floor(opts.batchSize ?? 50)));
    try {
      outer: for (;;) {
        const batch = await this.locked(() =>
          this.all(`SELECT * FROM outbox WHERE target = ? AND parked = 0 ORDER BY seq LIMIT ?`, [t, batchSize]).map(
            toItem,
          ),
        );
        if (!batch.length) break;
        if (!(await this.claim(t))) {
          result.busy = true; // our lease ran out and another drainer took over
          break;
        }
        const sent = await this.send(t, batch, store, opts, result);
        if (sent === 'stop') break;
        if (sent === 'isolate') {
          // Something in the batch is refused for good: send one at a time to find it, keep the rest.
          for (const item of batch) if ((await this.send(t, [item], store, opts, result)) === 'stop') break outer;
        }
      }
    } finally {
      await this.release(t).catch(() => undefined);
    }
    result.remaining = (await this.count(t)).pending;
    return result;
  }

  /** One round trip. 'isolate': a permanent refusal in a batch of several; 'stop': try again later. */
  private async send(
    t: string,
    items: OutboxItem[],
    store: DrainTarget,
    opts: DrainOptions,
    result: DrainResult,
  ): Promise<'ok' | 'isolate' | 'stop'> {
    const ids = items.map((i) => i.id);
    await this.tx(() =>
      this.run(
        `UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id IN (SELECT value FROM json_each(?))`,
        [Date.now(), JSON.stringify(ids)],
      ),
    );
    let results: StoreResult[];
    try {
      results = await store.storeMany(items.map((i) => i.memory));
    } catch (e) {
      const msg = messageOf(e);
      if (isPermanentRefusal(e)) {
        if (items.length > 1) return 'isolate';
        await this.tx(() => this.run(`UPDATE outbox SET parked = 1, last_error = ? WHERE id = ?`, [msg, ids[0]]));
        result.parked.push({ id: ids[0], error: msg });
        return 'ok';
      }
      await this.tx(() =>
        this.run(`UPDATE outbox SET last_error = ? WHERE id IN (SELECT value FROM json_each(?))`, [
          msg,
          JSON.stringify(ids),
        ]),
      );
      result.error = e;
      return 'stop';
    }
    await opts.afterAcknowledged?.(ids);
    await this.tx(() =>
      this.run(`DELETE FROM outbox WHERE target = ? AND id IN (SELECT value FROM json_each(?))`, [
        t,
        JSON.stringify(ids),
      ]),
    );
    results.forEach((r, i) => result.written.push({ ...r, queuedId: ids[i] }));
    return 'ok';
  }

  /** Takes or renews the drain lease for a target: free, expired, ours, or held by a process that is gone. */
  private claim(t: string): Promise<boolean> {
    const now = Date.now();
    const host = os.hostname();
    return this.tx(() => {
      const [cur] = this.all(`SELECT owner, host, pid, expires_at FROM outbox_lease WHERE target = ?`, [t]);
      const free =
        !cur ||
        cur.owner === this.owner ||
        Number(cur.expires_at) <= now ||
        (cur.host === host && Number(cur.pid) !== process.pid && !pidAlive(Number(cur.pid)));
      if (!free) return false;
      this.run(`INSERT OR REPLACE INTO outbox_lease(target, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)`, [
        t,
        this.owner,
        host,
        process.pid,
        now + this.leaseMs,
      ]);
      return true;
    });
  }

  private release(t: string): Promise<number> {
    return this.tx(() => this.run(`DELETE FROM outbox_lease WHERE target = ? AND owner = ?`, [t, this.owner]));
  }

  /** Waits for a running drain, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.draining.values()]);
    this.closed = true;
    this.db.close();
  }
}

function toItem(r: Row): OutboxItem {
  return {
    id: String(r.id),
    target: String(r.target),
    memory: JSON.parse(String(r.memory)) as QueuedMemory,
    queuedAt: Number(r.queued_at),
    attempts: Number(r.attempts),
    lastError: strOrNull(r.last_error),
    parked: Number(r.parked) === 1,
  };
}

/**
 * A read-only copy of an embedded replica's file, for reading while its primary is unreachable
 * (the replica itself cannot open then: it checks the primary first). The replica's own files are
 * only read — a plain SQLite connection on them would checkpoint its WAL on close. The copy is
 * opened as a local store with `query_only`, so any write fails; `dispose` closes and deletes it.
 * Undefined when the replica has no file yet.
 */
export async function openOfflineCopy(
  replicaFile: string,
): Promise<{ store: MnemosStore; dispose(): Promise<void> } | undefined> {
  const src = path.resolve(replicaFile);
  if (!fs.existsSync(src) || !fs.statSync(src).isFile()) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-offline-'));
  const copy = path.join(dir, path.basename(src));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.copyFileSync(src, copy);
    if (fs.existsSync(`${src}-wal`)) fs.copyFileSync(`${src}-wal`, `${copy}-wal`);
    const store = await openStore({ mode: 'local', path: copy });
    try {
      await store.sql('PRAGMA query_only = 1');
    } catch (e) {
      await store.close().catch(() => undefined);
      throw e;
    }
    return {
      store,
      async dispose() {
        await store.close().catch(() => undefined);
        cleanup();
      },
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}
