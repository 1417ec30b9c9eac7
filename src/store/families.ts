/**
 * The one place the MCP server and the CLI get ICM's other store families from a MnemosStore:
 * memoirs and the rest (feedback, transcripts, facts, code areas). Today they are built over
 * `store.conn`, once per store (so each family's lazy table check runs once); when MnemosStore
 * becomes a façade holding `store.memoirs` etc., only these two functions change.
 */
import { icmRestStores, type IcmRestStores } from './icmRest';
import { MemoirStore } from './memoirs';
import type { MnemosStore } from './store';

const memoirs = new WeakMap<MnemosStore, MemoirStore>();
const rest = new WeakMap<MnemosStore, IcmRestStores>();

export function memoirsOf(store: MnemosStore): MemoirStore {
  let m = memoirs.get(store);
  if (!m) memoirs.set(store, (m = new MemoirStore(store.conn)));
  return m;
}

export function icmRestOf(store: MnemosStore): IcmRestStores {
  let r = rest.get(store);
  if (!r) rest.set(store, (r = icmRestStores(store.conn)));
  return r;
}
