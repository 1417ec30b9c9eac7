/**
 * The sidebar as a person feels it: the real VS Code workbench (code-server + headless Chromium, the
 * host the extension tests use), Mnemos loaded unpacked from this checkout, and beside it a baseline
 * extension generated here (one webview view in its own activity-bar container, N plain rows fed by one
 * postMessage round trip), loaded the same way (a second extensionDevelopmentPath). Every figure is a
 * median over fresh window loads, the variants interleaved in the same run.
 *
 * Variants (--variants): `mnemos` (as shipped: the view's page is retained while hidden), `noretain`
 * (the same build with retainContextWhenHidden off, from a patched copy of dist/extension.js), `baseline`.
 *
 * Every run starts with one discarded window (the webview service worker's install would otherwise land
 * on whichever variant comes first), and every window has a fresh workspace (no saved view state).
 *
 * Figures per store size: first open after window load (click → topic rows painted), re-open after
 * switching to Explorer and back, keystroke → results painted, expand a 1,000-memory topic, scroll to
 * its end; then, with the view hidden (Explorer) after a forced GC, the renderer's memory (JS heap of
 * the workbench's renderer, DOM nodes, and the PSS of every Chromium process): mnemos − noretain is what
 * keeping the page alive costs.
 * --eager clicks the icon as soon as it is there, while the window is still loading (the issue's 6.6 s).
 * usage: node --import tsx bench/sidebar-workbench.ts [--sizes 1000,10000,100000] [--reps 5]
 *          [--reps100k 3] [--variants mnemos,noretain,baseline] [--eager] [--ext CHECKOUT] [--keep] [--verbose]
 *          (build first: node scripts/build.mjs)
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { openStore } from '../src/store';
import { generateCorpus } from './lib/corpus';

const require = createRequire(__filename);

const H = require('../test/host/host-common.js');

// --ext DIR: the Mnemos checkout to load (built), e.g. /work/main for before/after figures.
const ROOT = path.resolve(String(H.parseArgs(process.argv.slice(2)).ext ?? path.resolve(__dirname, '..')));
const args = H.parseArgs(process.argv.slice(2), { bools: ['keep', 'verbose', 'eager'] });
const VARIANTS = String(args.variants ?? 'mnemos,noretain,baseline').split(',') as VariantName[];
const EAGER = !!args.eager;
const SIZES = String(args.sizes ?? '1000,10000,100000')
  .split(',')
  .map(Number);
const REPS = Number(args.reps ?? 5);
const REPS_100K = Number(args.reps100k ?? 3);
const BIG = '0-big-topic'; // sorts first, holds 1,000 memories
const BIG_MAX = 1000;
/** The big topic's size: 1,000, or half the store when that is smaller (the 1k store). */
const bigOf = (n: number) => Math.min(BIG_MAX, Math.floor(n / 2));
let BIG_N = BIG_MAX;
let QUERY = 'id4242';

// ----------------------------------------------------------------------------------------- stores

/** N memories: the corpus generator's, spread over ~N/20 topics (10k → ~500), plus one topic of 1,000. */
async function buildStore(file: string, n: number): Promise<{ topics: number; ms: number }> {
  if (fs.existsSync(file)) fs.rmSync(file);
  const t0 = performance.now();
  BIG_N = bigOf(n);
  QUERY = n >= 10_000 ? 'id4242' : 'id424';
  const store = await openStore({ mode: 'local', path: file });
  const corpus = generateCorpus(n - BIG_N);
  const base = new Set(corpus.map((m) => m.topic)).size;
  const spread = Math.max(1, Math.round(n / 20 / base)); // ~n/20 topics: 10k → ~500
  const all = corpus.map((m, i) => ({ ...m, topic: `${m.topic}-${i % spread}`, summary: `${m.summary} (id${i})` }));
  for (let i = 0; i < BIG_N; i++)
    all.push({
      topic: BIG,
      summary: `Big topic note ${i} about the cache (big${i})`,
      keywords: ['big'],
      importance: 'medium',
    });
  for (let i = 0; i < all.length; i += 2000) await store.storeMany(all.slice(i, i + 2000));
  const topics = new Set(all.map((m) => m.topic)).size;
  await store.close();
  return { topics, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------- the baseline

/**
 * The window's one development extension (the payload honours one extensionDevelopmentPath only):
 * Mnemos (this checkout: its entries linked, dist/ linked file by file) plus the baseline view,
 * contributed and activated by the same extension, so both load the same way. `noretain` copies
 * dist/extension.js with retainContextWhenHidden flipped off.
 */
function writeBenchExtension(dir: string, storeFile: string, noretain: boolean): string {
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  for (const e of fs.readdirSync(ROOT))
    if (e !== 'dist' && e !== 'package.json') fs.symlinkSync(path.join(ROOT, e), path.join(dir, e));
  for (const e of fs.readdirSync(path.join(ROOT, 'dist')))
    if (e !== 'extension.js') fs.symlinkSync(path.join(ROOT, 'dist', e), path.join(dir, 'dist', e));
  // A copy, not a link: the extension host tells which extension calls require('vscode') by the
  // caller's real path, so a linked bundle would get the API of no extension.
  let js = fs.readFileSync(path.join(ROOT, 'dist/extension.js'), 'utf8');
  if (noretain) {
    const on = /retainContextWhenHidden: ?(true|!0)/g;
    const n = js.match(on)?.length ?? 0;
    if (n !== 1) throw new Error(`dist/extension.js: expected one retainContextWhenHidden: true, found ${n}`);
    js = js.replace(on, 'retainContextWhenHidden: false');
  }
  fs.writeFileSync(path.join(dir, 'dist/extension.js'), js);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    main: string;
    contributes: { viewsContainers: { activitybar: object[] }; views: Record<string, object[]> };
  };
  pkg.contributes.viewsContainers.activitybar.push({ id: 'benchbase', title: 'Baseline', icon: 'bench-icon.svg' });
  pkg.contributes.views.benchbase = [{ type: 'webview', id: 'benchbase.rows', name: 'Rows' }];
  const main = pkg.main;
  pkg.main = './bench-main.js';
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  fs.writeFileSync(
    path.join(dir, 'bench-main.js'),
    `'use strict';
const mnemos = require(${JSON.stringify('./' + path.posix.normalize(main))});
const baseline = require('./bench-baseline.js');
exports.activate = (context) => { baseline.activate(context); return mnemos.activate(context); };
exports.deactivate = () => mnemos.deactivate && mnemos.deactivate();
`,
  );
  writeBaseline(dir, storeFile);
  return dir;
}

/** The baseline: same container shape as Mnemos, plain rows, one round trip per request. */
function writeBaseline(dir: string, storeFile: string): void {
  fs.writeFileSync(
    path.join(dir, 'bench-icon.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16"/></svg>',
  );
  // The rows come from the same store file, read with the same client, so data access is not what differs.
  const client = require.resolve('@libsql/client');
  fs.writeFileSync(
    path.join(dir, 'bench-baseline.js'),
    `'use strict';
const vscode = require('vscode');
const { createClient } = require(${JSON.stringify(client)});
const db = createClient({ url: 'file:' + ${JSON.stringify(storeFile)} });
exports.activate = (context) => {
  context.subscriptions.push(vscode.window.registerWebviewViewProvider('benchbase.rows', {
    resolveWebviewView(view) {
      view.webview.options = { enableScripts: true };
      view.webview.onDidReceiveMessage(async (m) => {
        let rows;
        if (m.type === 'topics') rows = (await db.execute('SELECT topic, count(*) n FROM memories GROUP BY topic ORDER BY topic')).rows.map((r) => ({ t: r.topic, label: r.topic + ' (' + r.n + ')' }));
        else if (m.type === 'list') rows = (await db.execute({ sql: 'SELECT summary FROM memories WHERE topic = ? ORDER BY id', args: [m.topic] })).rows.map((r) => ({ label: r.summary }));
        else rows = (await db.execute({ sql: "SELECT summary FROM memories WHERE summary LIKE ? LIMIT 50", args: ['%' + m.q + '%'] })).rows.map((r) => ({ label: r.summary }));
        view.webview.postMessage({ type: m.type, rows });
      });
      view.webview.html = \`<!DOCTYPE html><html><head><meta charset="UTF-8"><style>
.bench-row{padding:2px 8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis} #list{height:calc(100vh - 40px);overflow:auto}
</style></head><body><input id="q" placeholder="Search"><div id="list"></div><script>
const vsc = acquireVsCodeApi(); const list = document.getElementById('list');
const draw = (rows, cls) => { list.replaceChildren(...rows.map((r) => { const d = document.createElement('div');
  d.className = 'bench-row ' + cls; d.textContent = r.label; if (r.t) d.dataset.topic = r.t; return d; })); };
window.addEventListener('message', (e) => { draw(e.data.rows, e.data.type === 'topics' ? 'topic' : e.data.type === 'list' ? 'mem' : 'hit');
  if (e.data.type === 'topics') requestAnimationFrame(() => performance.mark('bench:rows')); });
list.addEventListener('click', (e) => { if (e.target.dataset.topic) vsc.postMessage({ type: 'list', topic: e.target.dataset.topic }); });
document.getElementById('q').addEventListener('input', (e) => vsc.postMessage(e.target.value ? { type: 'search', q: e.target.value } : { type: 'topics' }));
vsc.postMessage({ type: 'topics' });
</script></body></html>\`;
    },
  }));
};
`,
  );
}

// ------------------------------------------------------------------------------------ measuring

/**
 * Injected into every frame (the workbench and each webview's nested iframes). A webview frame
 * notes, in wall-clock ms, when it started and when the first rows were painted (next frame after
 * they appear); `__benchWait(sel, n)` resolves at the first paint where `n` rows match.
 */
const INIT = `(() => {
  if (window.__benchT0) return;
  window.__benchT0 = Date.now();
  const FIRST = '[data-kind="topic"], .bench-row';
  const painted = (cb) => requestAnimationFrame(() => setTimeout(() => cb(Date.now()), 0));
  window.__benchWait = (sel, n, pred) => new Promise((resolve) => {
    const ok = () => (n === 0 || document.querySelectorAll(sel).length >= n) && (!pred || pred());
    const tick = () => (ok() ? painted(resolve) : requestAnimationFrame(tick));
    tick();
  });
  const watch = () => { if (document.querySelector(FIRST)) painted((t) => { window.__benchFirst = window.__benchFirst || t; }); else requestAnimationFrame(watch); };
  requestAnimationFrame(watch);
})();`;

async function evalIn<T>(f: Frame, fn: string): Promise<T | undefined> {
  try {
    return await f.evaluate(fn);
  } catch {
    return undefined;
  }
}

/** The webview frame holding `sel`, once one exists (new frames only when `fresh`). */
async function findFrame(page: Page, sel: string, skip: Set<Frame>, ms = 60000): Promise<Frame> {
  const end = Date.now() + ms;
  for (;;) {
    for (const f of page.frames()) {
      if (f === page.mainFrame() || skip.has(f) || f.isDetached()) continue;
      if (await evalIn<boolean>(f, `!!document.querySelector(${JSON.stringify(sel)})`)) {
        await f.evaluate(INIT); // init scripts do not reach webview frames: install the helpers now
        return f;
      }
    }
    if (Date.now() > end) throw new Error(`no webview frame shows ${sel}`);
    await H.sleep(30);
  }
}

/** Wall-clock ms of the page's own "first rows painted" mark (Mnemos: mnemos:first-paint). */
async function firstPaintAt(f: Frame, ext: Ext): Promise<number> {
  const name = ext.mnemos ? 'mnemos:first-paint' : 'bench:rows';
  for (let i = 0; i < 2000; i++) {
    const t = await evalIn<number>(
      f,
      `(() => { const e = performance.getEntriesByName('${name}')[0]; return e ? performance.timeOrigin + e.startTime + e.duration : 0; })()`,
    );
    if (t) return t;
    await H.sleep(30);
  }
  throw new Error(`${name} never came`);
}

/** Wall-clock ms at which the outer <iframe> of `f` is laid out and visible in the workbench. */
async function outerVisibleAt(page: Page, f: Frame): Promise<number> {
  let outer = f;
  while (outer.parentFrame() && outer.parentFrame() !== page.mainFrame()) outer = outer.parentFrame()!;
  const el = await outer.frameElement();
  // A string, not a function: tsx's keepNames would leave `__name` calls the page does not have.
  const body = `return new Promise((resolve) => {
    const ok = () => {
      const r = iframe.getBoundingClientRect();
      let v = r.width > 0 && r.height > 0;
      for (let e = iframe; v && e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.display === 'none' || s.visibility === 'hidden') v = false;
      }
      return v;
    };
    const tick = () => (ok() ? requestAnimationFrame(() => resolve(Date.now())) : requestAnimationFrame(tick));
    tick();
  });`;
  return el.evaluate(new Function('iframe', body) as (e: Element) => Promise<number>);
}

function activityItem(page: Page, title: string) {
  return page.locator(`.activitybar .action-item [aria-label^="${title}"]`).first();
}

/** Click an activity-bar item, stamping the wall clock in the page right before the click. */
async function clickAt(page: Page, title: string): Promise<number> {
  await activityItem(page, title).waitFor({ timeout: 60000 });
  const t = await page.evaluate(() => Date.now());
  await activityItem(page, title).click();
  return t;
}

type VariantName = 'mnemos' | 'noretain' | 'baseline';
interface Ext {
  name: VariantName;
  /** Mnemos's page (either build), or the baseline's. */
  mnemos: boolean;
  title: string;
  rowSel: string;
  hitSel: string;
  bigSel: string;
  memSel: string;
}
const MNEMOS: Ext = {
  name: 'mnemos',
  mnemos: true,
  title: 'Mnemos',
  // Either tree: vscode-tree-item rows (before 5 Dec) or the virtualized [role=treeitem] rows.
  rowSel: '#tree [data-kind="topic"]',
  hitSel: '#tree [data-kind="memory"]',
  bigSel: `#tree [data-kind="topic"][data-topic="${BIG}"]`,
  memSel: `#tree [data-kind="memory"][data-topic="${BIG}"]`,
};
const NORETAIN: Ext = { ...MNEMOS, name: 'noretain' };
const BASE: Ext = {
  name: 'baseline',
  mnemos: false,
  title: 'Baseline',
  rowSel: '.bench-row.topic',
  hitSel: '.bench-row.hit',
  bigSel: `.bench-row.topic[data-topic="${BIG}"]`,
  memSel: '.bench-row.mem',
};
const EXTS: Record<VariantName, Ext> = { mnemos: MNEMOS, noretain: NORETAIN, baseline: BASE };

type Sample = Record<string, number>;
const step = (m: string) => args.verbose && console.error(`    [${new Date().toISOString().slice(11, 23)}] ${m}`);

/** A fresh window load; unless `eager`, waits until the extension host is up and the window settled. */
async function loadWindow(page: Page, url: string, ctl: string, title: string, eager: boolean): Promise<void> {
  try {
    fs.rmSync(path.join(ctl, 'ready'), { force: true });
  } catch {}
  await page.goto('about:blank');
  await page.goto(url, { timeout: 180000, waitUntil: 'domcontentloaded' }); // a loaded machine is slow
  await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
  await activityItem(page, title).waitFor({ timeout: 90000 });
  if (!eager) {
    for (let i = 0; i < 600 && !fs.existsSync(path.join(ctl, 'ready')); i++) await H.sleep(100);
    await H.sleep(1500); // the window has loaded and settled: a person now clicks the icon
  }
}

/**
 * The first webview a browser profile shows installs the webview service worker (~2.8 s before the
 * first frame starts): a discarded window opens both views once, so that lands on no variant.
 */
async function warmUp(page: Page, url: string, ctl: string): Promise<void> {
  await loadWindow(page, url, ctl, MNEMOS.title, false);
  for (const ext of [MNEMOS, BASE]) {
    const seen = new Set(page.frames());
    await clickAt(page, ext.title);
    await findFrame(page, ext.rowSel, seen);
  }
  await clickAt(page, 'Explorer');
}

/** One fresh window: first open, 3 re-opens, 5 keystrokes, expand the big topic, scroll to its end. */
async function oneWindow(page: Page, url: string, ctl: string, ext: Ext, probe: MemoryProbe): Promise<Sample> {
  const out: Sample = {};
  await loadWindow(page, url, ctl, ext.title, EAGER);
  step(`${ext.name}: window ready`);
  const seen = new Set(page.frames());
  const t0 = await clickAt(page, ext.title);
  let f = await findFrame(page, ext.rowSel, seen);
  out.firstOpen = Math.max(await firstPaintAt(f, ext), await outerVisibleAt(page, f)) - t0;
  const nav = await evalIn<number>(f, 'performance.timeOrigin');
  if (nav) out.firstFrameStart = nav - t0;
  const heap = await evalIn<number>(f, '(performance.memory && performance.memory.usedJSHeapSize) || 0');
  if (heap) out.heapMB = heap / 1048576; // the renderer's JS heap (Chromium shares it among same-site frames)
  if (ext.mnemos) {
    const marks = await evalIn<{ ready: number; origin: number }>(
      f,
      `({ ready: performance.getEntriesByName('mnemos:ready')[0]?.startTime ?? -1, origin: performance.timeOrigin })`,
    );
    if (marks && marks.ready >= 0) out.firstScriptReady = marks.origin + marks.ready - t0;
  }
  step(`first open ${out.firstOpen}`);
  // Re-open: Explorer, then the view's icon again.
  const reopen: number[] = [];
  for (let i = 0; i < 3; i++) {
    await clickAt(page, 'Explorer');
    await page
      .locator('.explorer-folders-view, .explorer-viewlet')
      .first()
      .waitFor({ timeout: 30000 })
      .catch(() => undefined);
    await H.sleep(400);
    const before = new Set(page.frames());
    if (ext.name === 'mnemos') before.delete(f); // retained: the same frame shows again; otherwise a new one
    const t = await clickAt(page, ext.title);
    f = await findFrame(page, ext.rowSel, before.size ? before : new Set());
    reopen.push(Math.max(await firstPaintAt(f, ext), await outerVisibleAt(page, f)) - t);
  }
  out.reopen = median(reopen);
  step(`reopen ${reopen.join(', ')}`);
  // Keystroke → results: type the query one key at a time, time the last key to its one hit painted.
  const input = ext.mnemos ? f.locator('#search input') : f.locator('#q');
  await input.waitFor({ timeout: 30000 });
  const keys: number[] = [];
  for (let i = 0; i < 5; i++) {
    await input.fill('');
    await evalIn(f, 'window.__benchWait(' + JSON.stringify(ext.rowSel) + ', 1)');
    await input.fill(QUERY.slice(0, -1));
    await H.sleep(300);
    // Painted when every hit shown is one for the full query (a prefix search may show id42420… too).
    const hits = JSON.stringify(ext.hitSel);
    const wait = f.evaluate(
      `window.__benchWait(${hits}, 1, () => [...document.querySelectorAll(${hits})].every((r) => r.textContent.includes('${QUERY}')))`,
    );
    const t = await f.evaluate(() => Date.now());
    await input.press(QUERY.slice(-1));
    keys.push(((await wait) as number) - t);
  }
  out.keystroke = median(keys);
  step(`keys ${keys.join(', ')}`);
  await input.fill('');
  await evalIn(f, 'window.__benchWait(' + JSON.stringify(ext.rowSel) + ', 1)');
  // Expand the 1,000-memory topic (first page painted), then scroll until its last row is there.
  // Each window has a workspace of its own, so no saved view state (the big topic open, scrolled)
  // carries over from the previous window: the topic is closed and at the top here.
  const big = f.locator(ext.bigSel).first();
  await big.scrollIntoViewIfNeeded();
  const scroller = ext.mnemos ? '#scroller' : '#list';
  const mem = JSON.stringify(ext.memSel);
  // Expanded = the topic's rows fill the view (or all of them are drawn): the old tree drew pages of
  // 100, the virtualized one draws what fits, the baseline draws all.
  const filled = `() => { const rs = [...document.querySelectorAll(${mem})]; if (rs.length >= ${BIG_N}) return true;
    if (!rs.length) return false; const bottom = document.querySelector('${scroller}').getBoundingClientRect().bottom;
    return rs.some((r) => r.getBoundingClientRect().bottom >= bottom); }`;
  const waitExpand = f.evaluate(`window.__benchWait(${mem}, 1, ${filled})`);
  let t = await f.evaluate(() => Date.now());
  await big.click();
  out.expand = ((await waitExpand) as number) - t;
  step(`expand ${out.expand}`);
  // The end: every row drawn, or (virtualized) the row at position BIG_N of the topic painted.
  const atEnd = `() => document.querySelectorAll(${mem}).length >= ${BIG_N} || !!document.querySelector(${JSON.stringify(ext.memSel + `[aria-posinset="${BIG_N}"]`)})`;
  const waitAll = f.evaluate(`window.__benchWait(${mem}, 0, ${atEnd})`);
  t = await f.evaluate(() => Date.now());
  // A person drags the scrollbar to the end of the topic and holds it there as new rows arrive. The
  // baseline's list is the topic; Mnemos's tree goes on with the other topics, so the end of the topic
  // is its "more" row (held at the bottom of the view), or, when that is beyond the rows drawn
  // (virtualized), the last of its rows drawn (brought to the top of the view: a fast drag).
  const more = JSON.stringify(`#tree [data-kind="more"][data-topic="${BIG}"]`);
  const scrolling = f.evaluate(`(() => new Promise((resolve) => {
    const s = document.querySelector(${JSON.stringify(scroller)});
    const step = () => {
      if (!${ext.mnemos}) s.scrollTop = s.scrollHeight;
      else { const m = document.querySelector(${more}); const rs = document.querySelectorAll(${mem});
        if (m) m.scrollIntoView({ block: 'end' }); else if (rs.length) rs[rs.length - 1].scrollIntoView({ block: 'start' }); }
      if ((${atEnd})()) resolve(); else requestAnimationFrame(step); };
    step(); }))()`);
  // Both may still be pending when the next window load detaches the frame: never let that throw.
  waitAll.catch(() => undefined);
  scrolling.catch(() => undefined);
  const capped = await Promise.race([waitAll, H.sleep(20000).then(() => NaN)]);
  out.scrollEnd = (capped as number) - t;
  if (Number.isNaN(capped)) step('scroll to end: not reached in 20 s');
  else await scrolling;
  // Hidden: Explorer shown, the view's page retained (mnemos) or dropped (noretain, baseline).
  await clickAt(page, 'Explorer');
  await H.sleep(1000);
  Object.assign(out, await probe.hidden());
  return out;
}

/** The renderer's memory with the view hidden, after a forced GC. */
interface MemoryProbe {
  hidden(): Promise<Sample>;
}

function memoryProbe(page: Page, profile: string): MemoryProbe {
  let cdp: Awaited<ReturnType<BrowserContext['newCDPSession']>> | undefined;
  return {
    async hidden() {
      cdp ??= await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      await H.sleep(200);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      return {
        hiddenHeapMB: m.JSHeapUsedSize / 1048576,
        hiddenNodes: m.Nodes,
        hiddenDocuments: m.Documents,
        hiddenPssMB: chromiumPssMB(profile),
      };
    },
  };
}

/** Sum of PSS over the Chromium browser started with this profile and all its descendants (Linux /proc). */
function chromiumPssMB(profile: string): number {
  const procs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map<string, string>();
  const roots: string[] = [];
  for (const pid of procs) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(`--user-data-dir=${profile}`) && !cmd.includes('--type=')) roots.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: string): boolean => {
    for (let p: string | undefined = pid, i = 0; p && p !== '0' && i < 64; p = parent.get(p), i++)
      if (roots.includes(p)) return true;
    return false;
  };
  let kb = 0;
  for (const pid of procs) {
    if (!inTree(pid)) continue;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ----------------------------------------------------------------------------------------- main

async function runSize(n: number, reps: number, work: string): Promise<void> {
  const storeFile = path.join(work, `store-${n}.db`);
  const built = await buildStore(storeFile, n);
  console.log(
    `\n${n.toLocaleString('en')} memories in ${built.topics} topics (one of ${bigOf(n)}), store built in ${Math.round(built.ms)} ms`,
  );
  const dirs = H.makeRunDir('bench', {});
  const settings = path.join(dirs.runDir, 'settings.json');
  fs.writeFileSync(
    settings,
    JSON.stringify({
      'mnemos.database.path': storeFile,
      'mnemos.embeddings.enabled': false,
      'workbench.activityBar.location': 'default',
    }),
  );
  H.writeSettings(dirs.userDataDir, settings);
  const ctl = path.join(dirs.runDir, 'ctl');
  fs.mkdirSync(ctl);
  let server: { authority: string; stop(): Promise<void> } | undefined;
  let ctx: BrowserContext | undefined;
  try {
    server = await H.startCodeServer(dirs, { MNEMOS_SHOT_CTL: ctl, MNEMOS_SHOT_HOLD_MS: '3600000' });
    ctx = (await H.launchBrowser(dirs, { width: 1400, height: 900 })) as BrowserContext;
    await ctx.addInitScript(INIT);
    await ctx.exposeFunction('codeAutomationLog', () => undefined);
    await ctx.exposeFunction('codeAutomationExit', () => undefined);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const mem = memoryProbe(page, dirs.profile);
    // A workspace per window: VS Code keeps a webview view's state per workspace, so no window
    // inherits the previous one's (the big topic left open and scrolled made rep 2 fail).
    const urlFor = (extDir: string, ws: string) => {
      const folder = path.join(dirs.runDir, 'ws', ws);
      fs.mkdirSync(folder, { recursive: true });
      return H.workbenchUrl(server!.authority, {
        folder,
        extensionDevelopmentPath: [extDir],
        extensionTestsPath: path.join(ROOT, 'test/host/shot-driver.js'),
      });
    };
    const shipped = writeBenchExtension(path.join(dirs.runDir, 'ext'), storeFile, false);
    const dirOf: Record<VariantName, string> = {
      mnemos: shipped,
      noretain: VARIANTS.includes('noretain')
        ? writeBenchExtension(path.join(dirs.runDir, 'ext-noretain'), storeFile, true)
        : shipped,
      baseline: shipped,
    };
    await warmUp(page, urlFor(shipped, 'warm-up'), ctl);
    step('warm-up window done');
    const samples: Record<string, Sample[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    for (let r = 0; r < reps; r++) {
      // Rotate the order each repetition, so no variant always comes first after a fresh server.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
      for (const v of order) {
        const ext = EXTS[v];
        const s = await oneWindow(page, urlFor(dirOf[v], `${r}-${v}`), ctl, ext, mem).catch(async (e) => {
          await page.screenshot({ path: path.join(work, 'failed.png') }).catch(() => undefined);
          throw e;
        });
        samples[v].push(s);
        console.log(
          `  rep ${r + 1} ${v.padEnd(8)} ${Object.entries(s)
            .map(([k, x]) => `${k} ${Math.round(x)}`)
            .join(', ')}`,
        );
      }
    }
    const load = os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    console.log(`  medians over ${reps} windows each (load average ${load}); ratio to the baseline in ():`);
    const keys = [
      'firstOpen',
      'reopen',
      'keystroke',
      'expand',
      'scrollEnd',
      'firstFrameStart',
      'firstScriptReady',
      'heapMB',
      'hiddenHeapMB',
      'hiddenNodes',
      'hiddenDocuments',
      'hiddenPssMB',
    ];
    const med = (v: string, k: string) => {
      const xs = (samples[v] ?? []).map((x) => x[k]).filter((x) => x !== undefined && !Number.isNaN(x));
      return xs.length ? median(xs) : NaN;
    };
    console.log(`  ${'figure'.padEnd(17)}${VARIANTS.map((v) => v.padStart(18)).join('')}`);
    for (const k of keys) {
      const b = med('baseline', k);
      const cells = VARIANTS.map((v) => {
        const m = med(v, k);
        if (Number.isNaN(m)) return '-'.padStart(18);
        const ratio =
          v !== 'baseline' && b > 0 && !k.startsWith('hidden') && k !== 'heapMB' ? ` (${(m / b).toFixed(2)}×)` : '';
        return `${Math.round(m)}${ratio}`.padStart(18);
      });
      if (cells.every((c) => c.trim() === '-')) continue;
      console.log(`  ${k.padEnd(17)}${cells.join('')}`);
    }
  } finally {
    try {
      fs.writeFileSync(path.join(ctl, 'release'), '');
    } catch {}
    await H.teardown(ctx, server);
    H.cleanRunDir(dirs, false, !!args.keep);
  }
}

async function main(): Promise<void> {
  H.checkInstalled();
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js')) || !fs.existsSync(path.join(ROOT, 'dist/webview.js'))) {
    throw new Error('dist/ is missing: run node scripts/build.mjs first');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-workbench-'));
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at start`,
  );
  try {
    for (const n of SIZES) await runSize(n, n >= 100_000 ? REPS_100K : REPS, work);
  } finally {
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
