/**
 * Embedding settings for the processes that have no settings UI (CLI, MCP server), from the
 * environment:
 *   MNEMOS_EMBED_MODEL   model id (e.g. Xenova/all-MiniLM-L6-v2); unset or "off": keyword-only
 *   MNEMOS_MODEL_DIR     folder of local models (<dir>/<model id>/…), used before any download
 *   MNEMOS_MODEL_CACHE   download cache (default: <data dir>/mnemos/models)
 *   MNEMOS_EMBED_OFFLINE=1  never download
 *   MNEMOS_EMBED_THREADS inference threads (default 1)
 */
import * as path from 'node:path';
import { defaultDbPath } from '../store/config';
import { Embedder } from './embedder';

export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';

export function embedderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  over: { model?: string } = {},
): Embedder | undefined {
  const model = (over.model ?? env.MNEMOS_EMBED_MODEL ?? '').trim();
  if (!model || model === 'off' || model === '0') return undefined;
  const threads = Number(env.MNEMOS_EMBED_THREADS ?? 1);
  return new Embedder({
    modelId: model,
    cacheDir: env.MNEMOS_MODEL_CACHE || path.join(path.dirname(defaultDbPath(env)), 'models'),
    localModelPath: env.MNEMOS_MODEL_DIR || undefined,
    allowRemote: env.MNEMOS_EMBED_OFFLINE !== '1',
    threads: Number.isFinite(threads) && threads >= 1 ? Math.floor(threads) : 1,
  });
}
