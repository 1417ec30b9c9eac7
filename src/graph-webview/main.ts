/** Entry of dist/graph.js (browser iife): a memoir's graph panel. Kept apart from the sidebar bundle. */
import { GraphApp } from './app';
import { GraphRpc } from './rpc';
import css from './styles.css';

// A constructed stylesheet needs neither a nonce nor 'unsafe-inline' under the panel's CSP.
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('app');
if (root) {
  const app = new GraphApp(root, new GraphRpc());
  // Read-only handles for the headless tests and the benchmark (the canvas has no DOM to query).
  Object.defineProperty(window, '__mnemosGraph', { value: app, enumerable: false });
  void app.start();
}
