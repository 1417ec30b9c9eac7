/**
 * One config object opens a store in any mode. Front ends build it from their own settings
 * (flags, VS Code settings + SecretStorage, environment); the store never reads VS Code.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from './errors';

export type StoreMode = 'local' | 'remote' | 'replica';

export interface LocalConfig {
  mode: 'local';
  /** File path, or ':memory:' for a throwaway database. */
  path: string;
}
export interface RemoteConfig {
  mode: 'remote';
  url: string;
  authToken?: string;
}
export interface ReplicaConfig {
  mode: 'replica';
  /** Local replica file. */
  path: string;
  syncUrl: string;
  authToken?: string;
  /** Seconds between background syncs; 0 = only on demand. */
  syncIntervalSec?: number;
}
export type StoreConfig = (LocalConfig | RemoteConfig | ReplicaConfig) & {
  /** Local: SQLite busy timeout (ms). ICM uses 30 s. */
  busyTimeoutMs?: number;
  /** Remote: attempts for a transient network failure (writes are idempotent by id). */
  retries?: number;
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Accepts libsql://, https://, wss:// anywhere and http:// / ws:// only on loopback (no TLS off-machine). */
export function validateRemoteUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    // Never echo what may be a password or a token: drop user info, query and fragment.
    const shown = String(raw)
      .replace(/\/\/[^/@]*@/, '//')
      .replace(/[?#].*$/s, '');
    throw new InvalidInputError(
      `"${shown}" is not a URL; expected libsql://, https://, wss:// (or http:// on localhost)`,
    );
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!['libsql', 'https', 'wss', 'http', 'ws'].includes(scheme)) {
    throw new InvalidInputError(
      `unsupported URL scheme "${scheme}:"; use libsql://, https://, wss:// (or http:// on localhost)`,
    );
  }
  if (!u.hostname) throw new InvalidInputError(`URL "${raw}" has no host`);
  if ((scheme === 'http' || scheme === 'ws') && !LOOPBACK.has(u.hostname)) {
    throw new InvalidInputError(
      `refusing ${scheme}:// to ${u.hostname}: tokens would travel unencrypted; use https:// or libsql://`,
    );
  }
  if (u.username || u.password)
    throw new InvalidInputError('put the auth token in secret storage or TURSO_AUTH_TOKEN, not in the URL');
  if (u.searchParams.has('authToken'))
    throw new InvalidInputError('put the auth token in secret storage or TURSO_AUTH_TOKEN, not in the URL');
  return u;
}

/** A bearer token is printable ASCII: surrounding whitespace (a pasted newline) is dropped, anything else refused. */
function validateToken(token: string | undefined): string | undefined {
  if (token === undefined || token === null) return undefined;
  const t = String(token).trim();
  if (/[^\x20-\x7e]/.test(t)) {
    throw new InvalidInputError(
      'the auth token contains a line break, a control character or non-ASCII text; set it again with only the token',
    );
  }
  return t || undefined;
}

export function validateConfig(cfg: StoreConfig): StoreConfig {
  if (!cfg || typeof cfg !== 'object') throw new InvalidInputError('store config missing');
  if ('path' in cfg && typeof cfg.path === 'string' && cfg.path.includes('\0'))
    throw new InvalidInputError('the database path contains a NUL byte');
  switch (cfg.mode) {
    case 'local':
      if (!cfg.path || typeof cfg.path !== 'string') throw new InvalidInputError('local store needs a database path');
      return cfg;
    case 'remote':
      validateRemoteUrl(cfg.url);
      return { ...cfg, authToken: validateToken(cfg.authToken) };
    case 'replica':
      if (!cfg.path || cfg.path === ':memory:')
        throw new InvalidInputError('an embedded replica needs a local file path');
      validateRemoteUrl(cfg.syncUrl);
      if (cfg.syncIntervalSec !== undefined && (!(cfg.syncIntervalSec >= 0) || !Number.isFinite(cfg.syncIntervalSec))) {
        throw new InvalidInputError('sync interval must be a number of seconds ≥ 0');
      }
      return { ...cfg, authToken: validateToken(cfg.authToken) };
    default:
      throw new InvalidInputError(`unknown store mode ${JSON.stringify((cfg as { mode?: unknown }).mode)}`);
  }
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    process.platform === 'win32'
      ? env.APPDATA || path.join(os.homedir(), 'AppData', 'Roaming')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support')
        : env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'mnemos', 'memories.db');
}

/** The default replica file for a primary: one per server, beside (never instead of) the local file. */
export function defaultReplicaPath(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const host = redactUrl(url)
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 80);
  return path.join(path.dirname(defaultDbPath(env)), 'replicas', `${host}.db`);
}

export interface ConfigOverrides {
  db?: string;
  url?: string;
  replica?: boolean;
  authToken?: string;
  syncIntervalSec?: number;
}

/**
 * Flags first, then the environment as ICM's libSQL backend reads it:
 * TURSO_DATABASE_URL | LIBSQL_URL, TURSO_AUTH_TOKEN | LIBSQL_AUTH_TOKEN, ICM_TURSO_REPLICA=1; MNEMOS_DB for the path.
 */
export function configFromEnv(over: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const replica = over.replica ?? env.ICM_TURSO_REPLICA === '1';
  // An explicit --db without --replica means "this local file", whatever the environment says.
  const url = over.url ?? (over.db && !replica ? undefined : env.TURSO_DATABASE_URL || env.LIBSQL_URL || undefined);
  const token = over.authToken ?? (env.TURSO_AUTH_TOKEN || env.LIBSQL_AUTH_TOKEN || undefined);
  const explicitPath = over.db ?? env.MNEMOS_DB;
  const dbPath = explicitPath ?? defaultDbPath(env);
  if (url) {
    if (replica) {
      const interval = over.syncIntervalSec ?? (env.MNEMOS_SYNC_INTERVAL ? Number(env.MNEMOS_SYNC_INTERVAL) : 60);
      // Never turn the default local memories file into a replica: each primary gets its own file.
      const replicaPath = explicitPath ?? defaultReplicaPath(url, env);
      return validateConfig({
        mode: 'replica',
        path: replicaPath,
        syncUrl: url,
        authToken: token,
        syncIntervalSec: interval,
      });
    }
    return validateConfig({ mode: 'remote', url, authToken: token });
  }
  if (over.replica) throw new InvalidInputError('--replica needs a primary URL (--url or TURSO_DATABASE_URL)');
  return validateConfig({ mode: 'local', path: dbPath });
}

/** A description safe to show anywhere (never includes the token). */
export function describeConfig(cfg: StoreConfig): string {
  switch (cfg.mode) {
    case 'local':
      return `local file ${cfg.path}`;
    case 'remote':
      return `remote ${redactUrl(cfg.url)}`;
    case 'replica':
      return `replica ${cfg.path} of ${redactUrl(cfg.syncUrl)}`;
  }
}

export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (/token|auth|key/i.test(k)) u.searchParams.set(k, 'redacted');
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}
