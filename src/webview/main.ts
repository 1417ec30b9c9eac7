/** Entry of dist/webview.js (browser iife). Only the elements the sidebar uses are bundled. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { App } from './app';
import css from './styles.css';

// A constructed stylesheet needs neither a nonce nor 'unsafe-inline' under the view's CSP.
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const root = document.getElementById('app');
if (root) void new App(root).start();
