/**
 * Runs a memoir's graph panel in headless Chromium: the HTML and CSP from buildGraphHtml, the real
 * dist/graph.js, and the real GraphController over a real MemoirStore (local libSQL file) in this Node
 * process. Only acquireVsCodeApi is a shim; it forwards messages both ways as VS Code does.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GraphController } from '../../src/extension/memoirs/graphController';
import { buildGraphHtml } from '../../src/extension/memoirs/html';
import type { MemoirStore, MnemosStore } from '../../src/store';
import { DARK_THEME, ROOT } from '../webview/harness';

export { DARK_THEME, launchBrowser, ROOT } from '../webview/harness';

const DIST = path.join(ROOT, 'dist');

/** Builds dist/graph.js with the project's build script when a source is newer than the bundle. */
export function ensureGraphBuilt(): void {
  const out = path.join(DIST, 'graph.js');
  const newest = (dir: string): number =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .reduce(
        (m, e) =>
          Math.max(m, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs),
        0,
      );
  const srcTime = Math.max(newest(path.join(ROOT, 'src/graph-webview')), newest(path.join(ROOT, 'src/shared')));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= srcTime) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface AssetServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the panel's HTML (fresh nonce per load) and nothing from disk but dist/graph.js. */
export async function startGraphServer(title = 'memoir'): Promise<AssetServer> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const html = buildGraphHtml({
        cspSource: origin,
        nonce: crypto.randomBytes(18).toString('base64'),
        scriptUri: `${origin}/dist/graph.js`,
        title,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    if (url.pathname !== '/dist/graph.js' && url.pathname !== '/dist/graph.js.map') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'application/json' });
    fs.createReadStream(path.join(ROOT, url.pathname)).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface GraphPage {
  page: Page;
  context: BrowserContext;
  controller: GraphController;
  /** Commands the panel asked the host to run, in order. */
  commands: { id: string; args: unknown[] }[];
  logs: string[];
  savedState(): Promise<unknown>;
  cspViolations(): Promise<{ directive: string; blocked: string; source: string; sample: string }[]>;
  close(): Promise<void>;
}

export interface GraphPageOptions {
  state?: unknown;
  width?: number;
  height?: number;
  theme?: { vars: Record<string, string>; bodyClass: string };
}

export async function openGraph(
  browser: Browser,
  server: AssetServer,
  memoirs: MemoirStore,
  store: MnemosStore,
  memoir: string,
  opts: GraphPageOptions = {},
): Promise<GraphPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1200, height: opts.height ?? 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const commands: GraphPage['commands'] = [];
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  const controller = new GraphController({
    memoirs: async () => memoirs,
    memoir,
    memories: (ids) => store.getMany(ids),
    post: (m) =>
      cdp
        .send('Runtime.evaluate', { expression: `window.postMessage(${JSON.stringify(m)}, '*')` })
        .catch(() => undefined),
    runCommand: async (id, ...args) => {
      commands.push({ id, args });
    },
    log: (m) => logs.push(`host: ${m}`),
  });
  cdp.on('Runtime.bindingCalled', (e) => {
    if (e.name === '__mnemosToHost') void controller.receive(JSON.parse(e.payload) as unknown);
  });
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__mnemosToHost' });
  await page.addInitScript(
    initScript(
      opts.state,
      opts.theme?.vars ?? {
        ...DARK_THEME,
        '--vscode-editor-background': '#1f1f1f',
        '--vscode-charts-yellow': '#cca700',
        '--vscode-charts-green': '#89d185',
      },
      opts.theme?.bodyClass ?? 'vscode-dark',
    ),
  );
  await page.goto(server.origin + '/');
  return {
    page,
    context,
    controller,
    commands,
    logs,
    savedState: () => page.evaluate('window.__mnemosSavedState()'),
    cspViolations: () =>
      page.evaluate('window.__cspViolations') as Promise<
        { directive: string; blocked: string; source: string; sample: string }[]
      >,
    close: async () => {
      controller.reset();
      await context.close();
    },
  };
}

/** As test/webview/harness.ts: acquireVsCodeApi once, theme variables on <html>, a CSP violation recorder. */
function initScript(state: unknown, theme: Record<string, string>, bodyClass: string): string {
  return `(() => {
  const w = window;
  w.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    w.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, sample: e.sample });
  });
  const theme = ${JSON.stringify(theme)};
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

/** Waits for the first frame with every concept drawn; returns its measures (ms). */
export async function graphPainted(page: Page): Promise<{ firstPaint: number; render: number }> {
  // A function, not a string: a string predicate is eval'd while polling, which the panel's CSP forbids.
  await page.waitForFunction(() => performance.getEntriesByName('mnemos:graph-first-paint').length > 0, undefined, {
    timeout: 20_000,
  });
  return page.evaluate(
    "({ firstPaint: performance.getEntriesByName('mnemos:graph-first-paint')[0].duration, render: performance.getEntriesByName('mnemos:graph-render')[0].duration })",
  ) as Promise<{ firstPaint: number; render: number }>;
}

/** Where a concept is drawn, in page coordinates. */
export async function conceptPoint(page: Page, id: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate(`(() => {
    const g = window.__mnemosGraph.canvas;
    const p = g.screenOf(${JSON.stringify(id)});
    if (!p) return null;
    const r = g.canvas.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  })()`) as Promise<{ x: number; y: number } | null>;
}
