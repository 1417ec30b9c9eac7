/**
 * What the extension host gives the Memories sidebar (src/extension/sidebar/provider.ts).
 * The sidebar reads data only through getStore() and re-reads when told to; it never opens a store itself.
 */
import type * as vscode from 'vscode';
import type { SidebarStatus } from '../../shared/protocol';
import type { MnemosStore } from '../../store';

export interface SidebarDeps {
  /** The open store (opened on first call; rejects with a StoreError the sidebar can show). */
  getStore(): Promise<MnemosStore>;
  /** Memories changed: a write from this window or from any other writer (polled), or Refresh. */
  onDidChangeData: vscode.Event<void>;
  /** The store was swapped or its status changed (settings, token, connection): re-read status and data. */
  onDidChangeStore: vscode.Event<void>;
  /** Runs a `mnemos.*` command (openMemory, editMemory, deleteMemory, forgetTopic … take an id/topic argument). */
  runCommand(id: string, ...args: unknown[]): Thenable<unknown>;
  /** A line in the "Mnemos" output channel (secrets are redacted). */
  log(message: string): void;
  /** Mode, connection, and while search is keyword-only why, in words (`recall`). */
  status(): SidebarStatus;
  /** Loads the embedding model again: the sidebar's Retry after a failed load. */
  reloadModel?(): Promise<unknown>;
  /** A plain "offline" sentence for an error that means the server is unreachable (the banner shows it with Retry). */
  offlineMessage?(error: unknown): string | undefined;
}
