/**
 * The thin driver layer: one small async interface over three libSQL drivers, one per mode.
 *  - local:   `libsql` (synchronous, better-sqlite3 API): no round trips, cached prepared statements,
 *             WAL + busy timeout + retry on BUSY; `loadExtension` is available here only.
 *  - replica: `libsql/promise` (async API of the same native driver): sync() and delegated writes
 *             never block the event loop.
 *  - remote:  `@libsql/client` over HTTP(S)/WebSocket: one round trip per execute/batch; transient
 *             network failures retried (every write Mnemos issues is idempotent by memory id).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client, InStatement, ResultSet, Transaction } from '@libsql/client';
import { type StoreConfig, type StoreMode, validateConfig, redactUrl } from './config';
import {
  AuthError,
  ConnectionError,
  CorruptDatabaseError,
  InvalidInputError,
  isBusyError,
  StoreError,
  redactSecrets,
} from './errors';

export type SqlArg = null | string | number | bigint | Uint8Array | boolean;
export type Row = Record<string, unknown>;
export interface Stmt {
  sql: string;
  args?: SqlArg[];
}

/** Statement runner inside a write transaction. */
export interface Tx {
  query(sql: string, args?: SqlArg[]): Promise<Row[]>;
  run(sql: string, args?: SqlArg[]): Promise<number>;
}

export interface Conn extends Tx {
  readonly mode: StoreMode;
  /** Runs the statements atomically as one write transaction (one round trip on a remote). */
  batch(stmts: Stmt[]): Promise<Row[][]>;
  /** Like batch, for writes whose rows are not needed: the number of rows each statement changed. */
  batchRun(stmts: Stmt[]): Promise<number[]>;
  /** Interactive write transaction; body must only use `tx`. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Multi-statement DDL script. */
  script(sql: string): Promise<void>;
  /** Replica: pull from the primary. Others: no-op. */
  sync(): Promise<void>;
  /** Local: PRAGMA data_version (changes when another connection commits). */
  dataVersion(): Promise<number | undefined>;
  /** Local only: load a SQLite extension (sqlite-vec). */
  loadExtension?(file: string): void;
  /**
   * Local only, for optional background work: runs the write at once if nothing else is queued on
   * this connection and no other connection holds the write lock; otherwise runs nothing and returns
   * undefined, without waiting (no busy handler, no retry). Other errors throw.
   */
  tryRun?(sql: string, args?: SqlArg[]): number | undefined;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `f()` as a promise, a throw as a rejection: what an `async` wrapper of synchronous work gives. */
const promised = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));

function normaliseArgs(args: SqlArg[] | undefined): unknown[] {
  if (!args) return [];
  // libsql panics on a lone Buffer/typed array argument and rejects booleans: normalise here.
  return args.map((a) => (typeof a === 'boolean' ? (a ? 1 : 0) : a === undefined ? null : a));
}

function mapSqliteError(e: unknown, where: string): unknown {
  if (e instanceof StoreError) return e;
  const code = String((e as { code?: string })?.code ?? '');
  const msg = String((e as Error)?.message ?? e);
  if (code === 'SQLITE_NOTADB' || /file is not a database|file is encrypted/i.test(msg)) {
    return new CorruptDatabaseError(
      `${where} is not a SQLite/libSQL database (${msg}); point Mnemos at another file or move this one aside`,
      e,
    );
  }
  if (code === 'SQLITE_CORRUPT' || /malformed/i.test(msg)) {
    return new CorruptDatabaseError(`${where} is corrupted (${msg}); restore a backup or export what can be read`, e);
  }
  if (code === 'SQLITE_CANTOPEN' || /unable to open database/i.test(msg)) {
    return new ConnectionError(
      `cannot open ${where} (${msg}); check that the folder exists and is writable and that the path is not a directory`,
      e,
    );
  }
  if (code === 'SQLITE_READONLY') return new StoreError('read_only', `${where} is read-only (${msg})`, { cause: e });
  return e;
}

// ---------------------------------------------------------------------------------------- local

type SyncDb = {
  prepare(sql: string): { reader: boolean; all(a: unknown[]): Row[]; run(a: unknown[]): { changes: number } };
  exec(sql: string): void;
  close(): void;
  loadExtension(p: string): void;
};

class LocalConn implements Conn {
  readonly mode: StoreMode = 'local';
  private readonly stmts = new Map<string, ReturnType<SyncDb['prepare']>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: SyncDb,
    protected readonly label: string,
    private readonly busyTimeoutMs: number,
  ) {}

  protected serial<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.exclusive(fn);
  }

  /** Serialise everything on this connection so no statement slips into another caller's transaction. */
  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    this.inFlight++;
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => void this.inFlight--,
      () => void this.inFlight--,
    );
    return run;
  }
  /** Callers queued or running on this connection (a transaction counts until it settles). */
  private inFlight = 0;

  /**
   * With nothing queued, one statement runs at once instead of behind the queue's promise turns
   * (≈ 10–15 µs of a 30 µs count): no transaction can be open, so nothing can slip into one. A busy
   * database falls back to the queued path, which retries.
   */
  private now<T>(fn: () => T): Promise<T> | undefined {
    if (this.inFlight > 0) return undefined;
    try {
      return Promise.resolve(fn());
    } catch (e) {
      if (isBusyError(e)) return undefined;
      return promised(() => {
        throw mapSqliteError(e, this.label);
      });
    }
  }

  /** libsql 0.5.29 replicas ignore new bind arguments on a re-used statement: they prepare per call. */
  private cacheStatements = true;
  noStatementCache(): void {
    this.cacheStatements = false;
  }

  private prep(sql: string) {
    if (!this.cacheStatements) return this.db.prepare(sql);
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.stmts.size > 500) this.stmts.clear();
      this.stmts.set(sql, s);
    }
    return s;
  }

  private querySync(sql: string, args?: SqlArg[]): Row[] {
    const s = this.prep(sql);
    const a = normaliseArgs(args);
    if (s.reader) return s.all(a);
    s.run(a);
    return [];
  }
  private runSync(sql: string, args?: SqlArg[]): number {
    const s = this.prep(sql);
    const a = normaliseArgs(args);
    if (s.reader) {
      s.all(a);
      return 0;
    }
    return s.run(a).changes;
  }

  /** Retries SQLITE_BUSY beyond the busy handler (e.g. WAL checkpoints, snapshot conflicts), with jitter. */
  private async withBusyRetry<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (e) {
        if (!isBusyError(e) || Date.now() > deadline) throw mapSqliteError(e, this.label);
        await sleep(Math.min(200, 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  tryRun(sql: string, args?: SqlArg[]): number | undefined {
    if (this.inFlight > 0) return undefined;
    this.db.exec('PRAGMA busy_timeout = 0');
    try {
      return this.runSync(sql, args);
    } catch (e) {
      if (isBusyError(e)) return undefined;
      throw mapSqliteError(e, this.label);
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
    }
  }

  // Another caller's statement waits in the queue while a transaction is open, even between its
  // statements: run inside it, a write was rolled back with that transaction after being acknowledged.
  query(sql: string, args?: SqlArg[]): Promise<Row[]> {
    return (
      this.now(() => this.querySync(sql, args)) ??
      this.exclusive(() => this.withBusyRetry(() => this.querySync(sql, args)))
    );
  }
  run(sql: string, args?: SqlArg[]): Promise<number> {
    return (
      this.now(() => this.runSync(sql, args)) ?? this.exclusive(() => this.withBusyRetry(() => this.runSync(sql, args)))
    );
  }

  batch(stmts: Stmt[]): Promise<Row[][]> {
    return this.transaction(() => promised(() => stmts.map((s) => this.querySync(s.sql, s.args))));
  }
  batchRun(stmts: Stmt[]): Promise<number[]> {
    // One statement (with its triggers) is atomic on its own: no BEGIN/COMMIT around it.
    const one = stmts.length === 1 ? this.now(() => [this.runSync(stmts[0].sql, stmts[0].args)]) : undefined;
    if (one) return one;
    // run() rather than RETURNING rows: ≈ 7 µs less per row in bulk (docs/BENCHMARKS.md, Writes).
    return this.transaction(() => promised(() => stmts.map((s) => this.runSync(s.sql, s.args))));
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const deadline = Date.now() + this.busyTimeoutMs;
      for (let attempt = 0; ; attempt++) {
        try {
          this.prep('BEGIN IMMEDIATE').run([]);
        } catch (e) {
          if (isBusyError(e) && Date.now() < deadline) {
            await sleep(Math.min(200, 2 ** attempt) * (0.5 + Math.random()));
            continue;
          }
          throw mapSqliteError(e, this.label);
        }
        try {
          const tx: Tx = {
            query: (sql, args) => promised(() => this.querySync(sql, args)),
            run: (sql, args) => promised(() => this.runSync(sql, args)),
          };
          const out = await fn(tx);
          this.prep('COMMIT').run([]);
          return out;
        } catch (e) {
          try {
            this.db.exec('ROLLBACK');
          } catch {
            /* already rolled back by SQLite */
          }
          if (isBusyError(e) && Date.now() < deadline) {
            await sleep(Math.min(200, 2 ** attempt) * (0.5 + Math.random()));
            continue;
          }
          throw mapSqliteError(e, this.label);
        }
      }
    });
  }

  script(sql: string): Promise<void> {
    return this.exclusive(() => this.withBusyRetry(() => this.db.exec(sql)));
  }
  async sync(): Promise<void> {}
  async dataVersion(): Promise<number | undefined> {
    const r = await this.query('PRAGMA data_version');
    return Number(Object.values(r[0] ?? {})[0] ?? 0);
  }
  loadExtension(file: string): void {
    this.db.loadExtension(file);
  }
  async close(): Promise<void> {
    await this.exclusive(() => {
      this.stmts.clear();
      this.db.close();
    });
  }
}

/** Page cache ceiling of a local connection, as SQLite's cache_size (negative: KiB): 64 MiB. */
export const LOCAL_CACHE_KIB = -65536;

function openLocal(file: string, busyTimeoutMs: number): LocalConn {
  if (file !== ':memory:') {
    const abs = path.resolve(file);
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
      throw new InvalidInputError(
        `database path ${abs} is a directory; give a file path such as ${path.join(abs, 'memories.db')}`,
      );
    }
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
    } catch (e) {
      throw new ConnectionError(`cannot create the folder for ${abs}: ${(e as Error).message}`, e);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('libsql') as new (p: string, o?: object) => SyncDb;
  let db: SyncDb;
  try {
    db = new Database(file);
  } catch (e) {
    throw mapSqliteError(e, file);
  }
  const conn = new LocalConn(db, file, busyTimeoutMs);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // Another application's table called memories: refuse before anything (even the journal mode) changes.
    const cols = db
      .prepare(`SELECT name FROM pragma_table_info('memories')`)
      .all([])
      .map((r) => String(r.name));
    const missing = ['id', 'topic', 'summary', 'importance'].filter((c) => !cols.includes(c));
    if (cols.length && missing.length) {
      throw new CorruptDatabaseError(
        `${file} is not an ICM/Mnemos database: its "memories" table has no ${missing.join(', ')} column (another application's?); point Mnemos at another file`,
      );
    }
    if (file !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
    // libsql's build keeps SQLite's 2 MB default page cache; a keyword recall at 10,000 memories reads
    // more than that (FTS5 doclists, docsize, the rows) and went to the OS for it: 1.05 ms → 0.45 ms per
    // BM25 query with a larger cache (docs/BENCHMARKS.md, "Per call"). A ceiling, filled only as pages are read.
    db.exec(`PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = ${LOCAL_CACHE_KIB}`);
  } catch (e) {
    db.close();
    throw mapSqliteError(e, file);
  }
  return conn;
}

// -------------------------------------------------------------------------------------- replica

/**
 * An embedded replica: reads from the local file (the native driver opened with a syncUrl), writes
 * sent to the primary over the remote client (one round trip per batch, atomic on the server),
 * then a pull so the writer reads its own writes. Interactive transactions delegated through the
 * native replica hold the primary's write lock across round trips and, in one process, deadlock
 * (measured: "Transaction timed-out" with 4 replicas writing), so they are not used.
 * (`libsql/promise` 0.5.29 passes its sync options to the native call in the wrong order, so the
 * synchronous API is used, as @libsql/client does; libsql replicas also ignore new bind arguments
 * on a re-used statement, so statements are prepared per call.)
 */
class ReplicaConn implements Conn {
  readonly mode: StoreMode = 'replica';
  constructor(
    private readonly local: LocalConn,
    private readonly remote: RemoteConn,
    private readonly rdb: { sync(): unknown },
    private readonly where: string,
  ) {}

  private static isRead(sql: string): boolean {
    // WITH: keyword recall is one CTE statement; it must read the replica's file, not the primary.
    return /^\s*(SELECT|PRAGMA|EXPLAIN|WITH)\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql);
  }
  /**
   * The write is committed on the primary once `p` resolves: a failing pull afterwards must not fail
   * the call (a retry would write again). Transient pull errors are retried; the next sync catches up.
   */
  private async pulled<T>(p: Promise<T>): Promise<T> {
    const out = await p;
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        await this.sync();
        break;
      } catch (e) {
        if (!(e instanceof ConnectionError) && !isTransient(e)) break;
        await sleep(100 * 2 ** attempt);
      }
    }
    return out;
  }
  query(sql: string, args?: SqlArg[]): Promise<Row[]> {
    return ReplicaConn.isRead(sql) ? this.local.query(sql, args) : this.pulled(this.remote.query(sql, args));
  }
  run(sql: string, args?: SqlArg[]): Promise<number> {
    return ReplicaConn.isRead(sql) ? this.local.run(sql, args) : this.pulled(this.remote.run(sql, args));
  }
  batch(stmts: Stmt[]): Promise<Row[][]> {
    return this.pulled(this.remote.batch(stmts));
  }
  batchRun(stmts: Stmt[]): Promise<number[]> {
    return this.pulled(this.remote.batchRun(stmts));
  }
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pulled(this.remote.transaction(fn));
  }
  script(sql: string): Promise<void> {
    return this.pulled(this.remote.script(sql));
  }
  sync(): Promise<void> {
    return promised(() => {
      try {
        this.rdb.sync();
      } catch (e) {
        throw mapRemoteError(e, this.where);
      }
    });
  }
  dataVersion(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  async close(): Promise<void> {
    await this.remote.close();
    await this.local.close();
  }
}

async function openReplica(cfg: Extract<StoreConfig, { mode: 'replica' }>): Promise<ReplicaConn> {
  const abs = path.resolve(cfg.path);
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
    throw new InvalidInputError(`replica path ${abs} is a directory; give a file path`);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const where = `replica ${abs} of ${redactUrl(cfg.syncUrl)}`;
  // The writer side first: it also reports a refused token clearly (the native replica only times out).
  const remote = await openRemote(
    { mode: 'remote', url: cfg.syncUrl, authToken: cfg.authToken, busyTimeoutMs: cfg.busyTimeoutMs },
    cfg.retries ?? 4,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('libsql') as new (p: string, o?: object) => SyncDb & { sync(): unknown };
  let db: SyncDb & { sync(): unknown };
  try {
    db = new Database(abs, { syncUrl: toHttpUrl(cfg.syncUrl), authToken: cfg.authToken ?? '', readYourWrites: true });
  } catch (e) {
    await remote.close();
    throw mapRemoteError(mapSqliteError(e, where), where, cfg.authToken);
  }
  try {
    db.exec(`PRAGMA cache_size = ${LOCAL_CACHE_KIB}`); // reads are local: the same page cache as a local file
  } catch {
    /* a replica that refuses it keeps SQLite's default */
  }
  const local = new LocalConn(db, where, cfg.busyTimeoutMs ?? 30_000);
  local.noStatementCache();
  const conn = new ReplicaConn(local, remote, db, where);
  try {
    await conn.sync();
  } catch (e) {
    await conn.close();
    throw e;
  }
  return conn;
}

/** Replicas sync over HTTP(S); libsql:// means https:// (http:// on loopback). */
function toHttpUrl(u: string): string {
  const url = new URL(u);
  if (url.protocol === 'libsql:')
    url.protocol = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? 'http:' : 'https:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol === 'ws:') url.protocol = 'http:';
  return url.toString().replace(/\/$/, '');
}

// --------------------------------------------------------------------------------------- remote

function mapRemoteError(e: unknown, where: string, token?: string): unknown {
  if (e instanceof StoreError) return e;
  const raw = String((e as Error)?.message ?? e);
  const cause = String(((e as { cause?: Error })?.cause as Error)?.message ?? '');
  const msg = redactSecrets(`${raw}${cause && !raw.includes(cause) ? ` (${cause})` : ''}`, [token]);
  const code = String((e as { code?: string })?.code ?? '');
  if (
    /\b401\b|\b403\b|unauthori[sz]ed|forbidden|authentication|invalid token|jwt/i.test(msg) ||
    (code === 'SERVER_ERROR' && /40[13]/.test(msg))
  ) {
    return new AuthError(
      `${where} refused the auth token (${msg}); set a valid token with "Mnemos: Set Auth Token" or TURSO_AUTH_TOKEN`,
      e,
    );
  }
  if (isTransient(e))
    return new ConnectionError(`cannot reach ${where} (${msg}); check the URL and that the server is running`, e);
  return e;
}

function isTransient(e: unknown): boolean {
  if (
    /Replication\(|PrimaryHandshake|sync error|snapshot not found|request timed out/i.test(
      String((e as Error)?.message ?? ''),
    )
  )
    return true;
  if (e instanceof StoreError) return e.code === 'connection';
  const text = `${(e as Error)?.message ?? ''} ${((e as { cause?: Error })?.cause as Error)?.message ?? ''} ${(e as { code?: string })?.code ?? ''} ${(e as { cause?: { code?: string } })?.cause?.code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|fetch failed|socket hang up|network|stream.*(closed|expired)|HRANA_WEBSOCKET|WEBSOCKET|TRANSACTION_TIMEOUT|\b(404|502|503|504)\b|other side closed|sync error|connection/i.test(
    text,
  );
}

/** Rejects with a transient ConnectionError when `p` takes longer than `ms` (the request itself is abandoned). */
function withTimeout<T>(p: Promise<T>, ms: number, where: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ConnectionError(
            `${where}: request timed out after ${Math.round(ms / 1000)} s; the server may be overloaded or stuck`,
          ),
        ),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

class RemoteConn implements Conn {
  readonly mode = 'remote' as const;
  constructor(
    private client: Client,
    private readonly where: string,
    private readonly retries: number,
    private readonly token: string | undefined,
    private readonly busyTimeoutMs = 30_000,
    /** A request the server never answers (sqld was seen to stop accepting writes) fails instead of hanging. */
    private readonly requestTimeoutMs = 60_000,
  ) {}

  /**
   * Transient network failures are retried `retries` times; a server busy with other writers
   * (SQLITE_BUSY from sqld) is retried with jittered backoff for up to the busy timeout.
   * Safe because every Mnemos write is idempotent by id and batches are atomic.
   */
  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    const busyDeadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0, netAttempt = 0; ; attempt++) {
      try {
        return await withTimeout(fn(), this.requestTimeoutMs, this.where);
      } catch (e) {
        if (isBusyError(e) && Date.now() < busyDeadline) {
          await sleep(Math.min(250, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
          continue;
        }
        const mapped = mapRemoteError(e, this.where, this.token);
        if (!(mapped instanceof ConnectionError) || netAttempt++ >= this.retries) throw mapped;
        await sleep(Math.min(2000, 50 * 2 ** netAttempt) * (0.5 + Math.random()));
      }
    }
  }
  private writes: Promise<unknown> = Promise.resolve();
  /**
   * One write in flight per client: sqld serialises writes anyway, and many concurrent write
   * batches from one client were seen to stall sqld 0.24 for minutes (docs/MCP.md).
   */
  private serialWrite<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private static rows(rs: { rows: ArrayLike<unknown>; columns: string[] }): Row[] {
    const out: Row[] = [];
    for (let i = 0; i < rs.rows.length; i++) {
      const r = rs.rows[i] as ArrayLike<unknown>;
      const o: Row = {};
      rs.columns.forEach((c, j) => (o[c] = r[j]));
      out.push(o);
    }
    return out;
  }
  private static stmt(sql: string, args?: SqlArg[]): InStatement {
    return { sql, args: normaliseArgs(args) as never };
  }
  query(sql: string, args?: SqlArg[]): Promise<Row[]> {
    return this.retry(async () => RemoteConn.rows(await this.client.execute(RemoteConn.stmt(sql, args))));
  }
  run(sql: string, args?: SqlArg[]): Promise<number> {
    return this.serialWrite(() =>
      this.retry(async () => (await this.client.execute(RemoteConn.stmt(sql, args))).rowsAffected),
    );
  }
  private batchResults<T>(stmts: Stmt[], each: (r: ResultSet) => T): Promise<T[]> {
    return this.serialWrite(() =>
      this.retry(async () =>
        (
          await this.client.batch(
            stmts.map((s) => RemoteConn.stmt(s.sql, s.args)),
            'write',
          )
        ).map(each),
      ),
    );
  }
  batch(stmts: Stmt[]): Promise<Row[][]> {
    return this.batchResults(stmts, (r) => RemoteConn.rows(r));
  }
  batchRun(stmts: Stmt[]): Promise<number[]> {
    return this.batchResults(stmts, (r) => r.rowsAffected);
  }
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serialWrite(() => this.transactionNow(fn));
  }
  private transactionNow<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.retry(async () => {
      const t: Transaction = await this.client.transaction('write');
      try {
        const out = await fn({
          query: async (sql, args) => RemoteConn.rows(await t.execute(RemoteConn.stmt(sql, args))),
          run: async (sql, args) => (await t.execute(RemoteConn.stmt(sql, args))).rowsAffected,
        });
        await t.commit();
        return out;
      } catch (e) {
        try {
          await t.rollback();
        } catch {
          /* connection may be gone */
        }
        throw e;
      } finally {
        t.close();
      }
    });
  }
  script(sql: string): Promise<void> {
    return this.retry(() => this.client.executeMultiple(sql));
  }
  async sync(): Promise<void> {}
  dataVersion(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  close(): Promise<void> {
    return promised(() => this.client.close());
  }
}

async function openRemote(
  cfg: Extract<StoreConfig, { mode: 'remote' }> & { busyTimeoutMs?: number },
  retries: number,
): Promise<RemoteConn> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createClient } = require('@libsql/client') as typeof import('@libsql/client');
  const where = `libSQL server ${redactUrl(cfg.url)}`;
  let client: Client;
  try {
    client = createClient({ url: cfg.url.trim(), authToken: cfg.authToken || undefined, intMode: 'number' });
  } catch (e) {
    throw new InvalidInputError(`cannot use ${where}: ${redactSecrets(String((e as Error).message), [cfg.authToken])}`);
  }
  const conn = new RemoteConn(client, where, retries, cfg.authToken, cfg.busyTimeoutMs ?? 30_000);
  try {
    await conn.query('SELECT 1');
  } catch (e) {
    client.close();
    throw e;
  }
  return conn;
}

export async function openConn(config: StoreConfig): Promise<Conn> {
  const cfg = validateConfig(config);
  switch (cfg.mode) {
    case 'local':
      return openLocal(cfg.path, cfg.busyTimeoutMs ?? 30_000);
    case 'replica':
      return openReplica(cfg);
    case 'remote':
      return openRemote(cfg, cfg.retries ?? 4);
  }
}
