/**
 * The seam to the embedding backfill. The store/embed layer owns how vectors are made and stored;
 * the extension only shows progress and lets the user cancel. Until that layer exports a backfill,
 * `backfill` is undefined and "Embed Memories Without Vectors" says embeddings are not available yet.
 */
import type { MnemosStore } from '../store';

export interface BackfillOptions {
  model: string;
  /** Where downloaded models are cached (the extension's global storage). */
  cacheDir: string;
  signal: AbortSignal;
  onProgress(done: number, total: number): void;
}
export type BackfillFn = (store: MnemosStore, opts: BackfillOptions) => Promise<{ embedded: number; total: number }>;

export const backfill: BackfillFn | undefined = undefined;
