/**
 * Runs the real sidebar in headless Chromium: the HTML and CSP from buildSidebarHtml, the real
 * dist/webview.js, and the real SidebarController over a real MnemosStore in this Node process.
 * Only acquireVsCodeApi is a shim; it forwards messages both ways as VS Code does.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { SidebarController } from '../../src/extension/sidebar/controller';
import { buildSidebarHtml } from '../../src/extension/sidebar/html';
import type { SidebarStatus } from '../../src/shared/protocol';
import type { MnemosStore, NewMemory } from '../../src/store';

export const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
export const CHROMIUM = process.env.MNEMOS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds dist/webview.js with the project's build script when a source is newer than the bundle. */
export function ensureWebviewBuilt(): void {
  const out = path.join(DIST, 'webview.js');
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (m, e) =>
          Math.max(m, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs),
        0,
      );
  const srcTime = Math.max(newest(path.join(ROOT, 'src/webview')), newest(path.join(ROOT, 'src/shared')));
  if (
    fs.existsSync(out) &&
    fs.existsSync(path.join(DIST, 'codicons/codicon.css')) &&
    fs.statSync(out).mtimeMs >= srcTime
  )
    return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get update && apt-get install -y chromium fonts-dejavu-core`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface AssetServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the view's HTML (fresh nonce per load) and nothing from disk but dist/webview.js and dist/codicons. */
export async function startAssetServer(): Promise<AssetServer> {
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.ttf': 'font/ttf',
    '.map': 'application/json',
  };
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const html = buildSidebarHtml({
        cspSource: origin,
        nonce: crypto.randomBytes(18).toString('base64'),
        scriptUri: `${origin}/dist/webview.js`,
        codiconsUri: `${origin}/dist/codicons/codicon.css`,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const allowed = [
      '/dist/webview.js',
      '/dist/webview.js.map',
      '/dist/codicons/codicon.css',
      '/dist/codicons/codicon.ttf',
    ];
    if (!allowed.includes(url.pathname)) {
      res.writeHead(404).end();
      return;
    }
    const file = path.join(ROOT, url.pathname);
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** VS Code's Dark Modern theme variables, set the way VS Code sets them (inline on <html>). */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
  '--vscode-editor-font-size': '12px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-icon-foreground': '#cccccc',
  '--vscode-sideBar-background': '#181818',
  '--vscode-sideBarSectionHeader-border': '#2b2b2b',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-input-placeholderForeground': '#989898',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-listBackground': '#1f1f1f',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': '#ffffff12',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-list-inactiveSelectionBackground': '#37373d',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-focusOutline': '#0078d4',
  '--vscode-list-focusAndSelectionOutline': '#0078d4',
  '--vscode-tree-indentGuidesStroke': '#585858',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-toolbar-hoverBackground': '#5a5d5e50',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-inputValidation-warningBackground': '#352a05',
  '--vscode-inputValidation-warningBorder': '#b89500',
  '--vscode-scrollbarSlider-background': '#79797966',
};

/** VS Code's High Contrast (dark) theme: the colours that matter for outlines and borders. */
export const HIGH_CONTRAST_THEME: Record<string, string> = {
  ...DARK_THEME,
  '--vscode-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-sideBar-background': '#000000',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-input-background': '#000000',
  '--vscode-input-border': '#6fc3df',
  '--vscode-dropdown-background': '#000000',
  '--vscode-dropdown-border': '#6fc3df',
  '--vscode-badge-background': '#000000',
  '--vscode-badge-foreground': '#ffffff',
  '--vscode-button-background': '#000000',
  '--vscode-button-border': '#6fc3df',
  '--vscode-button-secondaryBackground': '#000000',
  '--vscode-button-secondaryForeground': '#ffffff',
  '--vscode-list-activeSelectionBackground': '#000000',
  '--vscode-list-inactiveSelectionBackground': '#000000',
  '--vscode-list-hoverBackground': '#000000',
  '--vscode-list-focusOutline': '#f38518',
  '--vscode-list-focusAndSelectionOutline': '#f38518',
  '--vscode-list-inactiveFocusOutline': '#f38518',
  '--vscode-textLink-foreground': '#21a6ff',
  '--vscode-textCodeBlock-background': '#000000',
  '--vscode-sideBarSectionHeader-border': '#6fc3df',
  '--vscode-panel-border': '#6fc3df',
};

export interface Sidebar {
  page: Page;
  context: BrowserContext;
  controller: SidebarController;
  /** Commands the webview asked the host to run, in order. */
  commands: { id: string; args: unknown[] }[];
  /** Messages the webview posted, in order (ready, requests…). */
  fromWebview: unknown[];
  /** Console messages and uncaught errors of the page. */
  logs: string[];
  /** What the webview last passed to setState. */
  savedState(): Promise<unknown>;
  cspViolations(): Promise<{ directive: string; blocked: string; source: string; sample: string }[]>;
  /** The store changed: what deps.onDidChangeData does in the extension. */
  dataChanged(): void;
  /** The status changed: what deps.onDidChangeStore does for the status line. */
  statusChanged(): void;
  close(): Promise<void>;
}

export interface SidebarOptions {
  /** State VS Code hands back to getState() (a view shown again after being hidden). */
  state?: unknown;
  /** The host's status (read on every push), as deps.status() gives it. */
  status?: SidebarStatus | (() => SidebarStatus);
  /** What deps.reloadModel does (Retry of a failed model load). */
  reloadModel?(): Promise<unknown>;
  /** What deps.offlineMessage does: the plain sentence for an unreachable server. */
  offlineMessage?(error: unknown): string | undefined;
  width?: number;
  height?: number;
  /** Theme variables (default: Dark Modern) and the body class VS Code sets with them. */
  theme?: { vars: Record<string, string>; bodyClass: string };
  /** Runs a command as the extension would (e.g. delete after the user confirmed). */
  onCommand?(id: string, args: unknown[], sidebar: Sidebar): unknown;
}

export async function openSidebar(
  browser: Browser,
  server: AssetServer,
  store: MnemosStore | (() => Promise<MnemosStore>),
  opts: SidebarOptions = {},
): Promise<Sidebar> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 340, height: opts.height ?? 720 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const commands: Sidebar['commands'] = [];
  const fromWebview: unknown[] = [];
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  // Assigned below, once the page and the controller exist; commands only run after that.
  // eslint-disable-next-line prefer-const
  let sidebar: Sidebar;
  // The channel is raw CDP (a page binding one way, Runtime.evaluate the other): one hop each way,
  // like VS Code's postMessage, and no Playwright wrapper round trips that would skew the timings.
  const cdp = await context.newCDPSession(page);
  const controller = new SidebarController({
    store,
    post: (m) =>
      cdp
        .send('Runtime.evaluate', { expression: `window.postMessage(${JSON.stringify(m)}, '*')` })
        .catch(() => undefined),
    runCommand: async (id, ...args) => {
      commands.push({ id, args });
      return opts.onCommand?.(id, args, sidebar);
    },
    status: () =>
      typeof opts.status === 'function'
        ? opts.status()
        : (opts.status ?? { mode: 'local', keywordOnly: true, connected: true }),
    reloadModel: opts.reloadModel && (() => opts.reloadModel!()),
    offlineMessage: opts.offlineMessage && ((e: unknown) => opts.offlineMessage!(e)),
    log: () => undefined,
  });
  cdp.on('Runtime.bindingCalled', (e) => {
    if (e.name !== '__mnemosToHost') return;
    const m = JSON.parse(e.payload) as unknown;
    fromWebview.push(m);
    void controller.receive(m);
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__mnemosToHost' });
  await page.addInitScript(
    initScript(opts.state, opts.theme?.vars ?? DARK_THEME, opts.theme?.bodyClass ?? 'vscode-dark'),
  );
  sidebar = {
    page,
    context,
    controller,
    commands,
    fromWebview,
    logs,
    savedState: () =>
      page.evaluate(() => (window as unknown as { __mnemosSavedState(): unknown }).__mnemosSavedState()),
    cspViolations: () => page.evaluate(() => (window as unknown as { __cspViolations: [] }).__cspViolations),
    dataChanged: () => controller.notifyDataChanged(),
    statusChanged: () => controller.pushStatus(),
    close: async () => {
      controller.reset();
      await context.close();
    },
  };
  await page.goto(server.origin + '/');
  return sidebar;
}

/**
 * Runs before the page's own script, as VS Code's webview host does: provides acquireVsCodeApi
 * (once only, state kept here), the theme variables on <html>, and a CSP violation recorder.
 * A string, not a function: tsx's helpers would not exist in the page.
 */
function initScript(state: unknown, theme: Record<string, string>, bodyClass: string): string {
  return `(() => {
  const w = window;
  w.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    w.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, sample: e.sample });
  });
  const theme = ${JSON.stringify(theme)};
  // Init scripts run before <html> exists; VS Code has the theme on <html> before any script runs.
  function applyTheme() { for (const k of Object.keys(theme)) document.documentElement.style.setProperty(k, theme[k]); }
  if (document.documentElement) applyTheme();
  else {
    const mo = new MutationObserver(() => { if (document.documentElement) { mo.disconnect(); applyTheme(); } });
    mo.observe(document, { childList: true });
  }
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(bodyClass)}));
  let saved = ${JSON.stringify(state ?? null)} ?? undefined;
  let acquired = false;
  w.__mnemosSavedState = () => saved;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => w.__mnemosToHost(JSON.stringify(m)),
      getState: () => saved,
      setState: (s) => { saved = JSON.parse(JSON.stringify(s)); return s; },
    });
  };
})();`;
}

/** Waits for the first render: the performance measure the webview records once its tree is painted. */
export async function firstPaint(page: Page, timeoutMs = 15_000): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('mnemos:first-paint').length > 0, undefined, {
    timeout: timeoutMs,
  });
  return page.evaluate(() => performance.getEntriesByName('mnemos:first-paint')[0].duration);
}

const WORDS = (
  'cache index query schema token deploy build lint test retry timeout batch stream parser render layout route ' +
  'session cookie header commit branch merge rebase docker kube metric trace span queue worker thread pool lock ' +
  'mutex vector embed recall decay weight topic summary excerpt keyword migrate backup restore replica primary'
).split(' ');

/** Deterministic memories spread over topics, for tests and the benchmark. */
export function sampleMemories(n: number, topics: string[], seed = 1): NewMemory[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const imps = ['critical', 'high', 'medium', 'medium', 'low'] as const;
  return Array.from({ length: n }, (_, i) => {
    const words = Array.from({ length: 8 + Math.floor(rnd() * 10) }, () => WORDS[Math.floor(rnd() * WORDS.length)]);
    return {
      topic: topics[i % topics.length],
      summary: `${words.join(' ')} #${i}`,
      importance: imps[Math.floor(rnd() * imps.length)],
      keywords: words.slice(0, 3),
    };
  });
}
