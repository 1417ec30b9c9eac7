/** Hosts the Memories webview view: HTML + CSP, message wiring, live refresh. The logic is in SidebarController. */
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { SidebarController } from './controller';
import type { SidebarDeps } from './deps';
import { buildSidebarHtml } from './html';

export class MemoriesViewProvider implements vscode.WebviewViewProvider {
  static readonly viewType = 'mnemos.memories';
  /**
   * Keep the page alive while the view is hidden. WHY: in the real workbench a rebuilt view took
   * 0.8–1.1 s to show again (webview bootstrap, bundle parse, first round trip); a retained one shows
   * at once. Cost measured with bench/sidebar-workbench.ts: a few MB of JS heap for the page.
   */
  static readonly options = { webviewOptions: { retainContextWhenHidden: true } } as const;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: SidebarDeps,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const webview = view.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] };
    const controller = new SidebarController({
      store: () => this.deps.getStore(),
      post: (m) => webview.postMessage(m),
      runCommand: (id, ...args) => this.deps.runCommand(id, ...args),
      status: () => this.deps.status(),
      reloadModel: this.deps.reloadModel && (() => this.deps.reloadModel!()),
      log: (m) => this.deps.log(m),
      offlineMessage: this.deps.offlineMessage && ((e) => this.deps.offlineMessage!(e)),
    });
    const subs: vscode.Disposable[] = [
      webview.onDidReceiveMessage((m: unknown) => void controller.receive(m)),
      this.deps.onDidChangeData(() => controller.notifyDataChanged()),
      this.deps.onDidChangeStore(() => {
        controller.pushStatus();
        controller.notifyDataChanged();
      }),
      // The page is retained while hidden (see `options`): it keeps hearing dataChanged and status.
      // If VS Code ever drops it anyway, the new page says `ready` again and is served from scratch.
    ];
    view.onDidDispose(() => {
      controller.reset();
      for (const s of subs) s.dispose();
    });
    webview.html = buildSidebarHtml({
      cspSource: webview.cspSource,
      nonce: crypto.randomBytes(18).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css')).toString(),
    });
  }
}
