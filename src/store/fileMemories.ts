/**
 * Memories about one file, for a lens beside it: those that mention its name (an FTS5 phrase of the
 * name's words over topic, summary and keywords: `store.ts` matches "store.ts" and "store ts") and
 * those saved from it (`source_data.file`, what Save Selection records). One statement; the name
 * reaches MATCH only as a quoted phrase built from `queryTerms`, so no file name is a syntax error.
 */
import type { Conn } from './conn';
import { InvalidInputError } from './errors';
import { queryTerms } from './fts';
import { num, str } from './values';

export interface FileMemoryQuery {
  /** The file's name (`store.ts`): memories that mention it. */
  name: string;
  /** The file's path relative to its workspace folder (`src/store/store.ts`): memories saved from it. */
  path?: string | null;
  /** How many ids to return (the count is of all of them). */
  limit?: number;
}

export interface FileMemories {
  /** Ids, highest weight first. */
  ids: string[];
  total: number;
}

/** The FTS5 phrase for a file name (`"store ts"`), or null when the name has no searchable word. */
export function fileNamePhrase(name: string): string | null {
  const terms = queryTerms(name);
  return terms.length ? `"${terms.join(' ').replace(/"/g, '""')}"` : null;
}

export async function memoriesForFile(conn: Pick<Conn, 'query'>, q: FileMemoryQuery): Promise<FileMemories> {
  if (!q || typeof q.name !== 'string') throw new InvalidInputError('name must be a string');
  if (q.path != null && typeof q.path !== 'string') throw new InvalidInputError('path must be a string');
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 0 || limit > 1000)
    throw new InvalidInputError('limit must be an integer between 0 and 1000');
  const phrase = fileNamePhrase(q.name);
  const path = q.path || null;
  if (!phrase && !path) return { ids: [], total: 0 };
  const arms: string[] = [];
  const args: (string | number)[] = [];
  if (phrase) {
    arms.push(`SELECT rowid AS r FROM memories_fts WHERE memories_fts MATCH ?`);
    args.push(phrase);
  }
  if (path) {
    // instr() on the JSON text first: json_extract runs only on rows that hold the path at all.
    arms.push(`SELECT rowid AS r FROM memories WHERE source_data IS NOT NULL AND instr(source_data, ?) > 0
      AND json_valid(source_data) AND json_extract(source_data, '$.file') = ?`);
    args.push(JSON.stringify(path), path);
  }
  const rows = await conn.query(
    `WITH hits AS (${arms.join(' UNION ')})
     SELECT m.id, COUNT(*) OVER () AS total FROM memories m JOIN hits ON m.rowid = hits.r
     ORDER BY COALESCE(m.weight, 1.0) DESC, m.id ASC LIMIT ?`,
    [...args, limit || 1],
  );
  return { ids: limit ? rows.map((r) => str(r.id)) : [], total: num(rows[0]?.total) };
}
