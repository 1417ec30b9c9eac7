/**
 * A memoir graph panel's HTML, as a pure function so the headless browser tests serve exactly what
 * VS Code shows: one nonce'd script and a CSP that allows nothing else (no images, no fonts, no network).
 */
import { attr, checkCspInputs } from '../sidebar/html';

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

export function graphContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource} 'nonce-${nonce}'`].join('; ');
}

export function buildGraphHtml(o: GraphHtmlOptions): string {
  checkCspInputs('graph', o.nonce, o.cspSource);
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
