/**
 * The memories table's own operations: store with ICM's hash dedup, get, update, forget (one memory
 * or a topic). Every write is one atomic batch (one round trip on a remote) and idempotent by id.
 */
import type { SqlArg, Stmt } from './conn';
import type { StoreContext } from './context';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import type { IcmVectorTable } from './icm-vectors';
import {
  type Importance,
  IMPORTANCE_RANK,
  type Memory,
  type MemoryPatch,
  type NewMemory,
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
import { INSERT_MEMORIES_JSON, INSERT_MEMORY, insertArgs, insertManyArgs, MEMORY_COLUMNS, rowToMemory } from './rows';
import type { StoreResult } from './types';

export type PreparedMemory = { memory: Memory; hash: string };

/** Validates a new memory (ICM's rules) and fills in what ICM fills in: times, weight, source type. */
export function prepareMemory(input: NewMemory, now: string): PreparedMemory {
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

type Metadata = Pick<Memory, 'importance' | 'keywords' | 'rawExcerpt'>;

/**
 * ICM's dedup merge (docs/ICM-COMPAT.md, "Dedup"): importance never goes down, keywords are the
 * existing ones then the new ones, the new raw excerpt wins when there is one.
 */
export function mergeMetadata(existing: Metadata, incoming: Metadata): Metadata & { changed: boolean } {
  const up = IMPORTANCE_RANK[incoming.importance] > IMPORTANCE_RANK[existing.importance];
  const importance: Importance = up ? incoming.importance : existing.importance;
  const keywords = unionKeywords(existing.keywords, incoming.keywords);
  const rawExcerpt = incoming.rawExcerpt ?? existing.rawExcerpt;
  const changed =
    importance !== existing.importance ||
    keywords.length !== existing.keywords.length ||
    rawExcerpt !== existing.rawExcerpt;
  return { importance, keywords, rawExcerpt, changed };
}

/** What the rest of the store hears about: memories whose text was written, memories deleted. */
export interface MemoryEvents {
  written(memories: Memory[]): void;
  deleted(id: string): void;
}

export class Memories {
  constructor(
    private readonly ctx: StoreContext,
    private readonly icmVectors: IcmVectorTable,
    private readonly events: MemoryEvents,
  ) {}

  /**
   * Stores many memories atomically in one round trip (plus one for merges). Everything is validated
   * before anything is written. Idempotent by id: retrying the same batch never duplicates.
   */
  async storeMany(inputs: NewMemory[]): Promise<StoreResult[]> {
    if (!Array.isArray(inputs)) throw new InvalidInputError('expected a list of memories');
    if (inputs.length === 0) return [];
    const now = nowRfc3339();
    const prepared = inputs.map((i) => prepareMemory(i, now));
    const { conn } = this.ctx;
    // The insert tells fresh rows apart in the same round trip; only the rest (a dedup hit or a
    // retried id, rare) need the read-back and merge.
    const fresh = await this.insert(prepared);
    const pending: (PreparedMemory & { i: number })[] = [];
    prepared.forEach((p, i) => !fresh.has(p.memory.id) && pending.push({ ...p, i }));
    const existingRows = pending.length
      ? await conn.batch(
          pending.map(({ memory, hash }) => ({
            sql: `SELECT ${MEMORY_COLUMNS}, summary_hash FROM memories
                  WHERE id = ? OR (LOWER(topic) = LOWER(?) AND summary_hash = ?) ORDER BY id = ? DESC LIMIT 1`,
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
      if (!row) {
        throw new ConflictError(`memory ${memory.id} could not be stored (a row with that id exists in another form)`);
      }
      if (String(row.id) === memory.id) {
        out.push({ id: memory.id, action: 'created' });
        return;
      }
      const existing = rowToMemory(row);
      const m = mergeMetadata(existing, memory);
      if (m.changed) {
        merges.push({
          sql: `UPDATE memories SET importance = ?, keywords = ?, raw_excerpt = ?, updated_at = ? WHERE id = ?`,
          args: [m.importance, JSON.stringify(m.keywords), m.rawExcerpt, now, existing.id],
        });
      }
      out.push({ id: existing.id, action: m.changed ? 'merged' : 'unchanged' });
    });
    if (merges.length) await conn.batch(merges);
    this.ctx.noteWrite();
    this.events.written(prepared.filter((_, i) => out[i].action === 'created').map((p) => p.memory));
    return out;
  }

  /** The ids of the rows inserted: one statement for one memory (the per-call path), one for many. */
  private async insert(prepared: PreparedMemory[]): Promise<Set<string>> {
    const { conn } = this.ctx;
    if (prepared.length === 1) {
      const { memory, hash } = prepared[0];
      const [n] = await conn.batchRun([{ sql: INSERT_MEMORY, args: insertArgs(memory, hash) }]);
      return new Set(n === 1 ? [memory.id] : []);
    }
    const [rows] = await conn.batch([{ sql: INSERT_MEMORIES_JSON, args: insertManyArgs(prepared) }]);
    return new Set(rows.map((r) => String(r.id)));
  }

  async get(id: string): Promise<Memory | null> {
    const rows = await this.ctx.conn.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ?`, [validateId(id)]);
    return rows[0] ? rowToMemory(rows[0]) : null;
  }

  /** Memories for these ids, in the order given; missing ids are dropped, duplicates collapsed. */
  async getMany(ids: string[]): Promise<Memory[]> {
    const unique = [...new Set(ids.map(validateId))];
    if (!unique.length) return [];
    const rows = await this.ctx.conn.query(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(unique)],
    );
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
    const { conn, schema } = this.ctx;
    for (let attempt = 0; attempt < 5; attempt++) {
      const rows = await conn.query(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id = ?`, [mid]);
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
      // ICM's own vector (memories.embedding) describes the old text once it changes: cleared, `icm embed` redoes it.
      const textChanged = next.topic !== cur.topic || next.summary !== cur.summary;
      const staleIcmVector = schema.hasIcmEmbeddingColumn && textChanged ? ', embedding = NULL' : '';
      const clash = `SELECT id FROM memories WHERE LOWER(topic) = LOWER(?) AND summary_hash = ? AND id != ?`;
      const asRead = [raw.updated_at, raw.topic, raw.summary, raw.importance, raw.keywords, raw.raw_excerpt];
      const res = await conn.batch([
        { sql: clash, args: [next.topic, hash, mid] },
        {
          sql: `UPDATE memories SET topic = ?, summary = ?, importance = ?, keywords = ?, raw_excerpt = ?,
                  updated_at = ?, weight = 1.0, summary_hash = ?${staleIcmVector}
                WHERE id = ? AND updated_at IS ? AND topic IS ? AND summary IS ? AND importance IS ?
                  AND keywords IS ? AND raw_excerpt IS ? AND NOT EXISTS (${clash})`,
          args: [
            next.topic,
            next.summary,
            next.importance,
            JSON.stringify(next.keywords),
            next.rawExcerpt,
            next.updatedAt,
            hash,
            mid,
            ...(asRead as SqlArg[]),
            next.topic,
            hash,
            mid,
          ],
        },
        { sql: `SELECT changes() AS n` },
      ]);
      if (res[0][0]) {
        const other = `memory ${String(res[0][0].id)} in topic "${next.topic}"`;
        throw new ConflictError(`${other} already has this content; edit or delete that one instead`);
      }
      if (Number(res[2][0]?.n ?? 0) === 1) {
        this.ctx.noteWrite();
        this.events.written([next]);
        return next;
      }
      // Someone changed (or deleted) it between the read and the write: read again.
    }
    throw new ConflictError(`memory ${mid} kept changing while it was being edited; try again`);
  }

  async forget(id: string): Promise<void> {
    const mid = validateId(id);
    const stmts = [...(await this.icmVectors.cleanup('id = ?')), { sql: `DELETE FROM memories WHERE id = ?` }];
    const before = await this.ctx.conn.query(`SELECT 1 FROM memories WHERE id = ?`, [mid]);
    if (!before[0]) throw new NotFoundError(`no memory with id ${mid}`);
    await this.ctx.conn.batch(stmts.map((s) => ({ ...s, args: [mid] })));
    this.events.deleted(mid);
    this.ctx.noteWrite();
    this.icmVectors.afterDelete(1);
  }

  /** Deletes every memory in the topic (no 500-row cap). Returns how many were deleted. */
  async forgetTopic(topic: string): Promise<number> {
    const t = validateTopic(topic);
    const deletes = [...(await this.icmVectors.cleanup('topic = ?')), { sql: `DELETE FROM memories WHERE topic = ?` }];
    const count = { sql: `SELECT changes() AS n` };
    const res = await this.ctx.conn.batch([...deletes.map((s) => ({ ...s, args: [t] })), count]);
    this.ctx.noteWrite();
    const n = Number(res[res.length - 1][0]?.n ?? 0);
    this.icmVectors.afterDelete(n);
    return n;
  }
}
