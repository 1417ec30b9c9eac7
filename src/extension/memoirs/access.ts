/**
 * The one way the extension reaches memoirs: `memoirsOf(store)`, the façade's `store.memoirs`.
 */
import type { MemoirStore, MemoirSummary, MnemosStore } from '../../store';

export function memoirsOf(store: MnemosStore): MemoirStore {
  return store.memoirs;
}

export interface MemoirRow extends MemoirSummary {
  linkCount: number;
}

/** Every memoir with its concept and link counts (the tree rows, the pickers). */
export async function memoirRows(memoirs: MemoirStore): Promise<MemoirRow[]> {
  const list = await memoirs.listMemoirs();
  const stats = await Promise.all(list.map((m) => memoirs.stats(m.id).catch(() => undefined)));
  return list.map((m, i) => ({ ...m, linkCount: stats[i]?.totalLinks ?? 0 }));
}
