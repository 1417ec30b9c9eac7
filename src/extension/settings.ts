/**
 * `mnemos.*` settings → a store config (without the token). Workspace values override user values,
 * except the database location in an untrusted workspace: a cloned repository must not be able to
 * point Mnemos at a server of its choosing (where your token would be sent) or at a file of its choosing.
 */
import * as vscode from 'vscode';
import type { StoreConfig } from '../store';
import { pickSetting, type SettingOrigin, storeConfigFrom } from './settingsModel';

export const SECTION = 'mnemos';
export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_SYNC_INTERVAL_SEC = 10;
export type { SettingOrigin } from './settingsModel';

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

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

export function readSettings(globalStorageDir: string): MnemosSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const trusted = vscode.workspace.isTrusted;
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => f.uri.fsPath);

  const p = pickSetting(cfg.inspect<string>('database.path'), trusted);
  const u = pickSetting(cfg.inspect<string>('database.url'), trusted);
  const s = pickSetting(cfg.inspect<string>('database.syncUrl'), trusted);
  const ignoredUntrusted = (
    [
      ['database.path', p],
      ['database.url', u],
      ['database.syncUrl', s],
    ] as const
  )
    .filter(([, r]) => r.ignored)
    .map(([k]) => `${SECTION}.${k}`);

  const interval = Number(cfg.get('database.syncInterval', DEFAULT_SYNC_INTERVAL_SEC));
  const limit = Number(cfg.get('recall.limit', 10));
  const { store, warnings } = storeConfigFrom(
    { path: str(p.value), url: str(u.value), syncUrl: str(s.value) },
    globalStorageDir,
    folders,
  );
  return {
    store,
    origin: { path: p.origin, url: u.origin, syncUrl: s.origin },
    embeddings: {
      enabled: cfg.get<boolean>('embeddings.enabled') !== false,
      model: str(cfg.get('embeddings.model')) || DEFAULT_MODEL,
    },
    recallLimit: Number.isFinite(limit) ? Math.min(100, Math.max(1, Math.floor(limit))) : 10,
    syncIntervalSec: Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_SYNC_INTERVAL_SEC,
    ignoredUntrusted,
    warnings,
  };
}

/** Same database? (A token change is handled separately.) */
export function sameLocation(a: StoreConfig, b: StoreConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
