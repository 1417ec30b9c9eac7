/**
 * The one way the extension reaches memoirs: `memoirsOf(store)`. Until MnemosStore carries its own
 * `memoirs`, a MemoirStore is built over the store's connection (once per store, so the schema check
 * runs once). When the façade has `store.memoirs`, this function becomes `return store.memoirs`.
 */
import { MemoirStore, type MemoirSummary, type MnemosStore } from '../../store';

const byStore = new WeakMap<MnemosStore, MemoirStore>();

export function memoirsOf(store: MnemosStore): MemoirStore {
  let m = byStore.get(store);
  if (!m) {
    m = new MemoirStore(store.conn);
    byStore.set(store, m);
  }
  return m;
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
