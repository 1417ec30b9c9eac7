/**
 * The pure half of mcp.ts (no `vscode` import, so plain Node tests cover it): the store settings as
 * the environment `mnemos serve` reads (ICM's variables), and the editor runtime as Node.
 */
import * as path from 'node:path';
import type { StoreConfig } from '../store';

/** Environment variables the server reads for its store; each is set or removed, so the editor's own environment cannot redirect it. */
export const STORE_ENV = [
  'MNEMOS_DB',
  'TURSO_DATABASE_URL',
  'LIBSQL_URL',
  'ICM_TURSO_REPLICA',
  'MNEMOS_SYNC_INTERVAL',
] as const;
export const TOKEN_ENV = ['TURSO_AUTH_TOKEN', 'LIBSQL_AUTH_TOKEN'] as const;
/** The server's own pull interval when the editor's replica syncs only on demand (it has no Sync Now). */
export const MCP_REPLICA_DEFAULT_SYNC_SEC = 60;

export type McpEnv = Record<string, string | null>;

/** The store settings as the CLI's environment (never the token). */
export function storeEnv(cfg: StoreConfig, syncIntervalSec: number): McpEnv {
  const env: McpEnv = Object.fromEntries(STORE_ENV.map((k) => [k, null]));
  if (cfg.mode === 'local') env.MNEMOS_DB = cfg.path;
  else if (cfg.mode === 'remote') env.TURSO_DATABASE_URL = cfg.url;
  else {
    env.TURSO_DATABASE_URL = cfg.syncUrl;
    env.ICM_TURSO_REPLICA = '1';
    // Its own replica file beside the editor's: two processes must not pull frames into one replica file.
    env.MNEMOS_DB = mcpReplicaPath(cfg.path);
    env.MNEMOS_SYNC_INTERVAL = String(syncIntervalSec > 0 ? syncIntervalSec : MCP_REPLICA_DEFAULT_SYNC_SEC);
  }
  return env;
}

export function mcpReplicaPath(editorReplica: string): string {
  const ext = path.extname(editorReplica);
  return `${editorReplica.slice(0, editorReplica.length - ext.length)}.mcp${ext || '.db'}`;
}

export const EMBED_ENV = [
  'MNEMOS_EMBED_MODEL',
  'MNEMOS_MODEL_CACHE',
  'MNEMOS_MODEL_DIR',
  'MNEMOS_EMBED_OFFLINE',
] as const;

/**
 * The editor's embedding settings for the server: same model, same download cache (a model the
 * editor fetched is not fetched again), or keyword-only when embeddings are off.
 */
export function embeddingEnv(st: { enabled: boolean; model: string }, cacheDir: string, modelDir?: string): McpEnv {
  const env: McpEnv = Object.fromEntries(EMBED_ENV.map((k) => [k, null]));
  if (!st.enabled) return env;
  env.MNEMOS_EMBED_MODEL = st.model;
  env.MNEMOS_MODEL_CACHE = cacheDir;
  if (modelDir) {
    env.MNEMOS_MODEL_DIR = modelDir;
    env.MNEMOS_EMBED_OFFLINE = '1';
  }
  return env;
}

/** The token joins the environment of the started server only: set from the token source, or removed. */
export function tokenEnv(token: string | undefined): McpEnv {
  const env: McpEnv = Object.fromEntries(TOKEN_ENV.map((k) => [k, null]));
  if (token) env.TURSO_AUTH_TOKEN = token;
  return env;
}

/** The editor's runtime as Node: Electron (desktop VS Code) needs ELECTRON_RUN_AS_NODE; a Node host (code-server, remote) does not. */
export function runtime(
  execPath: string = process.execPath,
  versions: NodeJS.ProcessVersions = process.versions,
): { command: string; env: McpEnv } {
  return { command: execPath, env: versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}
