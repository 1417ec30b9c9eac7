/** Row ↔ Memory mapping; the one place that knows ICM's column names. */
import type { Row, SqlArg } from './conn';
import { type Importance, IMPORTANCES, type Memory, parseJsonList, type SourceData } from './model';
import { str } from './values';

/** Every column but ICM's `embedding` blob, which no list or search needs. */
export const MEMORY_COLUMNS =
  'id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids';
export const M_COLUMNS = MEMORY_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

function parseSource(type: unknown, data: unknown): SourceData | null {
  if (typeof data !== 'string' || !data) return null;
  try {
    const v = JSON.parse(data) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string'
      ? (v as SourceData)
      : null;
  } catch {
    return null;
  }
  void type;
}

export function rowToMemory(r: Row): Memory {
  const created = str(r.created_at);
  const importance = str(r.importance).toLowerCase();
  return {
    id: String(r.id),
    createdAt: created,
    // ICM: an empty updated_at means "never updated" (pre-0.3.1 rows).
    updatedAt: (r.updated_at as string) || created,
    lastAccessed: r.last_accessed == null ? created : str(r.last_accessed),
    accessCount: Number(r.access_count ?? 0),
    weight: r.weight === null || r.weight === undefined ? 1 : Number(r.weight),
    topic: str(r.topic),
    summary: str(r.summary),
    rawExcerpt: (r.raw_excerpt as string | null) ?? null,
    keywords: parseJsonList(r.keywords),
    importance: ((IMPORTANCES as readonly string[]).includes(importance) ? importance : 'medium') as Importance,
    sourceType: r.source_type == null ? 'manual' : str(r.source_type),
    sourceData: parseSource(r.source_type, r.source_data),
    relatedIds: parseJsonList(r.related_ids),
  };
}

const INSERT_COLUMNS =
  'id, created_at, updated_at, last_accessed, access_count, weight, topic, summary, raw_excerpt, keywords, importance, source_type, source_data, related_ids, summary_hash';

export const INSERT_MEMORY = `INSERT OR IGNORE INTO memories
  (${INSERT_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Many memories in one statement: its one argument is a JSON array of `insertArgs` arrays, and it
 * returns the id of each row it inserted (a row ignored, by id or by ICM's hash dedup, returns none).
 * One statement, not one per row, because FTS5 flushes its pending terms to a new segment at every
 * statement that writes it through a trigger (a virtual-table savepoint): 1,000 rows written one
 * statement each made 1,000 one-row segments and the merges to fold them, ≈ 70 µs a row at 300,000
 * memories (docs/BENCHMARKS.md, "Bulk writes, one statement").
 */
export const INSERT_MEMORIES_JSON = `INSERT OR IGNORE INTO memories (${INSERT_COLUMNS})
  ${selectJsonRows(INSERT_COLUMNS)} RETURNING id`;

/**
 * `SELECT value ->> 0, value ->> 1, … FROM json_each(?)`: one row per element of a JSON array of
 * arrays bound as the statement's argument, one value per column of `columns` (comma-separated),
 * for an `INSERT … SELECT` of many rows in one statement.
 */
export function selectJsonRows(columns: string): string {
  return `SELECT ${columns
    .split(', ')
    .map((_, i) => `value ->> ${i}`)
    .join(', ')} FROM json_each(?)`;
}

export function insertManyArgs(rows: readonly { memory: Memory; hash: string | null }[]): SqlArg[] {
  return [JSON.stringify(rows.map((r) => insertArgs(r.memory, r.hash)))];
}

export function insertArgs(m: Memory, hash: string | null): SqlArg[] {
  return [
    m.id,
    m.createdAt,
    m.updatedAt,
    m.lastAccessed,
    m.accessCount,
    m.weight,
    m.topic,
    m.summary,
    m.rawExcerpt,
    JSON.stringify(m.keywords),
    m.importance,
    m.sourceType,
    m.sourceData ? JSON.stringify(m.sourceData) : null,
    JSON.stringify(m.relatedIds),
    hash,
  ];
}
