/** Registers every `mnemos.*` command with one error policy: cancel quietly, report StoreErrors with their fix. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Cancelled } from './args';
import { deleteMemory, editMemory, forgetTopic, openMemory, recall, saveMemory, saveSelection } from './memories';
import {
  clearAuthToken,
  connect,
  embedMissing,
  exportMemories,
  importMemories,
  refresh,
  setAuthToken,
  showStoreInfo,
  syncNow,
} from './storeCommands';

type Handler = (s: Services, ...args: unknown[]) => Promise<unknown>;

/** Reads: while the server is unreachable they say "offline" (a warning with Retry), not an error. */
const READS = new Set(['mnemos.recall', 'mnemos.openMemory', 'mnemos.refresh', 'mnemos.export']);

export const COMMANDS: Record<string, Handler> = {
  'mnemos.saveSelection': saveSelection,
  'mnemos.saveMemory': saveMemory,
  'mnemos.recall': recall,
  'mnemos.openMemory': openMemory,
  'mnemos.editMemory': editMemory,
  'mnemos.deleteMemory': deleteMemory,
  'mnemos.forgetTopic': forgetTopic,
  'mnemos.refresh': refresh,
  'mnemos.connect': connect,
  'mnemos.setAuthToken': setAuthToken,
  'mnemos.clearAuthToken': clearAuthToken,
  'mnemos.syncNow': syncNow,
  'mnemos.embedMissing': embedMissing,
  'mnemos.export': exportMemories,
  'mnemos.import': importMemories,
  'mnemos.showStoreInfo': showStoreInfo,
};

/**
 * A command resolves to its result, or to undefined when cancelled or failed. Failures never reject:
 * VS Code would add its own notification with the raw message; ours carries the action that fixes it.
 */
export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, fn]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(s, ...args);
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        const retry = () => vscode.commands.executeCommand(id, ...args);
        if (READS.has(id) && s.offline.isOffline(e)) s.offline.reportOffline(e, retry);
        else s.notify.report(e, { what: id, opening: s.isOpenError(e), retry });
        return undefined;
      }
    }),
  );
}
export { updateTokenContext } from './storeCommands';
