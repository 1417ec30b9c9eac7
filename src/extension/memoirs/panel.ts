/** Hosts memoir graphs in editor-area webview panels, one per memoir (opening it again reveals it). */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { memoirsOf } from './access';
import { GraphController } from './graphController';
import { buildGraphHtml } from './html';

export const GRAPH_PANEL = 'mnemos.memoirGraph';

interface Open {
  panel: vscode.WebviewPanel;
  controller: GraphController;
}

export class GraphPanels implements vscode.Disposable {
  private readonly open = new Map<string, Open>();

  constructor(private readonly s: Services) {}

  /** The memoir ids with an open panel (tests read it). */
  get memoirIds(): string[] {
    return [...this.open.keys()];
  }

  show(memoir: { id: string; name: string }): vscode.WebviewPanel {
    const existing = this.open.get(memoir.id);
    if (existing) {
      existing.panel.reveal();
      return existing.panel;
    }
    const dist = vscode.Uri.joinPath(this.s.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(GRAPH_PANEL, `Memoir: ${memoir.name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [dist],
    });
    panel.iconPath = new vscode.ThemeIcon('type-hierarchy');
    const webview = panel.webview;
    const controller = new GraphController({
      memoirs: async () => memoirsOf(await this.s.store()),
      memoir: memoir.id,
      memories: async (ids) => (await this.s.store()).getMany(ids),
      post: (m) => webview.postMessage(m),
      runCommand: (id, ...args) => vscode.commands.executeCommand(id, ...args),
      log: (m) => this.s.log.info(m),
    });
    const subs = [
      webview.onDidReceiveMessage((m: unknown) => void controller.receive(m)),
      // Without retainContextWhenHidden a hidden panel's page is gone; the next one says `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) controller.reset();
      }),
    ];
    panel.onDidDispose(() => {
      controller.reset();
      for (const d of subs) d.dispose();
      this.open.delete(memoir.id);
    });
    webview.html = buildGraphHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'graph.js')).toString(),
      title: memoir.name,
    });
    this.open.set(memoir.id, { panel, controller });
    return panel;
  }

  /** A memoir changed (this window's write, another writer's, a store swap): open graphs re-read it. */
  changed(): void {
    for (const o of this.open.values()) o.controller.notifyDataChanged();
  }

  dispose(): void {
    for (const o of [...this.open.values()]) o.panel.dispose();
  }
}
