/**
 * `mnemos.*` settings → a store config (without the token). Workspace values override user values,
 * except the database location in an untrusted workspace: a cloned repository must not be able to
 * point Mnemos at a server of its choosing (where your token would be sent) or at a file of its choosing.
 */
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StoreConfig } from '../store';

export const SECTION = 'mnemos';
export const RESTRICTED_KEYS = ['database.path', 'database.url', 'database.syncUrl'] as const;
export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_SYNC_INTERVAL_SEC = 10;

export interface MnemosSettings {
  /** Store config without the auth token (the token is added at open time from SecretStorage/env). */
  store: StoreConfig;
  /** Where each database value came from, for "Show Store Info". */
  origin: { path: SettingOrigin; url: SettingOrigin; syncUrl: SettingOrigin };
  embeddings: { enabled: boolean; model: string };
  recallLimit: number;
  syncIntervalSec: number;
  /** Workspace values that were ignored because the workspace is not trusted. */
  ignoredUntrusted: string[];
  warnings: string[];
}
export type SettingOrigin = 'default' | 'user' | 'workspace' | 'folder';

interface Inspected<T> {
  value: T | undefined;
  origin: SettingOrigin;
  ignored: boolean;
}

/** Reads a setting the way VS Code resolves it, but skips workspace values when told to. */
function read<T>(cfg: vscode.WorkspaceConfiguration, key: string, trustWorkspace: boolean): Inspected<T> {
  const i = cfg.inspect<T>(key);
  if (!i) return { value: undefined, origin: 'default', ignored: false };
  const ws = i.workspaceFolderValue !== undefined ? { v: i.workspaceFolderValue, o: 'folder' as const } : i.workspaceValue !== undefined ? { v: i.workspaceValue, o: 'workspace' as const } : undefined;
  if (ws && trustWorkspace) return { value: ws.v, origin: ws.o, ignored: false };
  if (i.globalValue !== undefined) return { value: i.globalValue, origin: 'user', ignored: !!ws };
  return { value: i.defaultValue, origin: 'default', ignored: !!ws };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** `~`, `${workspaceFolder}`, `${userHome}`; relative paths are relative to the first workspace folder (else home). */
export function expandPath(raw: string, folders: readonly string[] = [], home = os.homedir()): string {
  let p = raw.trim();
  const ws = folders[0];
  p = p.replace(/\$\{userHome\}/g, home);
  if (ws) p = p.replace(/\$\{workspaceFolder\}/g, ws);
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(home, p.slice(1));
  if (!path.isAbsolute(p)) p = path.resolve(ws ?? home, p);
  return p;
}

/** A replica file per primary by default, so switching primaries never mixes two databases in one file. */
export function defaultReplicaPath(storageDir: string, syncUrl: string): string {
  const h = crypto.createHash('sha256').update(syncUrl).digest('hex').slice(0, 12);
  return path.join(storageDir, `replica-${h}.db`);
}

export function readSettings(globalStorageDir: string): MnemosSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const trusted = vscode.workspace.isTrusted;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const warnings: string[] = [];
  const ignoredUntrusted: string[] = [];

  const p = read<string>(cfg, 'database.path', trusted);
  const u = read<string>(cfg, 'database.url', trusted);
  const s = read<string>(cfg, 'database.syncUrl', trusted);
  for (const [k, r] of [['database.path', p], ['database.url', u], ['database.syncUrl', s]] as const) {
    if (r.ignored) ignoredUntrusted.push(`${SECTION}.${k}`);
  }
  const interval = Number(cfg.get('database.syncInterval', DEFAULT_SYNC_INTERVAL_SEC));
  const syncIntervalSec = Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_SYNC_INTERVAL_SEC;
  const limit = Number(cfg.get('recall.limit', 10));
  const recallLimit = Number.isFinite(limit) ? Math.min(100, Math.max(1, Math.floor(limit))) : 10;
  const model = str(cfg.get('embeddings.model', DEFAULT_MODEL)) || DEFAULT_MODEL;
  const enabled = cfg.get<boolean>('embeddings.enabled') !== false;

  const dbPath = str(p.value) ? expandPath(str(p.value), folders) : '';
  const url = str(u.value);
  const syncUrl = str(s.value);
  let store: StoreConfig;
  if (url) {
    if (syncUrl) warnings.push(`${SECTION}.database.url and ${SECTION}.database.syncUrl are both set; using the remote URL (clear one of them)`);
    store = { mode: 'remote', url };
  } else if (syncUrl) {
    // The store's own timer is off: the ChangeWatcher syncs at this interval and then checks for changes.
    store = { mode: 'replica', path: dbPath || defaultReplicaPath(globalStorageDir, syncUrl), syncUrl, syncIntervalSec: 0 };
  } else {
    store = { mode: 'local', path: dbPath || path.join(globalStorageDir, 'memories.db') };
  }
  return {
    store,
    origin: { path: p.origin, url: u.origin, syncUrl: s.origin },
    embeddings: { enabled, model },
    recallLimit,
    syncIntervalSec,
    ignoredUntrusted,
    warnings,
  };
}

/** Same database? (A token change is handled separately.) */
export function sameLocation(a: StoreConfig, b: StoreConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
