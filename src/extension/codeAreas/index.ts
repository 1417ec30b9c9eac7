/**
 * Code areas beside a file: the CodeLens (lens.ts), *Show Memories for This File* (what a click on the
 * lens runs: the memories it counted, and the agent sessions that edited the file) and *Open File*
 * for a code area of the Sessions view.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { InvalidInputError } from '../../store';
import { Cancelled, options, stringOpt } from '../commands/args';
import { memoryItem, type MemoryItem } from '../commands/pickers';
import type { Services } from '../services';
import { SECTION } from '../settings';
import { ago, escapeIcons } from '../sessions/render';
import { fileInfo, FileLensProvider, LENS_SETTING, lensTitle } from './lens';

type Item = vscode.QuickPickItem & { memoryId?: string; sessionId?: string };

export function lensEnabled(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>(LENS_SETTING, true) !== false;
}

export function createFileLens(s: Services): FileLensProvider {
  // A store that failed to open is not retried for a lens (every editor would wait on it); commands retry.
  return new FileLensProvider(() => (s.host.status().state === 'error' ? undefined : s.store()), lensEnabled, s.log);
}

function uriFrom(args: unknown[]): vscode.Uri | undefined {
  if (args[0] instanceof vscode.Uri) return args[0];
  const o = options(args);
  if (o.uri instanceof vscode.Uri) return o.uri;
  const p = stringOpt(o, 'path');
  if (p) return vscode.Uri.file(p);
  return vscode.window.activeTextEditor?.document.uri;
}

/** `mnemos.showFileMemories` (uri | {uri, path, show?: false}): the lens's memories and sessions in a pick. */
export async function showFileMemories(s: Services, lens: FileLensProvider, ...args: unknown[]) {
  const uri = uriFrom(args);
  if (!uri || uri.scheme !== 'file') throw new InvalidInputError('open a file first (or pass its uri)');
  const f = await lens.summary(uri);
  if (!f) throw new InvalidInputError('the store is not available; run Mnemos: Refresh');
  const store = await s.store();
  const memories = await store.getMany(f.memoryIds);
  const sessions = [...new Set(f.activity.areas.map((a) => a.sessionId).filter((x): x is string => !!x))];
  const result = {
    file: fileInfo(uri).relative ?? path.basename(uri.fsPath),
    title: lensTitle(f),
    memories: f.memories,
    memoryIds: memories.map((m) => m.id),
    touchCount: f.activity.touchCount,
    lastTouchedAt: f.activity.lastTouchedAt,
    sessions,
  };
  if (options(args).show === false) return result;
  const items: Item[] = [];
  if (memories.length) items.push({ label: 'Memories', kind: vscode.QuickPickItemKind.Separator });
  for (const m of memories) {
    const it: MemoryItem = memoryItem(m);
    items.push({
      label: escapeIcons(it.label),
      description: escapeIcons(it.description ?? ''),
      detail: it.detail,
      memoryId: m.id,
    });
  }
  if (sessions.length) items.push({ label: 'Agent sessions that edited it', kind: vscode.QuickPickItemKind.Separator });
  for (const a of f.activity.areas.filter((x) => x.sessionId)) {
    items.push({
      label: `$(comment-discussion) Session ${a.sessionId!.slice(0, 12)}`,
      description: `${a.toolName ?? 'edit'} · ${a.touchCount}× · last ${ago(a.lastTouchedAt)}`,
      sessionId: a.sessionId!,
    });
  }
  if (!items.length) {
    void vscode.window.showInformationMessage(
      `No memory mentions ${path.basename(uri.fsPath)} and no agent has edited it.`,
    );
    return result;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `Mnemos: ${path.basename(uri.fsPath)} — ${result.title ?? ''}`,
    placeHolder: 'Open a memory or a session',
  });
  if (!picked) throw new Cancelled();
  if (picked.memoryId) await vscode.commands.executeCommand('mnemos.openMemory', { id: picked.memoryId });
  else if (picked.sessionId) await vscode.commands.executeCommand('mnemos.openSession', { id: picked.sessionId });
  return result;
}

/** `mnemos.openCodeArea` ({project, filePath}): the file, if it is in this workspace. */
export async function openCodeArea(_s: Services, ...args: unknown[]) {
  const o = options(args);
  const filePath = stringOpt(o, 'filePath');
  if (!filePath) throw new InvalidInputError('filePath is required');
  const candidates = path.isAbsolute(filePath)
    ? [filePath]
    : (vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, filePath));
  const found = candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
  if (!found) {
    void vscode.window.showInformationMessage(
      `${path.basename(filePath)} (project ${stringOpt(o, 'project') ?? '?'}) is not in this workspace.`,
    );
    return undefined;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(found), { preview: true });
  return { path: found };
}
