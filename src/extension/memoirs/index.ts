/**
 * Memoirs in VS Code: the Memoirs tree view, graph panels, the memoir commands and Copilot's memoir
 * tools. `registerMemoirs(services)` wires all of it; the returned object is disposed with the extension
 * and exposes the parts tests and other extensions read.
 */
import * as vscode from 'vscode';
import { MarkerMonitor } from '../markerMonitor';
import type { Services } from '../services';
import { Cancelled } from '../commands/args';
import { memoirRows, memoirsOf } from './access';
import { addSelectionAsConcept, distillTopic, learnWorkspace, type MemoirUi, openMemoirGraph } from './commands';
import { GraphPanels } from './panel';
import { createMemoirTools, type MemoirTools, registerMemoirTools } from './tools';
import { MEMOIRS_VIEW, MemoirsTreeProvider } from './tree';

export interface MemoirsFeature extends vscode.Disposable {
  readonly tree: MemoirsTreeProvider;
  readonly graphs: GraphPanels;
  readonly tools: MemoirTools;
  /** Check the memoir marker now; true when it moved (tests). */
  checkChanges(): Promise<boolean>;
}

type Handler = (s: Services, ui: MemoirUi, ...args: unknown[]) => Promise<unknown>;

export const MEMOIR_COMMANDS: Record<string, Handler> = {
  'mnemos.openMemoirGraph': openMemoirGraph,
  'mnemos.learnWorkspace': learnWorkspace,
  'mnemos.distillTopic': distillTopic,
  'mnemos.addSelectionAsConcept': addSelectionAsConcept,
  'mnemos.refreshMemoirs': (_s, ui) => Promise.resolve(ui.changed()),
};

export function registerMemoirs(s: Services): MemoirsFeature {
  const tree = new MemoirsTreeProvider(async () => memoirRows(memoirsOf(await s.store())));
  const graphs = new GraphPanels(s);
  const view = vscode.window.createTreeView(MEMOIRS_VIEW, { treeDataProvider: tree, showCollapseAll: false });
  // Another writer's memoirs (an agent's MCP server, ICM, a teammate): the tree and open graphs re-read
  // when the memoir marker moved, not on every memory change.
  const monitor = new MarkerMonitor(
    s,
    'memoirs',
    (st) => memoirsOf(st).changeMarker(),
    () => view.visible || graphs.memoirIds.length > 0,
  );
  const reread = () => {
    tree.refresh();
    graphs.changed();
  };
  const ui: MemoirUi = {
    showGraph: (m) => {
      graphs.show(m);
      monitor.schedule();
    },
    changed: () => {
      reread();
      void monitor.check(); // the new baseline (it may also fire: one more re-read)
      s.changed();
    },
  };
  const tools = createMemoirTools(s, () => ui.changed());
  const disposables: vscode.Disposable[] = [
    tree,
    graphs,
    view,
    monitor,
    monitor.onDidChange(reread),
    s.watcher.onDidChange(() => void monitor.check()),
    s.host.onDidChangeStore(() => monitor.reset()),
    s.host.onDidOpen(() => {
      void monitor.check();
      monitor.schedule();
    }),
    view.onDidChangeVisibility((e) => e.visible && monitor.schedule()),
    ...registerMemoirTools(s, tools),
    // Same policy as the other commands: cancel quietly, report failures with their fix, never reject.
    ...Object.entries(MEMOIR_COMMANDS).map(([id, fn]) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(s, ui, ...args);
        } catch (e) {
          if (e instanceof Cancelled) return undefined;
          s.notify.report(e, {
            what: id,
            opening: s.isOpenError(e),
            retry: () => vscode.commands.executeCommand(id, ...args),
          });
          return undefined;
        }
      }),
    ),
  ];
  return {
    tree,
    graphs,
    tools,
    checkChanges: () => monitor.check(),
    dispose: () => {
      for (const d of disposables.reverse()) d.dispose();
    },
  };
}
