/**
 * The one place listing, recall, vector search, backfill and counts turn caller filters (topic or
 * `prefix*`, importances) and limits into SQL. Values are always bound, never spliced into the text.
 */
import type { SqlArg } from './conn';
import { InvalidInputError } from './errors';
import { type Importance, parseImportance } from './model';
import type { MemoryFilter } from './types';

export const MAX_LIMIT = 1000;

/** `sql` holds conditions to AND together, `args` their bound values in order. */
export interface SqlFilter {
  sql: string[];
  args: SqlArg[];
}

export function clampLimit(v: unknown, dflt: number, max = MAX_LIMIT): number {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1) {
    throw new InvalidInputError(`limit must be a positive number (got ${JSON.stringify(v)})`);
  }
  return Math.min(Math.floor(n), max);
}

export function importanceList(v: Importance | Importance[] | undefined): Importance[] | undefined {
  if (v === undefined) return undefined;
  const list = (Array.isArray(v) ? v : [v]).map((x) => parseImportance(x));
  return list.length ? list : undefined;
}

/**
 * The conditions for `filter` on the memories table, its columns prefixed by `alias` (`'m'` for
 * `memories m`). `topic` matches exactly; `prefix*` matches every topic starting with prefix (ICM's
 * get_by_topic_prefix) unless `exactTopic` says the `*` is part of the name.
 */
export function memoryFilter(filter: MemoryFilter, alias?: string): SqlFilter {
  const col = (c: string) => (alias ? `${alias}.${c}` : c);
  const out: SqlFilter = { sql: [], args: [] };
  const { topic } = filter;
  if (topic !== undefined && topic !== null && topic !== '') {
    if (typeof topic !== 'string') throw new InvalidInputError('topic filter must be a string');
    if (topic.endsWith('*') && !filter.exactTopic) {
      const prefix = topic.slice(0, -1).replace(/[\\%_]/g, (c) => '\\' + c);
      out.sql.push(`${col('topic')} LIKE ? ESCAPE '\\'`);
      out.args.push(prefix + '%');
    } else {
      out.sql.push(`${col('topic')} = ?`);
      out.args.push(topic.trim());
    }
  }
  const imp = importanceList(filter.importance);
  if (imp) {
    out.sql.push(`${col('importance')} IN (SELECT value FROM json_each(?))`);
    out.args.push(JSON.stringify(imp));
  }
  return out;
}

/** `f`'s conditions joined after `lead` (`WHERE`, `AND`), or nothing when there are none. */
export function sqlWhere(f: SqlFilter, lead: 'WHERE' | 'AND' = 'WHERE'): string {
  return f.sql.length ? ` ${lead} ${f.sql.join(' AND ')}` : '';
}
