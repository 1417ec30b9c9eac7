/** Everything a command needs, built once in activate(). */
import type * as vscode from 'vscode';
import type { MnemosStore } from '../store';
import type { ChangeWatcher } from './changeWatcher';
import type { EmbeddingsHost } from './embeddings';
import type { Log } from './log';
import type { MemoryDocumentProvider } from './memoryDocument';
import type { Notifier } from './notify';
import type { OfflineQueue } from './offline';
import type { TokenSource } from './secrets';
import type { StoreHost } from './storeHost';

export interface Services {
  context: vscode.ExtensionContext;
  host: StoreHost;
  tokens: TokenSource;
  log: Log;
  notify: Notifier;
  watcher: ChangeWatcher;
  docs: MemoryDocumentProvider;
  embeddings: EmbeddingsHost;
  /** Saves that wait for an unreachable server; "offline" messages for reads. */
  offline: OfflineQueue;
  /** The open store; an open failure is marked so its notification offers Open Settings. */
  store(): Promise<MnemosStore>;
  /** The error came from opening the store (so Open Settings is the fix), not from an operation. */
  isOpenError(e: unknown): boolean;
  /** After settings/token changes closed a store that was in use: open the new one now and say if that fails. */
  reopen(wasActive: boolean, why: string): void;
  /** After a write from this window: check for changes now (the data event fires once). */
  changed(): void;
}
