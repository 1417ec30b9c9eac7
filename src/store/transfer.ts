/** Export and import: every memory as JSON (ids, times, weights and access counts kept), and back. */
import type { Stmt } from './conn';
import type { StoreContext } from './context';
import { InvalidInputError } from './errors';
import type { Listing } from './listing';
import { prepareMemory } from './memories';
import { type Memory, nowRfc3339 } from './model';
import { INSERT_MEMORY, insertArgs } from './rows';
import type { ExportFile } from './types';

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
  const stmts: Stmt[] = [];
  file.memories.forEach((raw, i) => {
    let row: { memory: Memory; hash: string };
    try {
      row = importedMemory(raw);
    } catch (e) {
      throw new InvalidInputError(`memory #${i + 1}: ${(e as Error).message}`);
    }
    stmts.push({ sql: INSERT_MEMORY, args: insertArgs(row.memory, row.hash) }, { sql: `SELECT changes() AS n` });
  });
  if (!stmts.length) return { imported: 0, skipped: 0 };
  const res = await ctx.conn.batch(stmts);
  let imported = 0;
  for (let i = 1; i < res.length; i += 2) imported += Number(res[i][0]?.n ?? 0) > 0 ? 1 : 0;
  ctx.noteWrite();
  return { imported, skipped: file.memories.length - imported };
}
