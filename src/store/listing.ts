/** Listing and counting memories: keyset pages (no 10,000 cap), topics, counts, ICM's stats. */
import type { Conn, SqlArg } from './conn';
import { InvalidInputError } from './errors';
import { clampLimit, memoryFilter, sqlWhere } from './filters';
import type { Importance, Memory } from './model';
import { MEMORY_COLUMNS, rowToMemory } from './rows';
import type { ListOptions, MemoryBrief, Page, StoreStats, TopicCount } from './types';

function encodeCursor(parts: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
function decodeCursor(c: string): (string | number | null)[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2) return v as (string | number | null)[];
  } catch {
    /* fall through */
  }
  throw new InvalidInputError('invalid page cursor');
}

/** Tab, line feed, vertical tab, form feed, carriage return, space: JavaScript's ASCII `\\s`. */
const ASCII_WS = [9, 10, 11, 12, 13, 32];

export class Listing {
  constructor(private readonly conn: Conn) {}

  /**
   * Keyset-paginated listing (no 10,000 cap): by weight (ICM's order) or most recent first.
   *
   * By weight, ties (every fresh memory weighs 1.0) are broken by rowid, newest first, and the key is
   * `(weight, rowid)`: both are the `idx_memories_weight` entry itself, so a page is an index range
   * read, not a sort of the whole table (`COALESCE(weight, 1.0) DESC, id` sorted every row: 827 ms
   * for the first page at 1,000,000 memories). A NULL weight, which neither ICM nor Mnemos writes,
   * comes after every weighted memory.
   */
  async list(opts: ListOptions = {}): Promise<Page<Memory>> {
    const limit = clampLimit(opts.limit, 100, 10_000);
    if ((opts.order ?? 'weight') === 'weight') return this.listByWeight(opts, limit);
    const f = memoryFilter(opts);
    if (opts.cursor) {
      const [k, id] = decodeCursor(opts.cursor);
      f.sql.push(`(created_at < ? OR (created_at = ? AND id < ?))`);
      f.args.push(String(k), String(k), String(id));
    }
    const sql = `SELECT ${MEMORY_COLUMNS} FROM memories${sqlWhere(f)} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = await this.conn.query(sql, [...f.args, limit + 1]);
    const items = rows.slice(0, limit).map(rowToMemory);
    const last = items[items.length - 1];
    if (rows.length <= limit || !last) return { items, nextCursor: null };
    return { items, nextCursor: encodeCursor([last.createdAt, last.id]) };
  }

  private async listByWeight(opts: ListOptions, limit: number): Promise<Page<Memory>> {
    const f = memoryFilter(opts);
    // [weight, rowid] of the last row shown; weight null: the page ended among NULL weights.
    const [k, r] = opts.cursor ? decodeCursor(opts.cursor) : [undefined, undefined];
    if (opts.cursor && (typeof r !== 'number' || !(typeof k === 'number' || k === null)))
      throw new InvalidInputError('invalid page cursor');
    const cond = (extra: string) => sqlWhere({ sql: [...f.sql, extra], args: [] });
    const arms: string[] = [];
    const args: SqlArg[] = [];
    // Each arm is one index range in key order; UNION ALL with an outer LIMIT stops at the first arms.
    const arm = (where: string, order: string, keyArgs: SqlArg[]) => {
      arms.push(
        `SELECT * FROM (SELECT ${MEMORY_COLUMNS}, rowid AS k_rowid FROM memories${cond(where)} ORDER BY ${order} LIMIT ?)`,
      );
      args.push(...f.args, ...keyArgs, limit + 1);
    };
    if (k === undefined) arm('weight IS NOT NULL', 'weight DESC, rowid DESC', []);
    else if (k !== null) {
      arm('weight = ? AND rowid < ?', 'rowid DESC', [k, r!]);
      arm('weight < ?', 'weight DESC, rowid DESC', [k]);
    }
    if (k === null) arm('weight IS NULL AND rowid < ?', 'rowid DESC', [r!]);
    else arm('weight IS NULL', 'rowid DESC', []);
    const rows = await this.conn.query(`${arms.join(' UNION ALL ')} LIMIT ?`, [...args, limit + 1]);
    const items = rows.slice(0, limit).map(rowToMemory);
    if (rows.length <= limit || !items.length) return { items, nextCursor: null };
    const last = rows[limit - 1];
    return {
      items,
      nextCursor: encodeCursor([last.weight === null ? null : Number(last.weight), Number(last.k_rowid)]),
    };
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

  /**
   * Briefs of the memories with one of these importances, plus (with `preferenceTopics`) every
   * memory whose topic may be a preference topic by ICM's `is_preference_topic` (`identity`,
   * `user-…`, `user.…`, any topic containing `preference`; ASCII case-insensitive, so a caller that
   * needs the exact rule re-checks). One statement, no text columns. With `heaviest`, only among the
   * `heaviest` memories by weight (ICM's wake-up reads its candidates from `list_all`, at most 10,000
   * by weight): an index range of `idx_memories_weight`, not a scan, whatever the store's size (every
   * critical/high memory of a 1,000,000-memory store took 5.2 s).
   */
  async briefs(opts: {
    importance: Importance[];
    preferenceTopics?: boolean;
    heaviest?: number;
  }): Promise<MemoryBrief[]> {
    const or: string[] = [];
    const args: SqlArg[] = [];
    if (opts.importance.length) {
      or.push(`importance IN (SELECT value FROM json_each(?))`);
      args.push(JSON.stringify(opts.importance));
    }
    if (opts.preferenceTopics)
      or.push(`topic LIKE '%preference%' OR topic LIKE 'identity' OR topic LIKE 'user-%' OR topic LIKE 'user.%'`);
    if (!or.length) return [];
    let from = 'memories';
    if (opts.heaviest !== undefined) {
      // Weighted rows by (weight, rowid) descending, then the NULL weights (as `list` orders them).
      const cols = 'id, topic, importance, created_at, last_accessed, weight, summary';
      from = `(SELECT * FROM (SELECT ${cols} FROM memories WHERE weight IS NOT NULL ORDER BY weight DESC, rowid DESC LIMIT ?)
               UNION ALL SELECT * FROM (SELECT ${cols} FROM memories WHERE weight IS NULL ORDER BY rowid DESC LIMIT ?)
               LIMIT ?)`;
    }
    const rows = await this.conn.query(
      `SELECT id, topic, importance, created_at, last_accessed, weight,
              CASE WHEN w GLOB '*[^!-~]*' THEN 0 ELSE length(w) END AS min_line
       FROM (SELECT *, ${ASCII_WS.reduce((x, c) => `replace(${x}, char(${c}), '')`, 'summary')} AS w
             FROM ${from} WHERE ${or.join(' OR ')})`,
      opts.heaviest !== undefined ? [...Array<number>(3).fill(Math.max(0, Math.floor(opts.heaviest))), ...args] : args,
    );
    return rows.map((r) => ({
      id: String(r.id),
      topic: String(r.topic),
      importance: r.importance as Importance,
      createdAt: String(r.created_at),
      lastAccessed: String(r.last_accessed),
      weight: r.weight === null ? 1 : Number(r.weight),
      minLineLength: Number(r.min_line),
    }));
  }

  /** Topics with their memory counts (only memories of these importances, when given). */
  async topics(opts: { importance?: Importance | Importance[] } = {}): Promise<TopicCount[]> {
    if (opts.importance === undefined) {
      // Every topic: the trigger-kept counts (src/store/schema.ts), not a pass over the topic index.
      const rows = await this.conn.query(`SELECT topic, n FROM mnemos_topic_counts ORDER BY topic`);
      return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
    }
    const f = memoryFilter({ importance: opts.importance });
    const sql = `SELECT topic, COUNT(*) AS n FROM memories${sqlWhere(f)} GROUP BY topic ORDER BY topic`;
    const rows = await this.conn.query(sql, f.args);
    return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
  }

  async count(topic?: string): Promise<number> {
    if (typeof topic === 'string' && topic.trim() && !topic.endsWith('*')) {
      // One topic by name: one key lookup in the trigger-kept counts (src/store/schema.ts).
      const rows = await this.conn.query(`SELECT n FROM mnemos_topic_counts WHERE topic = ?`, [topic.trim()]);
      return Number(rows[0]?.n ?? 0);
    }
    const f = memoryFilter({ topic });
    const rows = await this.conn.query(`SELECT COUNT(*) AS n FROM memories${sqlWhere(f)}`, f.args);
    return Number(rows[0]?.n ?? 0);
  }

  async stats(): Promise<StoreStats> {
    // One subquery per figure, each over its own index (covering, or one seek for MIN/MAX): one
    // pass over the whole table for all five cost 843 ms at 1,000,000 memories.
    const [r] = await this.conn.query(
      `SELECT (SELECT COUNT(*) FROM memories) AS n,
              (SELECT COUNT(*) FROM mnemos_topic_counts) AS t,
              (SELECT COALESCE(AVG(weight), 0) FROM memories) AS w,
              (SELECT MIN(created_at) FROM memories) AS oldest,
              (SELECT MAX(created_at) FROM memories) AS newest`,
    );
    return {
      totalMemories: Number(r.n),
      totalTopics: Number(r.t),
      avgWeight: Number(r.w),
      oldestMemory: (r.oldest as string) ?? null,
      newestMemory: (r.newest as string) ?? null,
    };
  }
}
