/**
 * MnemosStore: ICM's memory operations over any libSQL connection (local file, sqld/Turso, replica).
 * No `vscode` import: the CLI, the MCP server and the extension all use this class.
 */
import { type Conn, openConn, type Row, type SqlArg, type Stmt } from './conn';
import { type StoreConfig, type StoreMode, describeConfig } from './config';
import { ConflictError, InvalidInputError, NotFoundError, StoreError } from './errors';
import { buildFtsQuery } from './fts';
import { keywordStatement } from './keyword';
import {
  type Importance,
  IMPORTANCE_RANK,
  type Memory,
  type MemoryPatch,
  type NewMemory,
  newId,
  nowRfc3339,
  parseImportance,
  summaryHash,
  unionKeywords,
  validateId,
  validateKeywords,
  validateNewMemory,
  validateRawExcerpt,
  validateSummary,
  validateTopic,
} from './model';
import { INSERT_MEMORY, insertArgs, M_COLUMNS, MEMORY_COLUMNS, rowToMemory } from './rows';
import { migrate, type SchemaInfo } from './schema';
import { type Fusion, fuse } from './hybrid';
import { embedText, upsertVectorStmt, vecToBlob, VectorIndex } from './vectors';

export interface StoreResult {
  id: string;
  /** created: a new row; merged: same topic+content (or a near duplicate) existed and was updated; unchanged: it existed already as is. */
  action: 'created' | 'merged' | 'unchanged';
  /** Cosine similarity, when a near duplicate was merged. */
  similarity?: number;
}

export interface ListOptions {
  topic?: string;
  /** Match `topic` literally even when it ends in `*` (a UI listing a topic it was given). */
  exactTopic?: boolean;
  importance?: Importance | Importance[];
  limit?: number;
  cursor?: string | null;
  order?: 'weight' | 'recent';
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface TopicCount {
  topic: string;
  count: number;
}
export interface StoreStats {
  totalMemories: number;
  totalTopics: number;
  avgWeight: number;
  oldestMemory: string | null;
  newestMemory: string | null;
}
export interface TopicHealth {
  topic: string;
  entryCount: number;
  avgWeight: number;
  avgAccessCount: number;
  oldest: string | null;
  newest: string | null;
  lastAccessed: string | null;
  needsConsolidation: boolean;
  staleCount: number;
  status: string;
}
export interface RecallOptions {
  topic?: string;
  /** Match `topic` literally even when it ends in `*`. */
  exactTopic?: boolean;
  importance?: Importance | Importance[];
  limit?: number;
  /** Treat the last term as a prefix (search as you type). */
  prefix?: boolean;
  /** Record the access (access_count + 1, last_accessed = now). Default true. */
  bumpAccess?: boolean;
  /**
   * Look for memories holding only some of the terms while fewer than this many hold every term.
   * Default 1: only when none does (ICM's every-term semantics, with a fallback instead of nothing).
   */
  fillTo?: number;
}
export interface ScoredMemory {
  memory: Memory;
  /** Higher is better. Keyword recall: −bm25. Hybrid: the fused score. */
  score: number;
  /** Every query term matched (as opposed to only some, or none for a purely semantic hit). */
  fullMatch: boolean;
  /** Cosine similarity to the query, when the hit came with a vector. */
  similarity?: number;
}
export interface RecallResult {
  items: ScoredMemory[];
  mode: 'keyword' | 'hybrid';
  /** Why recall is keyword-only, when it is (no model yet, embeddings disabled…). */
  note?: string;
}

/** What the store needs from an embedder (src/embed's Embedder satisfies it). */
export interface EmbeddingProvider {
  readonly modelId: string;
  readonly state: 'idle' | 'loading' | 'ready' | 'failed' | 'disposed';
  embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]>;
  info(): Promise<{ modelId: string; dim: number }>;
}

export interface SemanticOptions {
  /** How keyword and vector candidates are combined (docs/RECALL-EVAL.md has the measurements). */
  fusion?: Fusion;
  /** Cosine at or above which a new memory in the same topic updates the existing one; false = off. */
  nearDuplicate?: number | false;
  /** Wait for the model to load instead of answering keyword-only while it loads (CLI: yes; editor, MCP: no). */
  waitForModel?: boolean;
  /**
   * Where cosine similarity is computed. memory: an in-process index (local file, replica: reads are
   * local); sql: libSQL's vector_distance_cos in the database (remote: one round trip, nothing to
   * download). auto picks per mode (docs/ARCHITECTURE.md has the measurements).
   */
  vectorEngine?: 'auto' | 'memory' | 'sql';
  /** auto on a remote: load the in-process index in the background (long-lived processes; not a one-shot CLI). */
  backgroundIndex?: boolean;
}

export interface EmbedProgress {
  done: number;
  total: number;
  errors: number;
}

export interface ExportFile {
  format: 'mnemos-export';
  version: 1;
  exportedAt: string;
  memories: Memory[];
}

export const DEFAULT_DECAY_FACTOR = 0.95;
const MAX_LIMIT = 1000;
const DECAY_CHECK_INTERVAL_MS = 60 * 60 * 1000;
const REMOTE_INDEX_MAX_VECTORS = 20_000;

type PreparedMemory = { memory: Memory; hash: string };

function clampLimit(v: unknown, dflt: number, max = MAX_LIMIT): number {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1) throw new InvalidInputError(`limit must be a positive number (got ${JSON.stringify(v)})`);
  return Math.min(Math.floor(n), max);
}

function importanceList(v: Importance | Importance[] | undefined): Importance[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).map((x) => parseImportance(x));
  return list.length ? list : undefined;
}

/** `topic` matches exactly; `prefix*` matches every topic starting with prefix (ICM's get_by_topic_prefix). */
function topicFilter(topic: string | undefined, col = 'topic', exact = false): { sql: string; args: SqlArg[] } | undefined {
  if (topic === undefined || topic === null || topic === '') return undefined;
  if (typeof topic !== 'string') throw new InvalidInputError('topic filter must be a string');
  if (topic.endsWith('*') && !exact) {
    const prefix = topic.slice(0, -1).replace(/[\\%_]/g, (c) => '\\' + c);
    return { sql: `${col} LIKE ? ESCAPE '\\'`, args: [prefix + '%'] };
  }
  return { sql: `${col} = ?`, args: [topic.trim()] };
}

function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
function decodeCursor(c: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2) return v;
  } catch {
    /* fall through */
  }
  throw new InvalidInputError('invalid page cursor');
}

function healthStatus(needs: boolean, stale: number): string {
  if (needs && stale > 0) return '!! NEEDS ATTENTION';
  if (needs) return '!  consolidate';
  if (stale > 0) return '-  has stale entries';
  return 'ok healthy';
}

export class MnemosStore {
  private pendingBumps = new Set<string>();
  private bumpTimer: NodeJS.Timeout | undefined;
  private bumpFlight: Promise<void> = Promise.resolve();
  private lastDecayCheck = 0;
  private localWrites = 0;
  private closed = false;
  private syncTimer: NodeJS.Timeout | undefined;
  /** Errors from background work (access bumps, periodic sync); front ends may log them. */
  onBackgroundError: (e: unknown) => void = () => undefined;

  private constructor(
    readonly conn: Conn,
    readonly config: StoreConfig,
    readonly schema: SchemaInfo,
  ) {}

  static async open(config: StoreConfig): Promise<MnemosStore> {
    const conn = await openConn(config);
    try {
      const schema = await migrate(conn);
      const store = new MnemosStore(conn, config, schema);
      if (config.mode === 'replica' && config.syncIntervalSec && config.syncIntervalSec > 0) store.startSyncTimer(config.syncIntervalSec);
      return store;
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw e;
    }
  }

  get mode(): StoreMode {
    return this.conn.mode;
  }
  describe(): string {
    return describeConfig(this.config);
  }

  // ------------------------------------------------------------------------------------- writes

  private prepare(input: NewMemory, now: string): PreparedMemory {
    const { id, topic, summary, importance, keywords, rawExcerpt, source } = validateNewMemory(input);
    return {
      hash: summaryHash(topic, summary),
      memory: {
        id,
        createdAt: now,
        updatedAt: now,
        lastAccessed: now,
        accessCount: 0,
        weight: 1,
        topic,
        summary,
        rawExcerpt,
        keywords,
        importance,
        sourceType: 'manual',
        sourceData: source,
        relatedIds: [],
      },
    };
  }

  /** Stores one memory with ICM's hash dedup: same topic + normalised content merges into the existing row. */
  async store(input: NewMemory): Promise<StoreResult> {
    if (this.embedder?.state === 'ready' && this.semantic.nearDuplicate !== false && input && typeof input === 'object') {
      const { memory } = this.prepare(input, nowRfc3339());
      const near = await this.nearDuplicate(memory).catch((e) => {
        this.onBackgroundError(e);
        return undefined;
      });
      if (near) {
        const cur = await this.get(near.id);
        if (cur && summaryHash(cur.topic, cur.summary) !== summaryHash(memory.topic, memory.summary)) {
          const importance = IMPORTANCE_RANK[memory.importance] > IMPORTANCE_RANK[cur.importance] ? memory.importance : cur.importance;
          await this.update(near.id, {
            summary: memory.summary,
            importance,
            keywords: unionKeywords(cur.keywords, memory.keywords),
            rawExcerpt: memory.rawExcerpt ?? cur.rawExcerpt,
          });
          return { id: near.id, action: 'merged', similarity: near.similarity };
        }
      }
    }
    return (await this.storeMany([input]))[0];
  }

  /**
   * Stores many memories atomically in one round trip (plus one for merges). Everything is validated
   * before anything is written. Idempotent by id: retrying the same batch never duplicates.
   */
  async storeMany(inputs: NewMemory[]): Promise<StoreResult[]> {
    if (!Array.isArray(inputs)) throw new InvalidInputError('expected a list of memories');
    if (inputs.length === 0) return [];
    const now = nowRfc3339();
    const prepared = inputs.map((i) => this.prepare(i, now));
    // The count of changed rows tells fresh rows apart in the same round trip; only the rest (a dedup
    // hit or a retried id, rare) need the read-back and merge. Measured in bulk: a SELECT back per
    // row cost ≈ 17 µs/row, RETURNING ≈ 7 µs/row, the count nothing (docs/BENCHMARKS.md, Writes).
    const changed = await this.conn.batchRun(prepared.map(({ memory, hash }) => ({ sql: INSERT_MEMORY, args: insertArgs(memory, hash) })));
    const pending: (PreparedMemory & { i: number })[] = [];
    changed.forEach((c, i) => c !== 1 && pending.push({ ...prepared[i], i }));
    const existingRows = pending.length
      ? await this.conn.batch(
          pending.map(({ memory, hash }) => ({
            sql: `SELECT ${MEMORY_COLUMNS}, summary_hash FROM memories WHERE id = ? OR (LOWER(topic) = LOWER(?) AND summary_hash = ?) ORDER BY id = ? DESC LIMIT 1`,
            args: [memory.id, memory.topic, hash, memory.id],
          })),
        )
      : [];
    const found = new Map(pending.map((p, j) => [p.i, existingRows[j][0]]));
    const out: StoreResult[] = [];
    const merges: Stmt[] = [];
    prepared.forEach(({ memory }, i) => {
      if (!found.has(i)) {
        out.push({ id: memory.id, action: 'created' });
        return;
      }
      const row = found.get(i);
      if (!row) throw new ConflictError(`memory ${memory.id} could not be stored (a row with that id exists in another form)`);
      if (String(row.id) === memory.id) {
        out.push({ id: memory.id, action: 'created' });
        return;
      }
      const existing = rowToMemory(row);
      const importance =
        IMPORTANCE_RANK[memory.importance] > IMPORTANCE_RANK[existing.importance] ? memory.importance : existing.importance;
      const keywords = unionKeywords(existing.keywords, memory.keywords);
      const rawExcerpt = memory.rawExcerpt ?? existing.rawExcerpt;
      const changed =
        importance !== existing.importance || keywords.length !== existing.keywords.length || rawExcerpt !== existing.rawExcerpt;
      if (changed) {
        merges.push({
          sql: `UPDATE memories SET importance = ?, keywords = ?, raw_excerpt = ?, updated_at = ? WHERE id = ?`,
          args: [importance, JSON.stringify(keywords), rawExcerpt, now, existing.id],
        });
      }
      out.push({ id: existing.id, action: changed ? 'merged' : 'unchanged' });
    });
    if (merges.length) await this.conn.batch(merges);
    this.localWrites++;
    this.queueEmbed(prepared.filter((_, i) => out[i].action === 'created').map((p) => p.memory));
    return out;
  }

  async get(id: string): Promise<Memory | null> {
    const rows = await this.conn.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ?`, [validateId(id)]);
    return rows[0] ? rowToMemory(rows[0]) : null;
  }

  /** Memories for these ids, in the order given; missing ids are dropped, duplicates collapsed. */
  async getMany(ids: string[]): Promise<Memory[]> {
    const unique = [...new Set(ids.map(validateId))];
    if (!unique.length) return [];
    const rows = await this.conn.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(unique)]);
    const byId = new Map(rows.map((r) => [String(r.id), rowToMemory(r)]));
    return unique.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  }

  /**
   * Edits a memory; weight resets to 1.0 (ICM). Moving it onto an identical memory is a conflict, not a
   * silent merge. Optimistic: one read, then one atomic batch whose UPDATE applies only if the row is
   * still as read — no write lock held across round trips (a client killed inside an interactive
   * transaction stalled every other sqld writer ≈ 5 s, test/faults/txn-kill.test.ts).
   */
  async update(id: string, patch: MemoryPatch): Promise<Memory> {
    const mid = validateId(id);
    if (!patch || typeof patch !== 'object') throw new InvalidInputError('nothing to update');
    for (let attempt = 0; attempt < 5; attempt++) {
      const rows = await this.conn.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ?`, [mid]);
      const raw = rows[0];
      if (!raw) throw new NotFoundError(`no memory with id ${mid}`);
      const cur = rowToMemory(raw);
      const next: Memory = {
        ...cur,
        topic: patch.topic === undefined ? cur.topic : validateTopic(patch.topic),
        summary: patch.summary === undefined ? cur.summary : validateSummary(patch.summary),
        importance: patch.importance === undefined ? cur.importance : parseImportance(patch.importance),
        keywords: patch.keywords === undefined ? cur.keywords : validateKeywords(patch.keywords),
        rawExcerpt: patch.rawExcerpt === undefined ? cur.rawExcerpt : validateRawExcerpt(patch.rawExcerpt),
        updatedAt: nowRfc3339(),
        weight: 1,
      };
      const hash = summaryHash(next.topic, next.summary);
      // ICM's own vector (memories.embedding) describes the old text once it changes: clear it so `icm embed` redoes it.
      const staleIcmVector = this.schema.hasIcmEmbeddingColumn && (next.topic !== cur.topic || next.summary !== cur.summary) ? ', embedding = NULL' : '';
      const clash = `SELECT id FROM memories WHERE LOWER(topic) = LOWER(?) AND summary_hash = ? AND id != ?`;
      const asRead = [raw.updated_at, raw.topic, raw.summary, raw.importance, raw.keywords, raw.raw_excerpt] as SqlArg[];
      const res = await this.conn.batch([
        { sql: clash, args: [next.topic, hash, mid] },
        {
          sql: `UPDATE memories SET topic = ?, summary = ?, importance = ?, keywords = ?, raw_excerpt = ?, updated_at = ?, weight = 1.0, summary_hash = ?${staleIcmVector}
                WHERE id = ? AND updated_at IS ? AND topic IS ? AND summary IS ? AND importance IS ? AND keywords IS ? AND raw_excerpt IS ? AND NOT EXISTS (${clash})`,
          args: [next.topic, next.summary, next.importance, JSON.stringify(next.keywords), next.rawExcerpt, next.updatedAt, hash, mid, ...asRead, next.topic, hash, mid],
        },
        { sql: `SELECT changes() AS n` },
      ]);
      if (res[0][0]) throw new ConflictError(`memory ${String(res[0][0].id)} in topic "${next.topic}" already has this content; edit or delete that one instead`);
      if (Number(res[2][0]?.n ?? 0) === 1) {
        this.localWrites++;
        this.queueEmbed([next]);
        return next;
      }
      // Someone changed (or deleted) it between the read and the write: read again.
    }
    throw new ConflictError(`memory ${mid} kept changing while it was being edited; try again`);
  }

  private vecCleanup(where: string): Stmt[] {
    // ICM's vec_memories rows can only be touched where vec0 is loaded; elsewhere ICM's own reads skip dangling ids.
    return this.schema.hasIcmVecTable && this.vecLoaded ? [{ sql: `DELETE FROM vec_memories WHERE memory_id IN (SELECT id FROM memories WHERE ${where})` }] : [];
  }
  /** Set by the vector layer when sqlite-vec is available on this connection. */
  vecLoaded = false;

  async forget(id: string): Promise<void> {
    const mid = validateId(id);
    const stmts = [...this.vecCleanup('id = ?'), { sql: `DELETE FROM memories WHERE id = ?` }].map((s) => ({ ...s, args: [mid] }));
    const before = await this.conn.query(`SELECT 1 FROM memories WHERE id = ?`, [mid]);
    if (!before[0]) throw new NotFoundError(`no memory with id ${mid}`);
    await this.conn.batch(stmts);
    this.index?.remove(mid);
    this.localWrites++;
  }

  /** Deletes every memory in the topic (no 500-row cap). Returns how many were deleted. */
  async forgetTopic(topic: string): Promise<number> {
    const t = validateTopic(topic);
    const stmts = [...this.vecCleanup('topic = ?'), { sql: `DELETE FROM memories WHERE topic = ?` }, { sql: `SELECT changes() AS n` }].map((s) =>
      s.sql.includes('?') ? { ...s, args: [t] } : s,
    );
    const res = await this.conn.batch(stmts);
    this.localWrites++;
    return Number(res[res.length - 1][0]?.n ?? 0);
  }

  // -------------------------------------------------------------------------------------- lists

  /** Keyset-paginated listing (no 10,000 cap): by weight (ICM's order) or most recent first. */
  async list(opts: ListOptions = {}): Promise<Page<Memory>> {
    const limit = clampLimit(opts.limit, 100, 10_000);
    const order = opts.order ?? 'weight';
    const where: string[] = [];
    const args: SqlArg[] = [];
    const tf = topicFilter(opts.topic, 'topic', opts.exactTopic);
    if (tf) {
      where.push(tf.sql);
      args.push(...tf.args);
    }
    const imp = importanceList(opts.importance);
    if (imp) {
      where.push(`importance IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(imp));
    }
    if (opts.cursor) {
      const [k, id] = decodeCursor(opts.cursor);
      if (order === 'weight') {
        where.push(`(COALESCE(weight, 1.0) < ? OR (COALESCE(weight, 1.0) = ? AND id > ?))`);
        args.push(Number(k), Number(k), String(id));
      } else {
        where.push(`(created_at < ? OR (created_at = ? AND id < ?))`);
        args.push(String(k), String(k), String(id));
      }
    }
    const orderBy = order === 'weight' ? `COALESCE(weight, 1.0) DESC, id ASC` : `created_at DESC, id DESC`;
    const rows = await this.conn.query(
      `SELECT ${MEMORY_COLUMNS} FROM memories ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${orderBy} LIMIT ?`,
      [...args, limit + 1],
    );
    const items = rows.slice(0, limit).map(rowToMemory);
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > limit && last ? encodeCursor(order === 'weight' ? [rows[limit - 1].weight === null ? 1 : Number(rows[limit - 1].weight), last.id] : [last.createdAt, last.id]) : null;
    return { items, nextCursor };
  }

  /** Every memory, page by page (for export, backfill…). */
  async *iterate(opts: Omit<ListOptions, 'cursor'> = {}): AsyncGenerator<Memory> {
    let cursor: string | null = null;
    do {
      const page: Page<Memory> = await this.list({ ...opts, limit: opts.limit ?? 1000, cursor });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** Topics with their memory counts (only memories of these importances, when given). */
  async topics(opts: { importance?: Importance | Importance[] } = {}): Promise<TopicCount[]> {
    const imp = importanceList(opts.importance);
    const rows = await this.conn.query(
      `SELECT topic, COUNT(*) AS n FROM memories ${imp ? 'WHERE importance IN (SELECT value FROM json_each(?))' : ''} GROUP BY topic ORDER BY topic`,
      imp ? [JSON.stringify(imp)] : [],
    );
    return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
  }

  async count(topic?: string): Promise<number> {
    const tf = topicFilter(topic);
    const rows = await this.conn.query(`SELECT COUNT(*) AS n FROM memories ${tf ? 'WHERE ' + tf.sql : ''}`, tf?.args);
    return Number(rows[0]?.n ?? 0);
  }

  async stats(): Promise<StoreStats> {
    const [r] = await this.conn.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT topic) AS t, COALESCE(AVG(weight), 0) AS w, MIN(created_at) AS oldest, MAX(created_at) AS newest FROM memories`,
    );
    return {
      totalMemories: Number(r.n),
      totalTopics: Number(r.t),
      avgWeight: Number(r.w),
      oldestMemory: (r.oldest as string) ?? null,
      newestMemory: (r.newest as string) ?? null,
    };
  }

  /** ICM's topic health: stale = weight < 0.5 and not accessed for 14 days; consolidate when > 5 entries. */
  async topicHealth(topic?: string): Promise<TopicHealth[]> {
    const t = topic === undefined ? undefined : validateTopic(topic);
    const rows = await this.conn.query(
      `SELECT topic, COUNT(*) AS n, COALESCE(AVG(weight), 0) AS w, COALESCE(AVG(access_count), 0) AS a,
              MIN(created_at) AS oldest, MAX(created_at) AS newest, MAX(last_accessed) AS la,
              SUM(CASE WHEN weight < 0.5 AND julianday(?) - julianday(last_accessed) > 14 THEN 1 ELSE 0 END) AS stale
       FROM memories ${t ? 'WHERE topic = ?' : ''} GROUP BY topic ORDER BY topic`,
      t ? [nowRfc3339(), t] : [nowRfc3339()],
    );
    if (t && !rows.length) throw new NotFoundError(`topic "${t}" has no memories`);
    return rows.map((r) => {
      const entryCount = Number(r.n);
      const staleCount = Number(r.stale ?? 0);
      const needsConsolidation = entryCount > 5;
      return {
        topic: String(r.topic),
        entryCount,
        avgWeight: Number(r.w),
        avgAccessCount: Number(r.a),
        oldest: (r.oldest as string) ?? null,
        newest: (r.newest as string) ?? null,
        lastAccessed: (r.la as string) ?? null,
        needsConsolidation,
        staleCount,
        status: healthStatus(needsConsolidation, staleCount),
      };
    });
  }

  // ------------------------------------------------------------------------------------- recall

  /**
   * Keyword recall: memories matching every term by BM25; when none does (or fewer than `fillTo`),
   * memories matching some terms, by BM25 (src/store/keyword.ts). Filters apply before the limit.
   * Any text is safe.
   */
  async recallKeyword(query: string, opts: RecallOptions = {}): Promise<ScoredMemory[]> {
    const limit = clampLimit(opts.limit, 10);
    const q = buildFtsQuery(typeof query === 'string' ? query : '', { prefixLast: opts.prefix });
    if (!q) return [];
    const filters: string[] = [];
    const fargs: SqlArg[] = [];
    const tf = topicFilter(opts.topic, 'm.topic', opts.exactTopic);
    if (tf) {
      filters.push(tf.sql);
      fargs.push(...tf.args);
    }
    const imp = importanceList(opts.importance);
    if (imp) {
      filters.push(`m.importance IN (SELECT value FROM json_each(?))`);
      fargs.push(JSON.stringify(imp));
    }
    const st = keywordStatement(q, { sql: filters, args: fargs }, limit, Math.max(1, Math.min(limit, Math.floor(Number(opts.fillTo ?? 1)) || 1)));
    const rows = await this.conn.query(st.sql, st.args);
    // Every-term matches first, then by BM25 (more negative is better). A row found by two arms keeps
    // its better score: the ≥ 2-terms arm scores every term, the rarest-terms arm only the rare ones.
    const full = (r: Row) => Number(r.full);
    rows.sort((a, b) => full(b) - full(a) || Number(a.bm25) - Number(b.bm25));
    const seen = new Set<string>();
    const out: ScoredMemory[] = [];
    for (const r of rows) {
      const id = String(r.id);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ memory: rowToMemory(r), score: -Number(r.bm25), fullMatch: full(r) === 1 });
      if (out.length >= limit) break;
    }
    if (opts.bumpAccess !== false && out.length) this.bumpAccess(out.map((s) => s.memory.id));
    return out;
  }

  /**
   * Hybrid recall when an embedder is set and ready (BM25 + cosine, fused; filters before the limit;
   * decayed weight as a mild factor), else keyword recall with a note saying why.
   */
  async recall(query: string, opts: RecallOptions = {}): Promise<RecallResult> {
    this.background(this.maybeAutoDecay());
    const limit = clampLimit(opts.limit, 10);
    const keywordOnly = async (note: string): Promise<RecallResult> => ({ items: await this.recallKeyword(query, { ...opts, limit }), mode: 'keyword', note });
    const e = this.embedder;
    if (!e) return keywordOnly('keyword search only: embeddings are off');
    if (e.state === 'failed' || e.state === 'disposed') {
      // Retry the load in the background (the embedder rate-limits retries), answer now.
      if (e.state === 'failed') this.background(e.info());
      return keywordOnly(`keyword search only: ${this.embedderProblem ?? 'the embedding model is unavailable'}`);
    }
    // A model that was unloaded while idle reloads from its cache in well under a second: wait for it.
    if (e.state !== 'ready' && !this.semantic.waitForModel && !(e.state === 'idle' && this.modelWasReady)) {
      this.background(this.warmEmbedder());
      return keywordOnly('keyword search only while the embedding model loads');
    }
    let qv: Float32Array;
    try {
      await this.warmEmbedder();
      [qv] = await e.embed([typeof query === 'string' ? query : ''], 'query');
      this.modelWasReady = true;
    } catch (err) {
      this.embedderProblem = (err as Error).message;
      return keywordOnly(`keyword search only: ${this.embedderProblem}`);
    }
    const pool = Math.min(limit * 4, 4000);
    const kw = await this.recallKeyword(query, { ...opts, limit: pool, bumpAccess: false });
    const { hits: vec, similarityOf } = await this.vectorSearch(qv, pool, opts, kw.map((k) => k.memory.id));
    const fused = fuse(
      kw.map((k) => ({ id: k.memory.id, score: k.score, fullMatch: k.fullMatch })),
      vec,
      this.semantic.fusion ?? 'weighted',
      similarityOf,
    );
    const known = new Map(kw.map((k) => [k.memory.id, k]));
    const head = fused.slice(0, Math.min(fused.length, limit * 2));
    const missing = head.filter((f) => !known.has(f.id)).map((f) => f.id);
    const hydrated = new Map((await this.getMany(missing)).map((m) => [m.id, m]));
    const items: ScoredMemory[] = [];
    for (const f of head) {
      const memory = known.get(f.id)?.memory ?? hydrated.get(f.id);
      if (!memory) continue; // deleted since the index was loaded
      items.push({ memory, score: f.score, fullMatch: known.get(f.id)?.fullMatch ?? false, similarity: f.similarity });
    }
    // Decayed weight breaks ties only: as a factor it reordered near-ties (measured −0.014 MRR, docs/RECALL-EVAL.md).
    items.sort((a, b) => b.score - a.score || b.memory.weight - a.memory.weight);
    items.splice(limit);
    if (opts.bumpAccess !== false && items.length) this.bumpAccess(items.map((i) => i.memory.id));
    return { items, mode: 'hybrid' };
  }

  // ---------------------------------------------------------------------------------- semantic

  private embedder: EmbeddingProvider | undefined;
  private semantic: SemanticOptions = {};
  private index: VectorIndex | undefined;
  private indexCheckedAt = 0;
  private embedderProblem: string | undefined;
  private modelWasReady = false;
  private readonly pendingEmbeds = new Map<string, string>();
  private embedFlight: Promise<void> = Promise.resolve();

  /** Turns semantic recall on (or off with null). Vectors of different models are never compared. */
  setEmbedder(provider: EmbeddingProvider | null, opts: SemanticOptions = {}): void {
    this.embedder = provider ?? undefined;
    this.semantic = { nearDuplicate: 0.95, ...opts };
    if (!provider || this.index?.model !== provider.modelId) this.index = undefined;
    this.embedderProblem = undefined;
    this.modelWasReady = provider?.state === 'ready';
  }

  get embeddingModel(): string | undefined {
    return this.embedder?.modelId;
  }

  private async warmEmbedder(): Promise<void> {
    try {
      await this.embedder?.info();
    } catch (e) {
      this.embedderProblem = (e as Error).message;
      throw e;
    }
  }

  /**
   * auto: in process on local files and replicas. On a remote, vector_distance_cos in the database
   * (one round trip, nothing to download) until the in-process index has loaded in the background,
   * then in process (measured at 10k: 15 ms in sqld against 0.3 ms in process; docs/BENCHMARKS.md).
   */
  private engine(): 'memory' | 'sql' {
    const e = this.semantic.vectorEngine ?? 'auto';
    if (e !== 'auto') return e;
    if (this.conn.mode !== 'remote') return 'memory';
    if (this.index?.model === this.embedder?.modelId && this.indexLoaded) return 'memory';
    if (!this.indexLoading && !this.indexTooLarge && this.semantic.backgroundIndex !== false) {
      this.indexLoading = true;
      this.background(
        (async () => {
          // sqld serves vector rows at about 1,000 per second here: beyond 20,000 the transfer costs more than it saves.
          const [c] = await this.conn.query(`SELECT COUNT(*) AS n FROM mnemos_vectors WHERE model = ?`, [this.embedder!.modelId]);
          if (Number(c?.n ?? 0) > REMOTE_INDEX_MAX_VECTORS) {
            this.indexTooLarge = true;
            return;
          }
          await this.vectorIndex();
          this.indexLoaded = true;
        })().finally(() => (this.indexLoading = false)),
      );
    }
    return 'sql';
  }
  private indexTooLarge = false;
  private indexLoaded = false;
  private indexLoading = false;

  /**
   * Top `k` memories by cosine to `qv`, with the recall filters applied before the limit, and the
   * cosine of the `also` memories (keyword candidates) — one statement on the SQL engine.
   */
  private async vectorSearch(
    qv: Float32Array,
    k: number,
    opts: RecallOptions,
    also: string[] = [],
  ): Promise<{ hits: { id: string; similarity: number }[]; similarityOf: Map<string, number> }> {
    const where: string[] = [];
    const args: SqlArg[] = [];
    const tf = topicFilter(opts.topic, 'm.topic', opts.exactTopic);
    if (tf) {
      where.push(tf.sql);
      args.push(...tf.args);
    }
    const imp = importanceList(opts.importance);
    if (imp) {
      where.push(`m.importance IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(imp));
    }
    if (this.engine() === 'sql') {
      const q = vecToBlob(qv);
      const model = this.embedder!.modelId;
      const rows = await this.conn.query(
        `SELECT * FROM (SELECT v.memory_id AS id, 1.0 - vector_distance_cos(v.vec, vector32(?)) AS sim, 1 AS top FROM mnemos_vectors v JOIN memories m ON m.id = v.memory_id
           WHERE v.model = ? AND v.dim = ?${where.length ? ' AND ' + where.join(' AND ') : ''} ORDER BY vector_distance_cos(v.vec, vector32(?)) LIMIT ?)
         UNION ALL
         SELECT v.memory_id AS id, 1.0 - vector_distance_cos(v.vec, vector32(?)) AS sim, 0 AS top FROM mnemos_vectors v
           WHERE v.model = ? AND v.dim = ? AND v.memory_id IN (SELECT value FROM json_each(?))`,
        [q, model, qv.length, ...args, q, k, q, model, qv.length, JSON.stringify(also)],
      );
      const hits = rows.filter((r) => Number(r.top) === 1).map((r) => ({ id: String(r.id), similarity: Number(r.sim) }));
      return { hits, similarityOf: new Map(rows.filter((r) => Number(r.top) === 0).map((r) => [String(r.id), Number(r.sim)])) };
    }
    const index = await this.vectorIndex();
    let allow: ((id: string) => boolean) | undefined;
    if (where.length) {
      const ids = new Set((await this.conn.query(`SELECT m.id FROM memories m WHERE ${where.join(' AND ')}`, args)).map((r) => String(r.id)));
      allow = (id) => ids.has(id);
    }
    return { hits: index.search(qv, k, allow), similarityOf: index.similarities(qv, also) };
  }

  /** The in-process vector index for the current model, refreshed at most once a second. */
  private async vectorIndex(): Promise<VectorIndex> {
    const model = this.embedder!.modelId;
    if (!this.index || this.index.model !== model) {
      this.index = new VectorIndex(model);
      this.indexCheckedAt = 0;
      this.indexLoaded = false;
    }
    if (Date.now() - this.indexCheckedAt > 1000) {
      await this.index.refresh(this.conn);
      this.indexCheckedAt = Date.now();
    }
    return this.index;
  }

  private queueEmbed(items: { id: string; topic: string; summary: string }[]): void {
    if (!this.embedder || this.embedder.state !== 'ready' || !items.length) return;
    for (const m of items) this.pendingEmbeds.set(m.id, embedText(m.topic, m.summary));
    this.background(this.flushEmbeddings());
  }

  /** Writes vectors for memories stored or edited in this process; resolves when they are durable. */
  async flushEmbeddings(): Promise<void> {
    const run = this.embedFlight.then(async () => {
      while (this.pendingEmbeds.size && this.embedder) {
        const batch = [...this.pendingEmbeds.entries()].slice(0, 32);
        for (const [id] of batch) this.pendingEmbeds.delete(id);
        await this.writeVectors(batch.map(([id, text]) => ({ id, text })));
      }
    });
    this.embedFlight = run.catch(() => undefined);
    return run;
  }

  private async writeVectors(batch: { id: string; text: string }[]): Promise<void> {
    const e = this.embedder!;
    const vecs = await e.embed(batch.map((b) => b.text), 'passage');
    const now = nowRfc3339();
    // Only for memories that still exist with that text: a concurrent edit or delete wins.
    await this.conn.batch(batch.map((b, i) => {
      const st = upsertVectorStmt(b.id, e.modelId, vecs[i], now);
      return { sql: st.sql.replace('VALUES (?, ?, ?, ?, ?)', `SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM memories WHERE id = ? AND topic || ' ' || summary = ?)`), args: [...st.args!, b.id, b.text] };
    }));
    this.indexCheckedAt = 0; // our own writes show in the next search
  }

  /**
   * Embeds every memory that has no vector for the current model (all of them with force), in
   * batches; resumable (it only looks at what is missing), cancellable, with progress.
   */
  async embedMissing(opts: { topic?: string; force?: boolean; batchSize?: number; signal?: AbortSignal; onProgress?: (p: EmbedProgress) => void } = {}): Promise<EmbedProgress> {
    const e = this.embedder;
    if (!e) throw new InvalidInputError('embeddings are off: no embedding model is configured');
    await this.warmEmbedder();
    const model = e.modelId;
    const batchSize = clampLimit(opts.batchSize, 32, 512);
    const tf = topicFilter(opts.topic, 'm.topic');
    const missing = opts.force ? '1 = 1' : `NOT EXISTS (SELECT 1 FROM mnemos_vectors v WHERE v.memory_id = m.id AND v.model = ?)`;
    const margs: SqlArg[] = opts.force ? [] : [model];
    const [c] = await this.conn.query(`SELECT COUNT(*) AS n FROM memories m WHERE ${missing}${tf ? ' AND ' + tf.sql : ''}`, [...margs, ...(tf?.args ?? [])]);
    const progress: EmbedProgress = { done: 0, total: Number(c?.n ?? 0), errors: 0 };
    opts.onProgress?.({ ...progress });
    let after = '';
    while (!opts.signal?.aborted) {
      const rows = await this.conn.query(
        `SELECT m.id, m.topic, m.summary FROM memories m WHERE ${missing}${tf ? ' AND ' + tf.sql : ''} AND m.id > ? ORDER BY m.id LIMIT ?`,
        [...margs, ...(tf?.args ?? []), after, batchSize],
      );
      if (!rows.length) break;
      after = String(rows[rows.length - 1].id);
      try {
        await this.writeVectors(rows.map((r) => ({ id: String(r.id), text: embedText(String(r.topic), String(r.summary)) })));
        progress.done += rows.length;
      } catch (err) {
        if (err instanceof StoreError) throw err;
        progress.errors += rows.length;
        this.onBackgroundError(err);
      }
      opts.onProgress?.({ ...progress });
    }
    this.indexCheckedAt = 0;
    return progress;
  }

  /** Memories with and without a vector for the current model. */
  async embeddingCoverage(): Promise<{ model: string | undefined; embedded: number; total: number }> {
    const model = this.embedder?.modelId;
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM memories) AS total, (SELECT COUNT(*) FROM mnemos_vectors v JOIN memories m ON m.id = v.memory_id WHERE v.model = ?) AS embedded`,
      [model ?? ''],
    );
    return { model, embedded: Number(r?.embedded ?? 0), total: Number(r?.total ?? 0) };
  }

  /**
   * ICM's semantic dedup, without its data loss: a new memory whose vector is within `nearDuplicate`
   * cosine of one in the same topic updates that memory (importance never goes down, keywords union).
   */
  private async nearDuplicate(input: { topic: string; summary: string }): Promise<{ id: string; similarity: number; vec: Float32Array } | undefined> {
    const e = this.embedder;
    const threshold = this.semantic.nearDuplicate;
    if (!e || e.state !== 'ready' || threshold === false || threshold === undefined) return undefined;
    const [vec] = await e.embed([embedText(input.topic, input.summary)], 'passage');
    const {
      hits: [hit],
    } = await this.vectorSearch(vec, 1, { topic: input.topic, exactTopic: true });
    return hit && hit.similarity >= threshold ? { id: hit.id, similarity: hit.similarity, vec } : undefined;
  }

  private readonly inFlight = new Set<Promise<unknown>>();
  /** Tracks background work so close() can wait for it; its errors go to onBackgroundError. */
  protected background(p: Promise<unknown>): void {
    const t = p.catch((e) => this.onBackgroundError(e)).finally(() => this.inFlight.delete(t));
    this.inFlight.add(t);
  }

  /** Access bookkeeping is off the read path: local writes it at once, remote/replica in the background, coalesced. */
  bumpAccess(ids: string[]): void {
    for (const id of ids) this.pendingBumps.add(id);
    if (this.conn.mode === 'local') {
      void this.flushAccess();
      return;
    }
    if (!this.bumpTimer) this.bumpTimer = setTimeout(() => void this.flushAccess(), 250);
  }

  /** Writes pending access bumps now; resolves when they are durable. */
  async flushAccess(): Promise<void> {
    if (this.bumpTimer) clearTimeout(this.bumpTimer);
    this.bumpTimer = undefined;
    const ids = [...this.pendingBumps];
    this.pendingBumps.clear();
    if (!ids.length) return this.bumpFlight;
    const prev = this.bumpFlight;
    this.bumpFlight = prev.then(async () => {
      try {
        await this.conn.run(`UPDATE memories SET access_count = COALESCE(access_count, 0) + 1, last_accessed = ? WHERE id IN (SELECT value FROM json_each(?))`, [
          nowRfc3339(),
          JSON.stringify(ids),
        ]);
      } catch (e) {
        this.onBackgroundError(e);
      }
    });
    return this.bumpFlight;
  }

  // ---------------------------------------------------------------------------------- lifecycle

  /** ICM's decay: critical never decays; high slower, low faster; accesses slow it, capped at 5. */
  async decay(factor = DEFAULT_DECAY_FACTOR): Promise<number> {
    if (!(factor >= 0 && factor < 1)) throw new InvalidInputError(`decay factor must be in [0, 1) (got ${factor})`);
    const n = await this.conn.run(DECAY_SQL, [factor]);
    return n;
  }

  /**
   * Once a day at most, across every process sharing the store: the claim on `icm_metadata.last_decay_at`
   * and the decay run in one atomic batch, so exactly one claimant decays.
   */
  async maybeAutoDecay(force = false): Promise<boolean> {
    const nowMs = Date.now();
    if (!force && nowMs - this.lastDecayCheck < DECAY_CHECK_INTERVAL_MS) return false;
    this.lastDecayCheck = nowMs;
    const now = nowRfc3339(new Date(nowMs));
    const res = await this.conn.batch([
      {
        sql: `INSERT INTO icm_metadata(key, value) VALUES ('last_decay_at', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
              WHERE julianday(excluded.value) - julianday(icm_metadata.value) >= 1.0 OR julianday(icm_metadata.value) IS NULL`,
        args: [now],
      },
      { sql: `SELECT changes() AS claimed` },
      { sql: DECAY_SQL.replace('WHERE', `WHERE (SELECT value FROM icm_metadata WHERE key = 'last_decay_at') = ? AND changes() > 0 AND`), args: [DEFAULT_DECAY_FACTOR, now] },
    ]);
    return Number(res[1][0]?.claimed ?? 0) > 0;
  }

  /** Deletes low-weight memories that are not critical or high. */
  async prune(threshold = 0.1, opts: { dryRun?: boolean } = {}): Promise<{ count: number; ids: string[] }> {
    if (!(threshold > 0 && threshold <= 1)) throw new InvalidInputError(`prune threshold must be in (0, 1] (got ${threshold})`);
    const where = `weight < ? AND importance NOT IN ('critical', 'high')`;
    const rows = await this.conn.query(`SELECT id FROM memories WHERE ${where}`, [threshold]);
    const ids = rows.map((r) => String(r.id));
    if (!opts.dryRun && ids.length) {
      await this.conn.batch(
        [...this.vecCleanup(where), { sql: `DELETE FROM memories WHERE ${where}` }].map((s) => ({ ...s, args: [threshold] })),
      );
      this.localWrites++;
    }
    return { count: ids.length, ids };
  }

  /**
   * Replaces a whole topic with one memory (ICM: importance high). Keywords default to the union of the
   * topic's keywords. One transaction; triggers keep FTS exact (no ghost rows).
   */
  async consolidate(topic: string, summary: string, opts: { keywords?: string[]; importance?: Importance } = {}): Promise<{ id: string; replaced: number }> {
    const t = validateTopic(topic);
    const s = validateSummary(summary);
    const importance = opts.importance ? parseImportance(opts.importance) : 'high';
    const given = opts.keywords === undefined ? undefined : validateKeywords(opts.keywords);
    // Read, then one atomic batch that deletes exactly the memories read (one added meanwhile survives):
    // no write lock held across round trips.
    const rows = await this.conn.query(`SELECT id, keywords FROM memories WHERE topic = ? ORDER BY weight DESC, id`, [t]);
    if (!rows.length) throw new NotFoundError(`topic "${t}" has no memories to consolidate`);
    let keywords = given;
    if (!keywords) {
      keywords = [];
      const lower = new Set<string>();
      for (const r of rows) {
        for (const k of rowToMemory({ ...r, created_at: '' }).keywords) {
          if (!lower.has(k.toLowerCase())) {
            lower.add(k.toLowerCase());
            keywords.push(k);
          }
        }
      }
    }
    const ids = JSON.stringify(rows.map((r) => String(r.id)));
    const now = nowRfc3339();
    const m: Memory = {
      id: newId(),
      createdAt: now,
      updatedAt: now,
      lastAccessed: now,
      accessCount: 0,
      weight: 1,
      topic: t,
      summary: s,
      rawExcerpt: `consolidated from ${rows.length} memories`,
      keywords: keywords.slice(0, 64),
      importance,
      sourceType: 'manual',
      sourceData: null,
      relatedIds: [],
    };
    const inRead = `id IN (SELECT value FROM json_each(?))`;
    await this.conn.batch([
      ...this.vecCleanup(inRead).map((v) => ({ ...v, args: [ids] })),
      { sql: `DELETE FROM memories WHERE ${inRead}`, args: [ids] },
      { sql: INSERT_MEMORY, args: insertArgs(m, summaryHash(t, s)) },
    ]);
    this.localWrites++;
    return { id: m.id, replaced: rows.length };
  }

  // ------------------------------------------------------------------------------ export/import

  async exportAll(): Promise<ExportFile> {
    const memories: Memory[] = [];
    for await (const m of this.iterate({ order: 'recent' })) memories.push(m);
    memories.reverse();
    return { format: 'mnemos-export', version: 1, exportedAt: nowRfc3339(), memories };
  }

  /**
   * Imports an export file exactly (ids, timestamps, weights, access counts kept). Validates every
   * memory first and writes nothing if one is bad. Existing ids and exact duplicates are skipped.
   */
  async importAll(data: unknown): Promise<{ imported: number; skipped: number }> {
    const file = data as Partial<ExportFile>;
    if (!file || typeof file !== 'object' || !Array.isArray(file.memories)) {
      throw new InvalidInputError('not a Mnemos export: expected {"format":"mnemos-export","memories":[…]}');
    }
    if (file.format !== undefined && file.format !== 'mnemos-export') throw new InvalidInputError(`unknown export format "${String(file.format)}"`);
    const stmts: Stmt[] = [];
    file.memories.forEach((raw, i) => {
      const at = `memory #${i + 1}`;
      try {
        const m = raw as Memory;
        if (!m || typeof m !== 'object') throw new InvalidInputError('not an object');
        const { memory, hash } = this.prepare({ id: m.id, topic: m.topic, summary: m.summary, importance: m.importance, keywords: m.keywords, rawExcerpt: m.rawExcerpt, source: m.sourceData }, nowRfc3339());
        const ts = (v: unknown, d: string) => (typeof v === 'string' && v ? v : d);
        const full: Memory = {
          ...memory,
          createdAt: ts(m.createdAt, memory.createdAt),
          updatedAt: ts(m.updatedAt, ts(m.createdAt, memory.updatedAt)),
          lastAccessed: ts(m.lastAccessed, ts(m.createdAt, memory.lastAccessed)),
          accessCount: Number.isFinite(m.accessCount) ? Math.max(0, Math.floor(m.accessCount)) : 0,
          weight: Number.isFinite(m.weight) ? m.weight : 1,
          sourceType: typeof m.sourceType === 'string' && m.sourceType ? m.sourceType : 'manual',
          relatedIds: Array.isArray(m.relatedIds) ? m.relatedIds.filter((x) => typeof x === 'string') : [],
        };
        stmts.push({ sql: INSERT_MEMORY, args: insertArgs(full, hash) }, { sql: `SELECT changes() AS n` });
      } catch (e) {
        throw new InvalidInputError(`${at}: ${(e as Error).message}`);
      }
    });
    if (!stmts.length) return { imported: 0, skipped: 0 };
    const res = await this.conn.batch(stmts);
    let imported = 0;
    for (let i = 1; i < res.length; i += 2) imported += Number(res[i][0]?.n ?? 0) > 0 ? 1 : 0;
    this.localWrites++;
    return { imported, skipped: file.memories.length - imported };
  }

  // -------------------------------------------------------------------------------- change feed

  /**
   * A cheap value that changes when any writer changes memories. Local: SQLite's data_version
   * (other connections) + this process's own writes. Remote/replica: the trigger-maintained counter of
   * deletes and edits, and the highest rowid (every insert raises it), in one statement.
   */
  async changeMarker(): Promise<string> {
    if (this.conn.mode === 'local') return `${await this.conn.dataVersion()}:${this.localWrites}`;
    const rows = await this.conn.query(
      `SELECT (SELECT value FROM mnemos_state WHERE key = 'change_seq') AS seq, (SELECT MAX(rowid) FROM memories) AS top`,
    );
    return `${Number(rows[0]?.seq ?? 0)}:${Number(rows[0]?.top ?? 0)}:${this.localWrites}`;
  }

  /** Replica: pull the primary's changes now. Local/remote: no-op. */
  async sync(): Promise<void> {
    await this.conn.sync();
  }

  private startSyncTimer(sec: number): void {
    this.syncTimer = setInterval(() => {
      this.conn.sync().catch(this.onBackgroundError);
    }, sec * 1000);
    this.syncTimer.unref();
  }

  /** Raw rows, for tests and diagnostics. */
  async sql(sql: string, args: SqlArg[] = []): Promise<Row[]> {
    return this.conn.query(sql, args);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    await Promise.all([...this.inFlight]);
    await this.flushEmbeddings().catch(this.onBackgroundError);
    await this.flushAccess();
    await this.conn.close();
  }
}

// ICM's formula, floored at 0: with a harsh factor (< 0.5) ICM's low-importance multiplier goes negative.
const DECAY_SQL = `UPDATE memories SET weight = weight * MAX(0.0, 1.0 - (1.0 - ?) *
    (CASE importance WHEN 'high' THEN 0.5 WHEN 'low' THEN 2.0 ELSE 1.0 END) /
    (1.0 + MIN(COALESCE(access_count, 0), 5) * 0.1))
  WHERE importance != 'critical'`;

export async function openStore(config: StoreConfig): Promise<MnemosStore> {
  return MnemosStore.open(config);
}
