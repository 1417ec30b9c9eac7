/**
 * The Memories view's HTML, as a pure function so the headless browser test serves exactly what
 * VS Code shows: one nonce'd script, the codicon stylesheet, and a CSP that allows nothing else.
 */
export interface SidebarHtmlOptions {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  cspSource: string;
  /** Fresh per page load; base64 or hex characters only. */
  nonce: string;
  /** URI of dist/webview.js as the webview sees it. */
  scriptUri: string;
  /** URI of dist/codicons/codicon.css as the webview sees it. */
  codiconsUri: string;
}

const NONCE_RE = /^[A-Za-z0-9+/=_-]{16,}$/;

/** Escapes text for a double-quoted HTML attribute (or element text). */
export function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Refuses a nonce or cspSource that could break out of the CSP (every webview page checks both). */
export function checkCspInputs(page: string, nonce: string, cspSource: string): void {
  if (!NONCE_RE.test(nonce)) throw new Error(`${page} nonce must be at least 16 base64/hex characters`);
  // VS Code's cspSource is a source list such as `'self' https://*.vscode-cdn.net`; it must not end the directive.
  if (/[;,"\r\n]/.test(cspSource)) throw new Error('unexpected characters in cspSource');
}

export function buildSidebarHtml(o: SidebarHtmlOptions): string {
  checkCspInputs('sidebar', o.nonce, o.cspSource);
  const n = attr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${attr(o.codiconsUri)}" nonce="${n}">
<title>Memories</title>
</head>
<body>
<div id="app"></div>
<script nonce="${n}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
