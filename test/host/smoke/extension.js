// Fixture extension for the test host's smoke test: one command, one webview view (with a script
// that talks back, as Mnemos's real webviews will) and a libsql probe. Plain JS: no build step.
'use strict';
const vscode = require('vscode');
const crypto = require('crypto');

function probe() {
  const info = {
    vscode: vscode.version,
    node: process.versions.node,
    appName: vscode.env.appName,
    uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop',
    remoteName: vscode.env.remoteName || null,
  };
  try {
    // Resolves to the project's node_modules/libsql (this folder lives inside the repo).
    const Database = require('libsql');
    const db = new Database(':memory:');
    const row = db.prepare('select sqlite_version() as v, 41 + 1 as answer').get();
    info.libsql = { sqlite: row.v, answer: row.answer };
    db.close();
  } catch (e) {
    info.libsqlError = String((e && e.message) || e);
  }
  return info;
}

class SmokeView {
  constructor(info) {
    this.info = info;
    this.resolved = 0;
    this.messages = [];
  }
  resolveWebviewView(view) {
    this.resolved++;
    const nonce = crypto.randomBytes(16).toString('base64');
    view.webview.options = { enableScripts: true };
    view.webview.onDidReceiveMessage((m) => this.messages.push(m));
    const rows = Object.entries(this.info)
      .map(([k, v]) => `<tr><td>${k}</td><td>${escape(JSON.stringify(v))}</td></tr>`)
      .join('');
    view.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}';">
<style>body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)} td{padding:2px 6px;vertical-align:top} td+td{word-break:break-all} h3{color:var(--vscode-textLink-foreground)}</style>
</head><body>
<h3>Mnemos smoke webview</h3>
<p id="marker">MNEMOS_SMOKE_WEBVIEW_OK</p>
<p id="script">script: not run</p>
<table>${rows}</table>
<script nonce="${nonce}">
  const api = acquireVsCodeApi();
  document.getElementById('script').textContent = 'script: ran';
  api.postMessage({ type: 'ready', width: window.innerWidth });
</script>
</body></html>`;
  }
}

function escape(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function activate(context) {
  const info = probe();
  const view = new SmokeView(info);
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider('mnemosSmoke.view', view),
    vscode.commands.registerCommand('mnemosSmoke.hello', () => {
      vscode.window.showInformationMessage(`Mnemos smoke: hello from VS Code ${info.vscode} / Node ${info.node}`);
      return { hello: 'world', info };
    }),
  );
  return { info, view, context };
}

function deactivate() {}
module.exports = { activate, deactivate };
