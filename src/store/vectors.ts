/**
 * Mnemos's own vectors, beside ICM's (never mixed): one row per (memory, model) in `mnemos_vectors`,
 * little-endian f32 blobs that plain SQLite stores as BLOBs. Search runs in process over a
 * contiguous Float32Array kept fresh incrementally (AUTOINCREMENT `seq` only grows), the same in
 * all three modes: measured faster than sqlite-vec brute force or libSQL's vector_distance_cos scan
 * at 10k–100k rows, with no DiskANN insert cost (docs/ARCHITECTURE.md, docs/BENCHMARKS.md).
 */
import type { Conn, Stmt } from './conn';
import { VectorArena } from './kernel';
import { blobBytes } from './values';

export const VECTOR_DDL = [
  `CREATE TABLE IF NOT EXISTS mnemos_vectors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    memory_id TEXT NOT NULL,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vec BLOB NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (memory_id, model)
  )`,
  `CREATE INDEX IF NOT EXISTS idx_mnemos_vectors_model ON mnemos_vectors(model, seq)`,
  // Vectors die with their memory and go stale when its embedded text changes, whoever writes (ICM too).
  `CREATE TRIGGER IF NOT EXISTS mnemos_vectors_ad AFTER DELETE ON memories BEGIN
    DELETE FROM mnemos_vectors WHERE memory_id = old.id;
  END`,
  `CREATE TRIGGER IF NOT EXISTS mnemos_vectors_au AFTER UPDATE OF topic, summary ON memories BEGIN
    DELETE FROM mnemos_vectors WHERE memory_id = new.id;
  END`,
];

/** ICM embeds `"{topic} {summary}"`; so does Mnemos, so vectors mean the same thing in both. */
export function embedText(topic: string, summary: string): string {
  return `${topic} ${summary}`;
}

export function vecToBlob(v: Float32Array): Uint8Array {
  // Copy so the blob is little-endian f32 whatever buffer the view sits on.
  const out = new Float32Array(v.length);
  out.set(v);
  return new Uint8Array(out.buffer);
}

export function blobToVec(b: unknown): Float32Array | null {
  const bytes = blobBytes(b);
  if (!bytes || bytes.byteLength % 4) return null;
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n);
  if (n > 0 && Math.abs(n - 1) > 1e-6) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export function upsertVectorStmt(memoryId: string, model: string, v: Float32Array, now: string): Stmt {
  return {
    // REPLACE gives a re-embedded memory a new seq, so incremental index refreshes see it.
    sql: `INSERT OR REPLACE INTO mnemos_vectors(memory_id, model, dim, vec, created_at) VALUES (?, ?, ?, ?, ?)`,
    args: [memoryId, model, v.length, vecToBlob(normalise(v)), now],
  };
}

export interface VectorHit {
  id: string;
  similarity: number;
}

/**
 * Brute-force cosine over unit vectors packed row-major in a VectorArena (WebAssembly SIMD scan).
 * Deleted memories are tombstoned and compacted on the next full reload.
 */
export class VectorIndex {
  private arena: VectorArena | undefined;
  private ids: string[] = [];
  private slot = new Map<string, number>();
  private rows = 0;
  private lastSeq = 0;
  private tombstones = 0;
  dim = 0;

  constructor(readonly model: string) {}

  /** Rows the arena has room for (tests). */
  get capacity(): number {
    return this.arena?.capacity ?? 0;
  }

  get size(): number {
    return this.rows - this.tombstones;
  }

  /** Whether searches run on the WebAssembly SIMD kernel. */
  get simd(): boolean {
    return this.arena?.simd ?? false;
  }

  /** `reserve`: rows to make room for when this makes the arena (a load from empty, see refresh). */
  private put(id: string, v: Float32Array, reserve = 0): void {
    if (!this.dim) {
      this.dim = v.length;
      this.arena = new VectorArena(this.dim);
      if (reserve) this.arena.ensure(reserve);
    }
    if (v.length !== this.dim) return; // another dimension under the same model name: never mixed
    let at = this.slot.get(id);
    if (at === undefined) {
      this.arena!.ensure(this.rows + 1);
      at = this.rows++;
      this.ids[at] = id;
      this.slot.set(id, at);
    }
    this.arena!.rows().set(v, at * this.dim);
  }

  remove(id: string): void {
    const at = this.slot.get(id);
    if (at === undefined) return;
    this.slot.delete(id);
    this.ids[at] = '';
    this.arena!.rows().fill(0, at * this.dim, (at + 1) * this.dim);
    this.tombstones++;
  }

  /**
   * Pulls vectors written since the last refresh. Reloads fully when asked, when many were removed,
   * or when another writer deleted vectors (the table holds fewer than the index).
   */
  async refresh(conn: Conn, opts: { full?: boolean } = {}): Promise<void> {
    let full = opts.full || (this.tombstones > 1000 && this.tombstones > this.rows / 4);
    if (!full && this.size > 0) {
      const [c] = await conn.query(`SELECT COUNT(*) AS n FROM mnemos_vectors WHERE model = ? AND seq <= ?`, [
        this.model,
        this.lastSeq,
      ]);
      full = Number(c?.n ?? 0) < this.size;
    }
    if (full) {
      this.arena = undefined;
      this.dim = 0;
      this.ids = [];
      this.slot.clear();
      this.rows = 0;
      this.tombstones = 0;
      this.lastSeq = 0;
    }
    // Loading from empty: size the arena for what is there. Grown 1.5× at a time instead, a million
    // 384-d vectors ended in room for 1.44 million (2.3 GB of WebAssembly memory, which never shrinks,
    // for 1.54 GB of vectors: bench/vectors-million.ts).
    let reserve = 0;
    if (this.rows === 0) {
      const [c] = await conn.query(`SELECT COUNT(*) AS n FROM mnemos_vectors WHERE model = ? AND seq > ?`, [
        this.model,
        this.lastSeq,
      ]);
      reserve = Number(c?.n ?? 0);
    }
    for (;;) {
      const rows = await conn.query(
        `SELECT seq, memory_id, vec FROM mnemos_vectors WHERE model = ? AND seq > ? ORDER BY seq LIMIT 5000`,
        [this.model, this.lastSeq],
      );
      for (const r of rows) {
        const v = blobToVec(r.vec);
        if (v) this.put(String(r.memory_id), v, reserve);
        this.lastSeq = Math.max(this.lastSeq, Number(r.seq));
      }
      if (rows.length < 5000) break;
    }
  }

  /** Top-k by cosine similarity; `allow` restricts to candidate ids (filters applied before the limit). */
  search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[] {
    if (!this.rows || !this.arena || query.length !== this.dim || k <= 0) return [];
    const scores = this.arena.scan(normalise(Float32Array.from(query)), this.rows);
    // Keep a small sorted top-k (k is tens), cheaper than sorting all rows.
    const topS: number[] = [];
    const topI: number[] = [];
    for (let r = 0; r < this.rows; r++) {
      const s = scores[r];
      if (topS.length === k && s <= topS[k - 1]) continue;
      const id = this.ids[r];
      if (!id || (allow && !allow(id))) continue;
      let p = topS.length;
      while (p > 0 && topS[p - 1] < s) p--;
      topS.splice(p, 0, s);
      topI.splice(p, 0, r);
      if (topS.length > k) {
        topS.pop();
        topI.pop();
      }
    }
    return topI.map((r, i) => ({ id: this.ids[r], similarity: topS[i] }));
  }

  /** Cosine of the query with each given memory that has a vector. */
  similarities(query: Float32Array, ids: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (query.length !== this.dim) return out;
    const q = normalise(Float32Array.from(query));
    const data = this.arena!.rows();
    for (const id of ids) {
      const at = this.slot.get(id);
      if (at === undefined) continue;
      let s = 0;
      for (let j = 0, o = at * this.dim; j < this.dim; j++) s += data[o + j] * q[j];
      out.set(id, s);
    }
    return out;
  }

  has(id: string): boolean {
    return this.slot.has(id);
  }
}
