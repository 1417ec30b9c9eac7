/**
 * A memoir graph panel's HTML, as a pure function so the headless browser tests serve exactly what
 * VS Code shows: one nonce'd script and a CSP that allows nothing else (no images, no fonts, no network).
 */
export interface GraphHtmlOptions {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  cspSource: string;
  /** Fresh per page load; base64 or hex characters only. */
  nonce: string;
  /** URI of dist/graph.js as the webview sees it. */
  scriptUri: string;
  /** The memoir's name, for the page title (escaped). */
  title: string;
}

const NONCE_RE = /^[A-Za-z0-9+/=_-]{16,}$/;

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function graphContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'nonce-${nonce}'`].join('; ');
}

export function buildGraphHtml(o: GraphHtmlOptions): string {
  if (!NONCE_RE.test(o.nonce)) throw new Error('graph nonce must be at least 16 base64/hex characters');
  // VS Code's cspSource is a source list such as `'self' https://*.vscode-cdn.net`; it must not end the directive.
  if (/[;,"\r\n]/.test(o.cspSource)) throw new Error('unexpected characters in cspSource');
  const n = attr(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(graphContentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${attr(o.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${n}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
