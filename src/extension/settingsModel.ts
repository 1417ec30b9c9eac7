/**
 * The pure half of settings.ts (no `vscode` import, so plain Node tests cover it): which level of a
 * setting wins, path expansion, and the store config the database settings describe.
 */
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StoreConfig } from '../store';

export type SettingOrigin = 'default' | 'user' | 'workspace' | 'folder';

/** The shape of WorkspaceConfiguration.inspect()'s answer that matters here. */
export interface InspectedLevels<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface Picked<T> {
  value: T | undefined;
  origin: SettingOrigin;
  /** A workspace value existed but was skipped because the workspace is not trusted. */
  ignored: boolean;
}

/** VS Code's precedence (folder > workspace > user > default), except that an untrusted workspace's values are skipped. */
export function pickSetting<T>(i: InspectedLevels<T> | undefined, trustWorkspace: boolean): Picked<T> {
  if (!i) return { value: undefined, origin: 'default', ignored: false };
  const ws =
    i.workspaceFolderValue !== undefined
      ? { v: i.workspaceFolderValue, o: 'folder' as const }
      : i.workspaceValue !== undefined
        ? { v: i.workspaceValue, o: 'workspace' as const }
        : undefined;
  if (ws && trustWorkspace) return { value: ws.v, origin: ws.o, ignored: false };
  if (i.globalValue !== undefined) return { value: i.globalValue, origin: 'user', ignored: !!ws };
  return { value: i.defaultValue, origin: 'default', ignored: !!ws };
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

/**
 * url → remote; else syncUrl → replica of it (in `path`, or a per-primary file in global storage);
 * else a local file (`path`, or memories.db in global storage). Values are the raw setting strings.
 */
export function storeConfigFrom(
  v: { path?: string; url?: string; syncUrl?: string },
  storageDir: string,
  folders: readonly string[] = [],
): { store: StoreConfig; warnings: string[] } {
  const warnings: string[] = [];
  const dbPath = v.path?.trim() ? expandPath(v.path, folders) : '';
  const url = v.url?.trim() ?? '';
  const syncUrl = v.syncUrl?.trim() ?? '';
  if (url) {
    if (syncUrl)
      warnings.push(
        'mnemos.database.url and mnemos.database.syncUrl are both set; using the remote URL (clear one of them)',
      );
    return { store: { mode: 'remote', url }, warnings };
  }
  if (syncUrl) {
    // The store's own timer stays off: the ChangeWatcher pulls at the sync interval and then looks for changes.
    return {
      store: { mode: 'replica', path: dbPath || defaultReplicaPath(storageDir, syncUrl), syncUrl, syncIntervalSec: 0 },
      warnings,
    };
  }
  return { store: { mode: 'local', path: dbPath || path.join(storageDir, 'memories.db') }, warnings };
}
