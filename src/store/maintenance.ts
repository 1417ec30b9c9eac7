/**
 * ICM's lifecycle (docs/ICM-COMPAT.md, "Decay, prune, consolidate"): decay (and its once-a-day
 * schedule shared by every process), prune, consolidate a topic, and topic health.
 */
import type { StoreContext } from './context';
import { InvalidInputError, NotFoundError } from './errors';
import type { IcmVectorTable } from './icm-vectors';
import {
  type Importance,
  type Memory,
  newId,
  nowRfc3339,
  parseImportance,
  summaryHash,
  validateKeywords,
  validateSummary,
  validateTopic,
} from './model';
import { INSERT_MEMORY, insertArgs, rowToMemory } from './rows';
import type { TopicHealth } from './types';

export const DEFAULT_DECAY_FACTOR = 0.95;
const DECAY_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Rows (by rowid range) per statement of the daily decay: ≈ 0.1–0.2 s each at 1,000,000 memories. */
export const DECAY_CHUNK_ROWS = 20_000;

// ICM's formula, floored at 0: with a harsh factor (< 0.5) ICM's low-importance multiplier goes negative.
const DECAY_SQL = `UPDATE memories SET weight = weight * MAX(0.0, 1.0 - (1.0 - ?) *
    (CASE importance WHEN 'high' THEN 0.5 WHEN 'low' THEN 2.0 ELSE 1.0 END) /
    (1.0 + MIN(COALESCE(access_count, 0), 5) * 0.1))
  WHERE importance != 'critical'`;

function healthStatus(needs: boolean, stale: number): string {
  if (needs && stale > 0) return '!! NEEDS ATTENTION';
  if (needs) return '!  consolidate';
  if (stale > 0) return '-  has stale entries';
  return 'ok healthy';
}

export class Maintenance {
  private lastDecayCheck = 0;

  constructor(
    private readonly ctx: StoreContext,
    private readonly icmVectors: IcmVectorTable,
  ) {}

  /** ICM's decay: critical never decays; high slower, low faster; accesses slow it, capped at 5. */
  async decay(factor = DEFAULT_DECAY_FACTOR): Promise<number> {
    if (!(factor >= 0 && factor < 1)) throw new InvalidInputError(`decay factor must be in [0, 1) (got ${factor})`);
    return this.ctx.conn.run(DECAY_SQL, [factor]);
  }

  /**
   * Once a day at most, across every process sharing the store: the claim on `icm_metadata.last_decay_at`
   * (exactly one claimant wins it), then the decay itself in rowid ranges of `DECAY_CHUNK_ROWS`, each
   * its own short write. One `UPDATE` of every row took 8.9 s at 1,000,000 memories, and held the write
   * lock (every other writer, on sqld the whole team's) and this connection (the recall that triggered
   * it) for all of it; in ranges, anything queued behind waits for one range at most. Rows written after
   * the claim are today's and are not decayed, as with the single statement. The price: a process that
   * dies midway leaves the rest of the ranges undecayed until the next day's decay.
   */
  async maybeAutoDecay(force = false): Promise<boolean> {
    const nowMs = Date.now();
    if (!force && nowMs - this.lastDecayCheck < DECAY_CHECK_INTERVAL_MS) return false;
    this.lastDecayCheck = nowMs;
    const now = nowRfc3339(new Date(nowMs));
    // Most starts find today's decay done: one primary-key read says so. Without it the claim below
    // was sent, and before ranges its guarded UPDATE was evaluated row by row (a full scan: 15–33 ms
    // per CLI process at 10k memories, 360 ms at 1M).
    if (!force) {
      const last = await this.ctx.conn.query(
        `SELECT julianday(?) - julianday(value) AS age FROM icm_metadata WHERE key = 'last_decay_at'`,
        [now],
      );
      const age = last[0]?.age;
      if (age !== undefined && age !== null && Number(age) < 1.0) return false;
    }
    // The claim commits with the first range, in one transaction: a store whose rows cannot be
    // decayed (a damaged file, a busy one) is not claimed, and is left as it was.
    const res = await this.ctx.conn.batch([
      {
        sql: `INSERT INTO icm_metadata(key, value) VALUES ('last_decay_at', ?)
              ON CONFLICT(key) DO UPDATE SET value = excluded.value
              WHERE julianday(excluded.value) - julianday(icm_metadata.value) >= 1.0
                 OR julianday(icm_metadata.value) IS NULL`,
        args: [now],
      },
      {
        sql: `SELECT changes() AS claimed, (SELECT MIN(rowid) FROM memories) AS lo, (SELECT MAX(rowid) FROM memories) AS hi`,
      },
      // changes() is still the claim's here (a SELECT changes nothing). Unclaimed, the range is empty:
      // a guard on each row instead scanned the 20,000 rows of the range (4 ms at 1M).
      {
        sql: `${DECAY_SQL} AND rowid >= (SELECT MIN(rowid) FROM memories)
                AND rowid < (SELECT MIN(rowid) FROM memories) + (CASE WHEN changes() > 0 THEN ? ELSE 0 END)`,
        args: [DEFAULT_DECAY_FACTOR, DECAY_CHUNK_ROWS],
      },
    ]);
    const r = res[1][0];
    if (!(Number(r?.claimed ?? 0) > 0)) return false;
    if (r?.lo === null || r?.lo === undefined) return true; // nothing to decay
    const [lo, hi] = [Number(r.lo), Number(r.hi)];
    for (let from = lo - 1 + DECAY_CHUNK_ROWS; from < hi; from += DECAY_CHUNK_ROWS) {
      await this.ctx.conn.run(`${DECAY_SQL} AND rowid > ? AND rowid <= ?`, [
        DEFAULT_DECAY_FACTOR,
        from,
        Math.min(hi, from + DECAY_CHUNK_ROWS),
      ]);
    }
    return true;
  }

  /** Deletes low-weight memories that are not critical or high. */
  async prune(threshold = 0.1, opts: { dryRun?: boolean } = {}): Promise<{ count: number; ids: string[] }> {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new InvalidInputError(`prune threshold must be in (0, 1] (got ${threshold})`);
    }
    const where = `weight < ? AND importance NOT IN ('critical', 'high')`;
    const rows = await this.ctx.conn.query(`SELECT id FROM memories WHERE ${where}`, [threshold]);
    const ids = rows.map((r) => String(r.id));
    if (!opts.dryRun && ids.length) {
      const deletes = [...(await this.icmVectors.cleanup(where)), { sql: `DELETE FROM memories WHERE ${where}` }];
      await this.ctx.conn.batch(deletes.map((s) => ({ ...s, args: [threshold] })));
      this.ctx.noteWrite();
      this.icmVectors.afterDelete(ids.length);
    }
    return { count: ids.length, ids };
  }

  /**
   * Replaces a whole topic with one memory (ICM: importance high). Keywords default to the union of the
   * topic's keywords. One transaction; triggers keep FTS exact (no ghost rows).
   */
  async consolidate(
    topic: string,
    summary: string,
    opts: { keywords?: string[]; importance?: Importance } = {},
  ): Promise<{ id: string; replaced: number }> {
    const t = validateTopic(topic);
    const s = validateSummary(summary);
    const importance = opts.importance ? parseImportance(opts.importance) : 'high';
    const given = opts.keywords === undefined ? undefined : validateKeywords(opts.keywords);
    // Read, then one atomic batch that deletes exactly the memories read (one added meanwhile survives):
    // no write lock held across round trips.
    const rows = await this.ctx.conn.query(
      `SELECT id, keywords FROM memories WHERE topic = ? ORDER BY weight DESC, id`,
      [t],
    );
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
    await this.ctx.conn.batch([
      ...(await this.icmVectors.cleanup(inRead)).map((v) => ({ ...v, args: [ids] })),
      { sql: `DELETE FROM memories WHERE ${inRead}`, args: [ids] },
      { sql: INSERT_MEMORY, args: insertArgs(m, summaryHash(t, s)) },
    ]);
    this.ctx.noteWrite();
    this.icmVectors.afterDelete(rows.length);
    return { id: m.id, replaced: rows.length };
  }

  /** ICM's topic health: stale = weight < 0.5 and not accessed for 14 days; consolidate when > 5 entries. */
  async topicHealth(topic?: string): Promise<TopicHealth[]> {
    const t = topic === undefined ? undefined : validateTopic(topic);
    const rows = await this.ctx.conn.query(
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
}
