/** Export and import: every memory as JSON (ids, times, weights and access counts kept), and back. */
import type { Stmt } from './conn';
import type { StoreContext } from './context';
import { InvalidInputError } from './errors';
import type { Listing } from './listing';
import { prepareMemory } from './memories';
import { type Memory, nowRfc3339 } from './model';
import { INSERT_MEMORIES_JSON, insertManyArgs } from './rows';
import type { ExportFile } from './types';

/** Rows per insert statement of an import (one JSON argument each; the whole import is one batch). */
const IMPORT_CHUNK = 5000;

export async function exportAll(listing: Listing): Promise<ExportFile> {
  const memories: Memory[] = [];
  for await (const m of listing.iterate({ order: 'recent' })) memories.push(m);
  memories.reverse();
  return { format: 'mnemos-export', version: 1, exportedAt: nowRfc3339(), memories };
}

/** One exported memory as a row to insert: validated like a new one, its history kept where it is sound. */
function importedMemory(raw: unknown): { memory: Memory; hash: string } {
  const m = raw as Memory;
  if (!m || typeof m !== 'object') throw new InvalidInputError('not an object');
  const { id, topic, summary, importance, keywords, rawExcerpt, sourceData: source } = m;
  const { memory, hash } = prepareMemory(
    { id, topic, summary, importance, keywords, rawExcerpt, source },
    nowRfc3339(),
  );
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
  return { memory: full, hash };
}

/**
 * Imports an export file exactly. Validates every memory first and writes nothing if one is bad.
 * Existing ids and exact duplicates are skipped. One atomic batch.
 */
export async function importAll(ctx: StoreContext, data: unknown): Promise<{ imported: number; skipped: number }> {
  const file = data as Partial<ExportFile>;
  if (!file || typeof file !== 'object' || !Array.isArray(file.memories)) {
    throw new InvalidInputError('not a Mnemos export: expected {"format":"mnemos-export","memories":[…]}');
  }
  if (file.format !== undefined && file.format !== 'mnemos-export') {
    throw new InvalidInputError(`unknown export format "${String(file.format)}"`);
  }
  const rows: { memory: Memory; hash: string }[] = [];
  file.memories.forEach((raw, i) => {
    try {
      rows.push(importedMemory(raw));
    } catch (e) {
      throw new InvalidInputError(`memory #${i + 1}: ${(e as Error).message}`);
    }
  });
  if (!rows.length) return { imported: 0, skipped: 0 };
  // One statement per IMPORT_CHUNK rows (rows.ts, INSERT_MEMORIES_JSON), all in one atomic batch.
  const stmts: Stmt[] = [];
  for (let i = 0; i < rows.length; i += IMPORT_CHUNK)
    stmts.push({ sql: INSERT_MEMORIES_JSON, args: insertManyArgs(rows.slice(i, i + IMPORT_CHUNK)) });
  const res = await ctx.conn.batch(stmts);
  const imported = res.reduce((n, r) => n + r.length, 0);
  ctx.noteWrite();
  return { imported, skipped: file.memories.length - imported };
}
