/** Listing and counting memories: keyset pages (no 10,000 cap), topics, counts, ICM's stats. */
import type { Conn } from './conn';
import { InvalidInputError } from './errors';
import { clampLimit, memoryFilter, sqlWhere } from './filters';
import type { Importance, Memory } from './model';
import { MEMORY_COLUMNS, rowToMemory } from './rows';
import type { ListOptions, Page, StoreStats, TopicCount } from './types';

function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
function decodeCursor(c: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2) return v as (string | number)[];
  } catch {
    /* fall through */
  }
  throw new InvalidInputError('invalid page cursor');
}

export class Listing {
  constructor(private readonly conn: Conn) {}

  /** Keyset-paginated listing (no 10,000 cap): by weight (ICM's order) or most recent first. */
  async list(opts: ListOptions = {}): Promise<Page<Memory>> {
    const limit = clampLimit(opts.limit, 100, 10_000);
    const order = opts.order ?? 'weight';
    const f = memoryFilter(opts);
    if (opts.cursor) {
      const [k, id] = decodeCursor(opts.cursor);
      if (order === 'weight') {
        f.sql.push(`(COALESCE(weight, 1.0) < ? OR (COALESCE(weight, 1.0) = ? AND id > ?))`);
        f.args.push(Number(k), Number(k), String(id));
      } else {
        f.sql.push(`(created_at < ? OR (created_at = ? AND id < ?))`);
        f.args.push(String(k), String(k), String(id));
      }
    }
    const orderBy = order === 'weight' ? `COALESCE(weight, 1.0) DESC, id ASC` : `created_at DESC, id DESC`;
    const sql = `SELECT ${MEMORY_COLUMNS} FROM memories${sqlWhere(f)} ORDER BY ${orderBy} LIMIT ?`;
    const rows = await this.conn.query(sql, [...f.args, limit + 1]);
    const items = rows.slice(0, limit).map(rowToMemory);
    const last = items[items.length - 1];
    if (rows.length <= limit || !last) return { items, nextCursor: null };
    const w = rows[limit - 1].weight;
    const key = order === 'weight' ? (w === null ? 1 : Number(w)) : last.createdAt;
    return { items, nextCursor: encodeCursor([key, last.id]) };
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
    const f = memoryFilter({ importance: opts.importance });
    const sql = `SELECT topic, COUNT(*) AS n FROM memories${sqlWhere(f)} GROUP BY topic ORDER BY topic`;
    const rows = await this.conn.query(sql, f.args);
    return rows.map((r) => ({ topic: String(r.topic), count: Number(r.n) }));
  }

  async count(topic?: string): Promise<number> {
    const f = memoryFilter({ topic });
    const rows = await this.conn.query(`SELECT COUNT(*) AS n FROM memories${sqlWhere(f)}`, f.args);
    return Number(rows[0]?.n ?? 0);
  }

  async stats(): Promise<StoreStats> {
    const [r] = await this.conn.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT topic) AS t, COALESCE(AVG(weight), 0) AS w,
              MIN(created_at) AS oldest, MAX(created_at) AS newest FROM memories`,
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
