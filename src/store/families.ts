/**
 * The one place the MCP server and the CLI get ICM's other store families from a MnemosStore:
 * memoirs and the rest (feedback, transcripts, facts, code areas), as the façade exposes them.
 */
import type { IcmRestStores } from './icmRest';
import type { MemoirStore } from './memoirs';
import type { MnemosStore } from './store';

export function memoirsOf(store: MnemosStore): MemoirStore {
  return store.memoirs;
}

export function icmRestOf(store: MnemosStore): IcmRestStores {
  return { transcripts: store.transcripts, codeAreas: store.codeAreas, feedback: store.feedback, facts: store.facts };
}
