/**
 * Keeps ICM's keyword index (`memories_fts`) in few segments, in idle time, on a local file.
 *
 * FTS5 writes a new segment for every committed transaction and merges them only four at a time, so
 * an index written one memory per call (an agent's session) holds 8–11 segments at 10,000 memories,
 * and every term of every query is looked up in each. Merged into one, the same recalls ran 1.33×
 * faster in process (p50 0.60 → 0.45 ms at 10,000, interleaved) and the MCP search 1.15–1.26× the
 * peer's instead of 0.92–1.09× (docs/BENCHMARKS.md, "The keyword index merged in idle time").
 *
 * `optimize` does the merge in one statement, which at 10,000 memories holds the connection (and the
 * thread, libsql being synchronous) for ≈ 44 ms, and for seconds at a million. So the merge runs as
 * FTS5's incremental `merge` with a negative page count (every segment into one, `STEP_PAGES` pages
 * of output at a time), one short write transaction per step, a turn of the event loop between steps
 * so that requests are answered in between, and only after `IDLE_MS` without a write by this store
 * (a write stops it; the next idle period resumes it where it was).
 *
 * Merging everything rewrites the whole index, so it starts only when the segments beside the largest
 * hold at least `TIER_RATIO` of its pages (size-tiered: each full rewrite pays for ≥ 10 % of growth),
 * or when there are more than `MAX_SEGMENTS`. The segment sizes come from FTS5's structure record.
 *
 * The merge changes no memory and no ranking: the same rows, the same BM25 (ICM reads the file as
 * before; `integrity-check` passes). Remote stores and replicas are left alone (the primary's index is
 * the server's to keep; a step per round trip would cost the team's write lock).
 */
import type { Conn } from './conn';
import { StoreError } from './errors';
import { blobBytes } from './values';

/** Quiet time after this store's last write before a merge starts. */
export const IDLE_MS = 250;
/** Output pages per merge step: a few milliseconds of the connection each (measured 0.3–3 ms at 10,000). */
export const STEP_PAGES = 16;
/** Merge when the segments beside the largest hold this fraction of its pages… */
export const TIER_RATIO = 0.1;
/** …or when there are more segments than this. */
export const MAX_SEGMENTS = 8;
/** Steps per idle period at most (a runaway guard: a million memories' index is ≈ 45,000 pages). */
const MAX_STEPS = 20_000;
/** A busy step is tried again this much later, this many times in a row at most. */
const BUSY_WAIT_MS = 25;
const MAX_BUSY = 40;

/** FTS5's structure record (`<table>_data` row 10): the segments' page ranges by level. */
export interface FtsStructure {
  /** Pages of each segment, level by level. */
  segments: number[];
  /** Segments that are inputs of a merge in progress (an incremental merge left them there). */
  merging: number;
}

const STRUCTURE_ROWID = 10;
const V2_MARKER = [0xff, 0x00, 0x00, 0x01];

/**
 * Decodes FTS5's structure record (fts5_index.c, `fts5StructureDecode`): a 4-byte cookie, then
 * varints: levels, segments, the write counter, and per level its merge count, its segment count and
 * each segment's id and first and last page. A record in the V2 layout (contentless-delete tables,
 * never ICM's) or one that does not add up returns undefined: nothing is merged then.
 */
export function decodeFtsStructure(block: Uint8Array): FtsStructure | undefined {
  let i = 4;
  if (block.length < 6 || V2_MARKER.every((b, k) => block[4 + k] === b)) return undefined;
  const varint = (): number => {
    // SQLite's varint: 7 bits a byte, most significant first; the ninth byte carries 8 bits.
    let v = 0;
    for (let k = 0; k < 9; k++) {
      if (i >= block.length) throw new RangeError('truncated');
      const b = block[i++];
      if (k === 8) return v * 256 + b;
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) return v;
    }
    return v;
  };
  try {
    const nLevel = varint();
    const nSegment = varint();
    varint(); // write counter
    const segments: number[] = [];
    let merging = 0;
    for (let l = 0; l < nLevel; l++) {
      const nMerge = varint();
      const nSeg = varint();
      if (nMerge > nSeg) return undefined;
      merging += nMerge;
      for (let s = 0; s < nSeg; s++) {
        varint(); // segment id
        const first = varint();
        const last = varint();
        segments.push(Math.max(0, last - first + 1));
      }
    }
    return segments.length === nSegment && i === block.length ? { segments, merging } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an index of these segments is worth merging into one (see the module comment). */
export function worthMerging(s: FtsStructure): boolean {
  if (s.merging > 0) return true; // finish what was started
  if (s.segments.length < 2) return false;
  if (s.segments.length > MAX_SEGMENTS) return true;
  const largest = Math.max(...s.segments);
  const rest = s.segments.reduce((a, b) => a + b, 0) - largest;
  return rest >= TIER_RATIO * largest;
}

export class FtsCompactor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** When this store last wrote: a merge started before it stops at its next step. */
  private lastWrite = 0;
  private automatic = true;
  /** Steps taken and merges finished, for tests and benchmarks. */
  readonly stats = { steps: 0, merges: 0 };

  constructor(
    private readonly conn: Conn,
    private readonly run: (p: Promise<unknown>) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** This store committed a write: any merge in progress waits for the next quiet period. */
  noteWrite(): void {
    this.lastWrite = performance.now();
    // A timer already armed checks the time when it fires: no timer churn on every write.
    if (!this.timer) this.schedule();
  }

  /**
   * A check (and merge, if worth it) after `IDLE_MS` of quiet following this store's writes. Never
   * for a store that only reads: a file this process does not write is not written (a damaged one
   * stays as it was; each writer merges what it wrote).
   */
  private schedule(delay = IDLE_MS): void {
    if (this.stopped || !this.automatic || !this.conn.tryRun) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const quiet = performance.now() - this.lastWrite;
      if (quiet < IDLE_MS) this.schedule(IDLE_MS - quiet);
      else this.run(this.merge());
    }, delay);
    this.timer.unref();
  }

  /** The index's structure now, or undefined when it cannot be read (no index yet, another format). */
  async structure(): Promise<FtsStructure | undefined> {
    const rows = await this.conn
      .query(`SELECT block FROM memories_fts_data WHERE id = ?`, [STRUCTURE_ROWID])
      .catch(() => []);
    const block = blobBytes(rows[0]?.block);
    return block && decodeFtsStructure(block);
  }

  /** Merges step by step while nothing else writes; resolves when merged, interrupted or stopped. */
  async merge(): Promise<void> {
    const tryRun = this.conn.tryRun?.bind(this.conn);
    if (!tryRun) return;
    const started = performance.now();
    let s = await this.structure();
    if (!s || !worthMerging(s)) return;
    let busy = 0;
    for (let step = 0; step < MAX_STEPS; step++) {
      if (this.stopped || this.lastWrite > started) return;
      let done: number | undefined;
      try {
        done = tryRun(`INSERT INTO memories_fts(memories_fts, rank) VALUES('merge', ?)`, [-STEP_PAGES]);
      } catch (e) {
        // A store that refuses writes (a read-only file, query_only): nothing to keep, ever. Any
        // other failure (a damaged file) stops it too: maintenance never writes on after an error.
        this.stop();
        if (!(e instanceof StoreError && e.code === 'read_only')) this.onError(e);
        return;
      }
      if (done === undefined) {
        // Another writer holds the lock, or this connection has work queued: a little later.
        if (++busy > MAX_BUSY) return;
        await new Promise<void>((r) => setTimeout(r, BUSY_WAIT_MS).unref());
        continue;
      }
      busy = 0;
      this.stats.steps++;
      s = await this.structure();
      if (!s || (s.segments.length <= 1 && s.merging === 0)) {
        this.stats.merges++;
        return;
      }
      await new Promise<void>((r) => setImmediate(r)); // requests waiting are answered between steps
    }
  }

  /** Merges only when `merge()` is called (tests and benchmarks that drive it). */
  manual(): void {
    this.automatic = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** True once stopped: the store closed, or it refuses writes. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** No merge starts or continues after this (the store is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
