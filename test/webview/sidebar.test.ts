// The Memories sidebar in headless Chromium: the real bundle under the real CSP, talking to the real
// host controller over a real store (see harness.ts). Run: node --import tsx --test test/webview/*.test.ts
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ConnectionError, type MnemosStore, openStore } from '../../src/store';
import {
  type AssetServer,
  ensureWebviewBuilt,
  firstPaint,
  launchBrowser,
  openSidebar,
  ROOT,
  sampleMemories,
  type Sidebar,
  type SidebarOptions,
  startAssetServer,
} from './harness';

const XSS = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const TOPICS = { auth: 30, 'build-system': 12, database: 250, frontend: 5 };

let browser: Browser;
let server: AssetServer;
let tmp: string;
const stores: MnemosStore[] = [];
const open: Sidebar[] = [];

async function newStore(fill = true): Promise<MnemosStore> {
  const store = await openStore({ mode: 'local', path: path.join(tmp, `s${stores.length}.db`) });
  stores.push(store);
  if (!fill) return store;
  for (const [topic, n] of Object.entries(TOPICS)) await store.storeMany(sampleMemories(n, [topic], topic.length));
  await store.store({
    topic: 'auth',
    summary: 'Rotate OAuth refresh tokens on every use\nThe old token is revoked when the new one is issued.',
    importance: 'critical',
    keywords: ['oauth', 'refresh-token'],
    rawExcerpt: 'if (token.used) {\n  revoke(token); // <b>not bold</b>\n}',
    source: { type: 'vscode', file: 'src/auth/refresh.ts', startLine: 40, endLine: 52, language: 'typescript' },
  });
  await store.store({ topic: 'auth', summary: XSS, importance: 'high', rawExcerpt: XSS });
  return store;
}

async function sidebar(store: MnemosStore | (() => Promise<MnemosStore>), opts: SidebarOptions = {}): Promise<Sidebar> {
  const sb = await openSidebar(browser, server, store, opts);
  open.push(sb);
  await firstPaint(sb.page);
  return sb;
}

interface RowInfo {
  kind: string;
  id?: string;
  topic?: string;
  label: string;
  badge?: string;
  selected: boolean;
  tabIndex: number;
  focused: boolean;
  expanded: string | null;
  level: number;
  posinset: number;
  setsize: number;
  /** Place in the whole list (the DOM holds the rows in view only). */
  index: number;
}

/** The rows in the DOM (those in view, plus a margin), top to bottom, as the page sees them. A string: tsx helpers do not exist in the page. */
const ROWS_JS = `(() => {
  const tree = document.getElementById('tree');
  if (!tree || tree.hidden) return [];
  return [...tree.children].filter((e) => e.getAttribute('role') === 'treeitem').map((e) => ({
    kind: e.dataset.kind || '',
    id: e.dataset.id,
    topic: e.dataset.topic,
    label: e.querySelector(':scope > .row-label')?.textContent ?? '',
    badge: e.querySelector(':scope > .badge')?.textContent ?? undefined,
    selected: e.getAttribute('aria-selected') === 'true',
    tabIndex: e.tabIndex,
    focused: document.activeElement === e,
    expanded: e.getAttribute('aria-expanded'),
    level: Number(e.getAttribute('aria-level')),
    posinset: Number(e.getAttribute('aria-posinset')),
    setsize: Number(e.getAttribute('aria-setsize')),
    index: Number(e.dataset.index),
  }));
})()`;
function rows(page: Page): Promise<RowInfo[]> {
  return page.evaluate<RowInfo[]>(ROWS_JS);
}

/** Polls until `check` holds (keys, clicks and replies are asynchronous; a loaded machine is slow). */
async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const commandRan = (sb: Sidebar, expected: { id: string; args: unknown[] }) =>
  eventually(
    () => isDeepStrictEqual(sb.commands.at(-1), expected),
    `${expected.id}(${JSON.stringify(expected.args)}); last: ${JSON.stringify(sb.commands.at(-1))}`,
  );

async function focusOn(page: Page, what: string, pred: (r: RowInfo) => boolean): Promise<void> {
  await eventually(async () => {
    const f = await focusedRow(page);
    return !!f && pred(f);
  }, `focus on ${what}`);
}

const focusedRow = async (page: Page) => (await rows(page)).find((r) => r.focused);
const row = (page: Page, sel: string) => page.locator(`#tree > [role="treeitem"]${sel}`);

/**
 * Every row of the list, read by scrolling the view from top to bottom (the DOM holds the rows in view
 * only). Use once every page is loaded: a "more" row scrolled into view loads its page.
 */
async function allRows(page: Page): Promise<RowInfo[]> {
  const byIndex = new Map<number, RowInfo>();
  const scroller = page.locator('#scroller');
  const [height, total] = await scroller.evaluate((e) => [e.clientHeight, e.scrollHeight]);
  for (let y = 0; ; y += height) {
    await scroller.evaluate((e, top) => (e.scrollTop = top), y);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const r of await rows(page)) byIndex.set(r.index, r);
    if (y + height >= total) break;
  }
  await scroller.evaluate((e) => (e.scrollTop = 0));
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

async function waitRows(page: Page, pred: (rs: RowInfo[]) => boolean, what: string): Promise<RowInfo[]> {
  const deadline = Date.now() + 10_000;
  let last: RowInfo[] = [];
  while (Date.now() < deadline) {
    last = await rows(page);
    if (pred(last)) return last;
    await page.waitForTimeout(25);
  }
  assert.fail(
    `timed out waiting for ${what}; rows: ${JSON.stringify(last.slice(0, 8).map((r) => [r.kind, r.topic, r.label.slice(0, 30)]))}…`,
  );
}

async function expandTopic(page: Page, topic: string): Promise<void> {
  await row(page, `[data-kind="topic"][data-topic="${topic}"]`).click();
  await waitRows(page, (rs) => rs.some((r) => r.kind === 'memory' && r.topic === topic), `${topic} to open`);
}

before(async () => {
  ensureWebviewBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-sidebar-'));
  browser = await launchBrowser();
  server = await startAssetServer();
});

after(async () => {
  for (const sb of open) await sb.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  for (const s of stores) await s.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('Memories sidebar in Chromium', () => {
  let store: MnemosStore;
  before(async () => {
    store = await newStore();
  });

  test('the tree lists every topic with its memory count, as the store has them', async () => {
    const sb = await sidebar(store);
    const shown = (await rows(sb.page)).filter((r) => r.kind === 'topic');
    const expected = await store.topics();
    assert.deepEqual(
      shown.map((r) => [r.topic, r.label, r.badge]),
      expected.map((t) => [t.topic, t.topic, String(t.count)]),
    );
    assert.ok(expected.length >= 4);
    assert.equal(await row(sb.page, '[data-topic="database"]').getAttribute('aria-label'), 'database, 250 memories');
    // The host only posts after `ready`, and the webview asked before it rendered anything.
    assert.deepEqual(sb.fromWebview[0], { type: 'ready' });
    assert.deepEqual(sb.logs, [], 'no errors or warnings in the console');
  });

  test('typing in the search field updates the results as you type; clearing it brings the topics back', async () => {
    const sb = await sidebar(store);
    const input = sb.page.locator('#search input');
    await input.pressSequentially('rota', { delay: 20 });
    // As you type: the results for "r", "ro", "rot" may show first; wait for those of "rota".
    const hits = await waitRows(
      sb.page,
      (rs) => rs.length > 0 && rs.every((r) => r.kind === 'memory' && /rota/i.test(r.label)),
      'search results for "rota"',
    );
    assert.deepEqual(
      hits.map((r) => r.label),
      ['Rotate OAuth refresh tokens on every use'],
    );
    // Search results say which topic they are in.
    assert.equal(await row(sb.page, '[data-kind="memory"]').first().locator('.row-topic').textContent(), 'auth');
    await input.pressSequentially('te OAuth', { delay: 20 });
    const asked = (q: string) =>
      sb.fromWebview.some((m) => (m as { method?: string; params?: { query?: string } }).params?.query === q);
    for (let i = 0; i < 200 && !asked('rotate OAuth'); i++) await sb.page.waitForTimeout(25);
    assert.ok(asked('rotate OAuth'), 'the whole query was searched once typing paused');
    await waitRows(
      sb.page,
      (rs) => rs[0]?.label === 'Rotate OAuth refresh tokens on every use' && rs.length === 1,
      'the full words',
    );
    await input.fill('');
    await input.pressSequentially('qzxv', { delay: 20 });
    await waitRows(sb.page, (rs) => rs.length === 0, 'no results for a word nobody wrote');
    assert.match((await sb.page.locator('#empty').textContent()) ?? '', /No memories match your search/);
    // The store says it is keyword-only: the view says so.
    assert.equal(await sb.page.locator('#note').isVisible(), true);
    assert.match((await sb.page.locator('#note').textContent()) ?? '', /Keyword search only/);

    // Every query was a prefix search the host ran; the debounce kept it from running once per key.
    const searches = sb.fromWebview.filter((m) => (m as { method?: string }).method === 'search');
    assert.ok(searches.length >= 3 && searches.length < 'rotate OAuthqzxv'.length, `${searches.length} searches`);
    await input.press('Escape');
    await waitRows(sb.page, (rs) => rs.length > 0 && rs.every((r) => r.kind === 'topic'), 'topics after clearing');
    assert.equal(await sb.page.locator('#note').isVisible(), false);
  });

  test('selecting a memory opens its details: full text, excerpt as code text, keywords, dates and a source link', async () => {
    const sb = await sidebar(store);
    await expandTopic(sb.page, 'auth');
    const [m] = (await store.recallKeyword('rotate oauth', { bumpAccess: false })).map((s) => s.memory);
    await row(sb.page, `[data-id="${m.id}"]`).click();
    const detail = sb.page.locator('#detail');
    await detail.locator('.summary').waitFor();
    assert.equal(await detail.locator('.summary').textContent(), m.summary);
    assert.equal(await detail.locator('pre.excerpt code').textContent(), m.rawExcerpt);
    assert.equal(await detail.locator('pre.excerpt b').count(), 0, 'markup in the excerpt stays text');
    assert.deepEqual(await detail.locator('.chip').allTextContents(), ['oauth', 'refresh-token']);
    const meta = await detail.locator('dl.meta').textContent();
    for (const part of ['Importance', 'critical', 'Weight', '1.000', 'Accessed', 'Created', 'Source', m.id])
      assert.ok(meta?.includes(part), `details show ${part}`);
    assert.equal(await detail.locator('button.link').textContent(), 'src/auth/refresh.ts:40–52');
    await detail.locator('button.link').click();
    await commandRan(sb, { id: 'mnemos.openMemory', args: [m.id] });
    // Icon-only buttons have names a screen reader can say.
    assert.deepEqual(
      await detail.locator('vscode-toolbar-button').evaluateAll((bs) => bs.map((b) => b.getAttribute('label'))),
      ['Open src/auth/refresh.ts:40–52', 'Edit memory', 'Delete memory', 'Close details'],
    );
    await detail.locator('vscode-toolbar-button[data-action="edit"]').click();
    await commandRan(sb, { id: 'mnemos.editMemory', args: [m.id] });
  });

  test('the tree is one tab stop and works from the keyboard: arrows, Home/End, Enter opens, Delete asks the delete command', async () => {
    const deleted: string[] = [];
    const own = await newStore();
    const sb = await sidebar(own, {
      // What the extension's command does once the user confirmed: delete, then the change watcher fires.
      onCommand: async (id, args, s) => {
        if (id !== 'mnemos.deleteMemory') return;
        await own.forget(args[0] as string);
        deleted.push(args[0] as string);
        s.dataChanged();
      },
    });
    const page = sb.page;
    await page.locator('#search input').focus();
    await page.keyboard.press('Tab'); // topic filter
    await page.keyboard.press('Tab'); // importance filter
    await page.keyboard.press('Tab'); // the tree
    let f = await focusedRow(page);
    assert.equal(f?.topic, 'auth', 'Tab lands on the first row');
    assert.equal((await rows(page)).filter((r) => r.tabIndex === 0).length, 1, 'exactly one row is in the tab order');

    await page.keyboard.press('ArrowDown');
    await focusOn(page, 'build-system', (r) => r.topic === 'build-system');
    await page.keyboard.press('End');
    await focusOn(page, 'frontend (End)', (r) => r.topic === 'frontend');
    await page.keyboard.press('Home');
    await focusOn(page, 'auth (Home)', (r) => r.topic === 'auth');
    assert.equal((await rows(page)).filter((r) => r.tabIndex === 0).length, 1, 'roving tabindex follows focus');

    await page.keyboard.press('ArrowRight');
    const opened = await waitRows(
      page,
      (rs) => rs.some((r) => r.kind === 'memory' && r.topic === 'auth'),
      'auth to expand',
    );
    assert.equal(opened[0].expanded, 'true');
    await page.keyboard.press('ArrowDown');
    await focusOn(page, 'the first memory', (r) => r.kind === 'memory');
    f = await focusedRow(page);
    await page.keyboard.press('Enter');
    await page.locator('#detail .summary').waitFor();
    const target = f!.id!;
    assert.equal(await page.locator('#detail .memory-id').textContent(), target);
    assert.equal((await focusedRow(page))?.id, target, 'focus stays in the tree after Enter');

    const next = (await rows(page))[2];
    await page.keyboard.press('Delete');
    await waitRows(page, (rs) => !rs.some((r) => r.id === target), 'the deleted row to go');
    assert.deepEqual(deleted, [target]);
    assert.deepEqual(sb.commands.at(-1), { id: 'mnemos.deleteMemory', args: [target] });
    await focusOn(page, 'the next row', (r) => r.id === next.id);
    assert.equal(
      await page
        .locator('#detail')
        .textContent()
        .then((t) => t?.includes('Memory not found')),
      true,
      'details say the memory is gone',
    );

    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#detail').isVisible(), false);
    await page.keyboard.press('Control+Enter');
    await commandRan(sb, { id: 'mnemos.openMemory', args: [next.id] });
    await page.keyboard.press('F2');
    await commandRan(sb, { id: 'mnemos.editMemory', args: [next.id] });
    // ArrowDown from the search field goes to the tree.
    await page.locator('#search input').focus();
    await page.keyboard.press('ArrowDown');
    await focusOn(page, 'the tree from the search field', (r) => r.id === next.id);
  });

  test('memory text is inert: markup in a summary shows as literal text and never runs', async () => {
    const sb = await sidebar(store);
    await expandTopic(sb.page, 'auth');
    const xssRow = (await rows(sb.page)).find((r) => r.label === XSS);
    assert.ok(xssRow, 'the summary is shown as its literal text');
    await row(sb.page, `[data-id="${xssRow.id}"]`).click();
    await sb.page.locator('#detail .summary').waitFor();
    assert.equal(await sb.page.locator('#detail .summary').textContent(), XSS);
    assert.equal(await sb.page.locator('#detail pre.excerpt code').textContent(), XSS);
    // Search renders it too.
    await sb.page.locator('#search input').fill('onerror');
    await waitRows(sb.page, (rs) => rs.some((r) => r.label === XSS), 'the search hit');
    await sb.page.waitForTimeout(200);
    assert.equal(await sb.page.evaluate(() => document.querySelectorAll('img, #app script').length), 0);
    assert.equal(await sb.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(await sb.cspViolations(), [], 'our own code trips the CSP zero times');

    // The recorder works and the CSP is enforced: an injected inline script is blocked and reported.
    await sb.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 3';
      document.body.append(s);
    });
    await eventually(async () => (await sb.cspViolations()).length > 0, 'the violation report');
    assert.equal(await sb.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    const v = await sb.cspViolations();
    assert.equal(v.length, 1);
    assert.equal(v[0].directive, 'script-src-elem');
  });

  test('a big topic pages in with keyset cursors: "Load more" and scrolling fetch the rest, in order, once', async () => {
    // The host answers when the test lets it (the store getter waits on a gate), so what runs when is
    // decided here, not by the clock.
    let release = (): void => undefined;
    let gate: Promise<void> = Promise.resolve();
    const hold = () => (gate = new Promise<void>((r) => (release = r)));
    const sb = await sidebar(async () => {
      await gate;
      return store;
    });
    const page = sb.page;
    await expandTopic(page, 'database');
    // The first 100, and (its "Load more" row within three views of the view) the next 100 at once.
    const lists = () => sb.fromWebview.filter((m) => (m as { method?: string }).method === 'list').length;
    await eventually(() => lists() === 2, 'the next page prefetched');
    let rs = await waitRows(page, (x) => x.some((r) => r.posinset === 1 && r.setsize === 251), 'the first rows');
    const first = rs.find((r) => r.kind === 'memory' && r.topic === 'database')!;
    // The set is as big as the topic (250), plus the "Load more" row.
    assert.deepEqual([first.level, first.posinset, first.setsize], [2, 1, 251]);
    assert.ok(rs.length < 80, `only the rows in view are in the DOM (${rs.length})`);
    // "Load more" brought into view asks for the next page (held at the host); Enter on it joins that
    // load and, once the page is in, focuses its first row.
    void hold();
    const more = row(page, '[data-kind="more"]');
    await page.locator('#scroller').evaluate((e) => (e.scrollTop = 203 * 22 - e.clientHeight + 22));
    await more.waitFor({ state: 'attached' });
    assert.equal(await more.locator('.row-label').textContent(), 'Load more (50 not shown)');
    await more.evaluate((e) => (e as HTMLElement).focus({ preventScroll: true }));
    await focusOn(page, 'Load more', (r) => r.kind === 'more');
    await eventually(() => lists() === 3, 'the last page asked for');
    await page.keyboard.press('Enter');
    release();
    await focusOn(page, 'the first row of the new page', (r) => r.kind === 'memory' && r.posinset === 201);
    // Held at the bottom, the rest comes in.
    await page.locator('#scroller').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await eventually(async () => {
      await page.locator('#scroller').evaluate((e) => (e.scrollTop = e.scrollHeight));
      const x = await rows(page);
      return x.some((r) => r.kind === 'memory' && r.posinset === 250) && !x.some((r) => r.kind === 'more');
    }, 'all 250');
    rs = await allRows(page);
    const ids = rs.filter((r) => r.kind === 'memory' && r.topic === 'database').map((r) => r.id);
    const all: string[] = [];
    for await (const m of store.iterate({ topic: 'database', order: 'recent' })) all.push(m.id);
    assert.deepEqual(ids, all);
    assert.ok(rs.filter((r) => r.kind === 'memory').every((r) => r.setsize === 250));
    const asked = sb.fromWebview.filter((m) => (m as { method?: string }).method === 'list') as {
      params: { limit: number; cursor: string | null };
    }[];
    assert.deepEqual(
      asked.map((l) => [l.params.limit, l.params.cursor === null]),
      [
        [100, true],
        [100, false],
        [200, false], // the next page is as big as what is shown
      ],
    );
  });

  test('holding the scrollbar at the bottom of a 1,000-memory topic loads every row, each once, with ~60 rows in the DOM', async () => {
    const own = await newStore(false);
    await own.storeMany(sampleMemories(1000, ['big'], 7));
    await own.storeMany(sampleMemories(3, ['small'], 8));
    const sb = await sidebar(own);
    const page = sb.page;
    await expandTopic(page, 'big');
    // A person dragging the scrollbar to the end and keeping it there: scrolled to the bottom every
    // frame, so the "Load more" row stays in view while the next page arrives.
    await page.evaluate(`(() => {
      const s = document.getElementById('scroller');
      const step = () => { s.scrollTop = s.scrollHeight;
        if (!document.querySelector('#tree > [data-kind="memory"][aria-posinset="1000"]')) requestAnimationFrame(step); };
      step();
    })()`);
    await eventually(
      async () => (await rows(page)).some((r) => r.kind === 'memory' && r.posinset === 1000),
      'the 1,000th row',
      30_000,
    );
    const inDom = await rows(page);
    assert.ok(inDom.length < 80, `${inDom.length} rows in the DOM`);
    assert.ok(!inDom.some((r) => r.kind === 'more'), 'nothing left to load');
    const rs = await allRows(page);
    const ids = rs.filter((r) => r.kind === 'memory' && r.topic === 'big').map((r) => r.id);
    assert.equal(ids.length, 1000);
    assert.equal(new Set(ids).size, 1000, 'each memory once');
    const lists = sb.fromWebview.filter((m) => (m as { method?: string }).method === 'list') as {
      params: { limit: number };
    }[];
    assert.deepEqual(
      lists.map((l) => l.params.limit),
      [100, 100, 200, 400, 800],
      'five round trips, each page as big as what is shown',
    );
  });

  test('the tree follows the ARIA tree pattern: levels, sets, expanded state, one tab stop', async () => {
    const sb = await sidebar(store);
    const page = sb.page;
    assert.equal(await page.locator('#tree').getAttribute('role'), 'tree');
    await expandTopic(page, 'auth');
    const rs = await rows(page);
    const topics = rs.filter((r) => r.kind === 'topic');
    assert.deepEqual(
      topics.map((t) => [t.level, t.posinset, t.setsize]),
      topics.map((_, i) => [1, i + 1, topics.length]),
    );
    assert.deepEqual(
      topics.map((t) => t.expanded),
      topics.map((t) => (t.topic === 'auth' ? 'true' : 'false')),
    );
    const auth = rs.filter((r) => r.kind === 'memory' && r.topic === 'auth');
    assert.ok(auth.length > 0 && auth.every((r, i) => r.level === 2 && r.posinset === i + 1 && r.setsize === 32));
    assert.equal(rs.filter((r) => r.tabIndex === 0).length, 1);
    assert.equal(
      await page.evaluate(
        () => document.querySelectorAll('#tree [role=treeitem] [aria-hidden=true].codicon').length > 0,
      ),
      true,
      'icons are hidden from screen readers',
    );
    // ← on a memory goes to its topic; ← on the open topic closes it; → opens it again.
    await row(page, `[data-id="${auth[0].id}"]`).focus();
    await page.keyboard.press('ArrowLeft');
    await focusOn(page, 'the topic', (r) => r.kind === 'topic' && r.topic === 'auth');
    await page.keyboard.press('ArrowLeft');
    await waitRows(page, (x) => !x.some((r) => r.topic === 'auth' && r.kind === 'memory'), 'auth to close');
    assert.equal((await focusedRow(page))?.expanded, 'false');
    await page.keyboard.press(' ');
    await waitRows(page, (x) => x.some((r) => r.topic === 'auth' && r.kind === 'memory'), 'Space to open auth');
    // Type-ahead: "fr" jumps to frontend.
    await page.keyboard.type('fr');
    await focusOn(page, 'frontend by type-ahead', (r) => r.topic === 'frontend');
  });

  test('filters narrow the tree by topic and by importance', async () => {
    const sb = await sidebar(store);
    const page = sb.page;
    await page.locator('#importance-filter').click();
    await page.locator('#importance-filter').getByRole('option', { name: 'Critical', exact: true }).click();
    const critical = await store.sql(
      `SELECT topic, COUNT(*) AS n FROM memories WHERE importance = 'critical' GROUP BY topic ORDER BY topic`,
    );
    const rs = await waitRows(
      page,
      (x) => x.length === critical.length && x[0]?.badge === String(critical[0].n),
      'critical counts',
    );
    assert.deepEqual(
      rs.map((r) => [r.topic, r.badge]),
      critical.map((c) => [c.topic, String(c.n)]),
    );
    await expandTopic(page, 'auth');
    const shown = await row(page, '[data-kind="memory"]').evaluateAll((els) =>
      els.map((e) => (e as HTMLElement).dataset.importance),
    );
    assert.ok(shown.length > 0 && shown.every((i) => i === 'critical'), JSON.stringify(shown));

    // The topic options are made when the select is reached for (500 of them cost the first paint).
    assert.equal(await page.locator('#topic-filter vscode-option').count(), 1, 'only "All topics" at first');
    await page.locator('#topic-filter').click();
    assert.equal(await page.locator('#topic-filter vscode-option').count(), 1 + critical.length);
    await page.locator('#topic-filter').getByRole('option', { name: 'frontend', exact: true }).click();
    const only = await waitRows(page, (x) => x.filter((r) => r.kind === 'topic').length === 1, 'one topic');
    assert.equal(only[0].topic, 'frontend');
    assert.equal(only[0].expanded, 'true', 'a filtered topic opens by itself');
    assert.ok(only.slice(1).every((r) => r.kind !== 'memory' || r.topic === 'frontend'));
  });

  test('a change in the store appears live without losing the selection or the scroll position', async () => {
    const sb = await sidebar(store, { height: 500 });
    const page = sb.page;
    await expandTopic(page, 'database');
    const picked = (await rows(page)).filter((r) => r.kind === 'memory')[10];
    await row(page, `[data-id="${picked.id}"]`).click();
    await page.locator('#scroller').evaluate((e) => (e.scrollTop = 150));
    const before = await page.locator('#scroller').evaluate((e) => e.scrollTop);
    const handle = await row(page, `[data-id="${picked.id}"]`).elementHandle();

    await store.store({ topic: 'database', summary: 'Vacuum the replica after a bulk prune', importance: 'high' });
    await store.store({ topic: 'observability', summary: 'Trace ids go in every log line', importance: 'medium' });
    sb.dataChanged();
    const rs = await waitRows(page, (x) => x[0]?.setsize === 5, 'the new topic (five topics)');
    assert.equal(rs.find((r) => r.kind === 'topic' && r.topic === 'database')?.badge, '251');
    assert.equal(
      rs.filter((r) => r.kind === 'memory' && r.topic === 'database')[0].label,
      'Vacuum the replica after a bulk prune',
    );
    assert.equal(rs.find((r) => r.id === picked.id)?.selected, true, 'selection kept');
    assert.equal(await page.locator('#scroller').evaluate((e) => e.scrollTop), before, 'scroll kept');
    assert.equal(
      await handle.evaluate((e) => e.isConnected),
      true,
      'the row element was updated in place, not rebuilt',
    );
    assert.equal(await page.locator('#detail .memory-id').textContent(), picked.id);
  });

  test('hiding and showing the view restores search text, open topics, selection and details from getState', async () => {
    const sb = await sidebar(store);
    await expandTopic(sb.page, 'frontend');
    const target = (await rows(sb.page)).find((r) => r.kind === 'memory' && r.topic === 'frontend')!;
    await row(sb.page, `[data-id="${target.id}"]`).click();
    await sb.page.locator('#detail .summary').waitFor();
    const state = (await sb.savedState()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(state).sort(), [
      'detailOpen',
      'expanded',
      'importance',
      'query',
      'scrollTop',
      'selected',
      'topic',
      'v',
    ]);
    assert.ok(!JSON.stringify(state).includes(target.label), 'state holds UI state, never memory text');
    await sb.close();

    // A new page with the saved state: what VS Code does when the view is shown again.
    const again = await sidebar(store, { state });
    const rs = await waitRows(again.page, (x) => x.some((r) => r.id === target.id), 'the restored rows');
    assert.equal(rs.find((r) => r.kind === 'topic' && r.topic === 'frontend')?.expanded, 'true');
    assert.equal(rs.find((r) => r.id === target.id)?.selected, true);
    assert.equal(rs.find((r) => r.id === target.id)?.tabIndex, 0);
    await again.page.locator('#detail .summary').waitFor();
    assert.equal(await again.page.locator('#detail .memory-id').textContent(), target.id);

    await again.page.locator('#search input').fill('cache');
    await waitRows(
      again.page,
      (x) => x.some((r) => r.kind === 'memory') && x.every((r) => r.kind !== 'topic'),
      'results',
    );
    const s2 = await again.savedState();
    await again.close();
    const third = await sidebar(store, { state: s2 });
    assert.equal(await third.page.locator('#search input').inputValue(), 'cache');
    await waitRows(
      third.page,
      (x) =>
        x.length > 0 &&
        x.every((r) => r.kind === 'more' || (r.kind === 'memory' && r.label.toLowerCase().includes('cache'))),
      'the same search',
    );
  });

  test('screenshot: test-results/sidebar.png', async () => {
    const sb = await sidebar(store, { width: 340, height: 720 });
    await expandTopic(sb.page, 'auth');
    const [m] = (await store.recallKeyword('rotate oauth', { bumpAccess: false })).map((s) => s.memory);
    await row(sb.page, `[data-id="${m.id}"]`).click();
    await sb.page.locator('#detail .summary').waitFor();
    await sb.page.evaluate(() => document.fonts.ready);
    fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
    await sb.page.screenshot({ path: path.join(ROOT, 'test-results', 'sidebar.png') });
    assert.ok(fs.statSync(path.join(ROOT, 'test-results', 'sidebar.png')).size > 5000);
  });
});

describe('Memories sidebar on an empty store', () => {
  test('tells a new user how to save a first memory and how to connect a team store', async () => {
    const store = await newStore(false);
    const sb = await sidebar(store);
    const text = (await sb.page.locator('#empty').textContent()) ?? '';
    assert.match(text, /No memories yet/);
    assert.match(text, /right-click it and choose “Save Selection as Memory”/);
    assert.match(text, /team/);
    assert.equal(await sb.page.locator('#tree').isVisible(), false);
    await sb.page.locator('#empty vscode-button[data-command="saveMemory"]').click();
    await sb.page.locator('#empty vscode-button[data-command="connect"]').click();
    await eventually(
      () =>
        isDeepStrictEqual(
          sb.commands.map((c) => c.id),
          ['mnemos.saveMemory', 'mnemos.connect'],
        ),
      'save, then connect',
    );
    await sb.page.evaluate(() => document.fonts.ready);
    await sb.page.screenshot({ path: path.join(ROOT, 'test-results', 'sidebar-empty.png') });

    // The first memory arrives: the tree replaces the welcome text.
    await store.store({ topic: 'notes', summary: 'first one' });
    sb.dataChanged();
    await waitRows(sb.page, (rs) => rs.length === 1 && rs[0].topic === 'notes', 'the first topic');
    assert.equal(await sb.page.locator('#empty').isVisible(), false);
  });

  test('a store that cannot be reached shows the error and a way to connect, and recovers on retry', async () => {
    const store = await newStore(false);
    let fail = true;
    // A getter that fails like an unreachable server, as the extension's getStore() does.
    const sb = await openSidebar(
      browser,
      server,
      async () => {
        if (fail)
          throw new ConnectionError('cannot reach the libSQL server at https://db.example.com (token=secret123456789)');
        return store;
      },
      { status: { mode: 'remote', keywordOnly: true, connected: false } },
    );
    open.push(sb);
    await firstPaint(sb.page);
    const banner = sb.page.locator('#banner');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    assert.match(text, /cannot reach the libSQL server/);
    assert.ok(!text.includes('secret123456789'), 'tokens never reach the view');
    await banner.locator('vscode-button', { hasText: 'Connect…' }).click();
    await commandRan(sb, { id: 'mnemos.connect', args: [] });
    fail = false;
    await store.store({ topic: 'back', summary: 'reachable again' });
    await banner.locator('vscode-button', { hasText: 'Retry' }).click();
    await waitRows(sb.page, (rs) => rs.length === 1 && rs[0].topic === 'back', 'the recovered tree');
  });
});
