/**
 * The memoir graph panel in headless Chromium over a real store: render, hostile text kept inert,
 * click → detail → open a source memory, label and relation filters, search that highlights and
 * centres, the keyboard list view, restored state and live refresh.
 * run: node --import tsx --test --test-concurrency=1 test/graph-webview/graph.test.ts
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Concept, MemoirStore, type MnemosStore, openStore } from '../../src/store';
import {
  type AssetServer,
  conceptPoint,
  ensureGraphBuilt,
  type GraphPage,
  graphPainted,
  launchBrowser,
  openGraph,
  ROOT,
  startGraphServer,
} from './harness';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
let dir: string;
let store: MnemosStore;
let memoirs: MemoirStore;
let browser: Browser;
let server: AssetServer;
const c: Record<string, Concept> = {};
const memoryIds: string[] = [];

before(async () => {
  ensureGraphBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-graph-'));
  store = await openStore({ mode: 'local', path: path.join(dir, 'graph.db') });
  memoirs = new MemoirStore(store.conn);
  for (const summary of ['The store speaks libSQL in ICM format', 'Recall fuses BM25 and cosine similarity']) {
    memoryIds.push((await store.store({ topic: 'decisions-mnemos', summary, importance: 'high' })).id);
  }
  await memoirs.createMemoir('mnemos', 'the project');
  const add = async (
    name: string,
    definition: string,
    labels: string,
    confidence: number,
    sourceMemoryIds: string[] = [],
  ) => {
    c[name] = await memoirs.addConcept('mnemos', { name, definition, labels, confidence, sourceMemoryIds });
  };
  await add('store', 'libSQL in ICM format, one connection per mode', 'kind:module', 0.9, memoryIds);
  await add('libsql', 'the SQLite fork with replication', 'kind:dependency', 0.7);
  await add('recall', 'hybrid search: BM25 with cosine similarity, weighted by decay', 'kind:module', 0.55, [
    memoryIds[1],
  ]);
  await add('embedder', 'transformers.js in a worker thread', 'kind:module', 0.3);
  await add('sidebar', 'the memories webview', 'kind:view', 0.1);
  await add(
    HOSTILE,
    `<script>window.__pwned=2</script><b onmouseover="window.__pwned=3">bold</b>`,
    '<i>label</i>',
    0.5,
  );
  await memoirs.link('mnemos', 'store', 'libsql', 'depends_on');
  await memoirs.link('mnemos', 'recall', 'store', 'depends_on');
  await memoirs.link('mnemos', 'recall', 'embedder', 'depends_on');
  await memoirs.link('mnemos', 'sidebar', 'recall', 'related_to');
  await memoirs.link('mnemos', HOSTILE, 'sidebar', 'part_of');
  browser = await launchBrowser();
  server = await startGraphServer('mnemos');
});

after(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(opts: Parameters<typeof openGraph>[5] = {}): Promise<GraphPage> {
  const g = await openGraph(browser, server, memoirs, store, 'mnemos', opts);
  await graphPainted(g.page);
  return g;
}

const detailText = (g: GraphPage) => g.page.locator('#detail').innerText();
const frame = (g: GraphPage) =>
  g.page.evaluate('window.__mnemosGraph.canvas.lastFrame') as Promise<{ nodes: number; edges: number; labels: number }>;
// Predicates as functions: a string predicate is eval'd while polling, which the panel's CSP forbids.
type Win = { __mnemosGraph: { canvas: { settled: boolean; hits: Set<string> } } };
const settle = (g: GraphPage) =>
  g.page.waitForFunction(() => (window as unknown as Win).__mnemosGraph.canvas.settled, undefined, { timeout: 20_000 });

async function clickConcept(g: GraphPage, id: string): Promise<void> {
  await settle(g);
  const p = await conceptPoint(g.page, id);
  assert.ok(p, `concept ${id} is drawn`);
  await g.page.mouse.click(p.x, p.y);
}

test('renders the memoir: title, counts, every concept and link drawn, no CSP violation, a screenshot', async () => {
  const g = await open();
  try {
    assert.equal(await g.page.locator('h1').textContent(), 'mnemos');
    assert.equal(await g.page.locator('.counts').textContent(), '6 concepts · 5 links');
    await settle(g);
    await g.page.evaluate('window.__mnemosGraph.canvas.fit()');
    await g.page.waitForTimeout(100);
    const f = await frame(g);
    assert.equal(f.nodes, 6);
    assert.equal(f.edges, 5);
    assert.deepEqual(await g.cspViolations(), []);
    assert.deepEqual(
      g.logs.filter((l) => /error/i.test(l)),
      [],
    );
    await clickConcept(g, c.recall.id);
    await g.page.locator('#detail h2').waitFor();
    fs.mkdirSync(path.join(ROOT, 'test-results/graph'), { recursive: true });
    await g.page.screenshot({ path: path.join(ROOT, 'test-results/graph/graph-dark.png') });
  } finally {
    await g.close();
  }
});

test('hostile concept text stays text: no element made, no handler run, shown verbatim', async () => {
  const g = await open();
  try {
    await clickConcept(g, c[HOSTILE].id);
    await g.page.locator('#detail h2').waitFor();
    assert.equal(await g.page.locator('#detail h2').textContent(), HOSTILE);
    assert.equal(await g.page.locator('#detail .definition').textContent(), c[HOSTILE].definition);
    assert.equal(await g.page.locator('#detail .chip').first().textContent(), 'tag:<i>label</i>');
    await g.page.locator('#detail').hover();
    assert.equal(await g.page.locator('img, script:not([src]), b, i').count(), 0);
    assert.equal(await g.page.evaluate('window.__pwned'), undefined);
    // The label filter and the list render it as text too.
    assert.ok((await g.page.locator('#label-filter').innerText()).includes('tag:<i>label</i> (1)'));
    await g.page.locator('#tab-list').click();
    assert.ok((await g.page.locator('#concept-list').innerText()).includes(HOSTILE));
    assert.equal(await g.page.locator('img').count(), 0);
    assert.deepEqual(await g.cspViolations(), []);
  } finally {
    await g.close();
  }
});

test('clicking a concept shows its definition, labels, confidence, revision and sources; a source opens the memory', async () => {
  const g = await open();
  try {
    await clickConcept(g, c.store.id);
    await g.page.locator('#detail h2', { hasText: 'store' }).waitFor();
    const text = await detailText(g);
    assert.match(text, /libSQL in ICM format, one connection per mode/);
    assert.match(text, /kind:module/);
    assert.match(text, /confidence 0\.90 · revision 1/);
    assert.match(text, /Source memories \(2\)/i);
    assert.match(text, /decisions-mnemos: The store speaks libSQL in ICM format/);
    assert.match(text, /depends on → libsql/);
    await g.page.locator(`#detail button[data-memory="${memoryIds[0]}"]`).click();
    for (let i = 0; i < 50 && !g.commands.length; i++) await g.page.waitForTimeout(20);
    assert.deepEqual(g.commands, [{ id: 'mnemos.openMemory', args: [memoryIds[0]] }]);
    // A link in the detail goes to the other concept.
    await g.page.locator('#detail button', { hasText: 'depends on → libsql' }).click();
    await g.page.locator('#detail h2', { hasText: 'libsql' }).waitFor();
    assert.equal(((await g.savedState()) as { selected: string }).selected, c.libsql.id);
    // The background deselects nothing and opens nothing.
    await g.page.mouse.click(5, 795);
    assert.equal(g.commands.length, 1);
  } finally {
    await g.close();
  }
});

test('filters: a label keeps only its concepts (graph and list), a relation only its links', async () => {
  const g = await open();
  try {
    await settle(g);
    await g.page.selectOption('#label-filter', 'kind:module');
    await g.page.waitForTimeout(50);
    let f = await frame(g);
    assert.equal(f.nodes, 3);
    assert.equal(f.edges, 2); // recall→store, recall→embedder
    await g.page.locator('#tab-list').click();
    assert.deepEqual(await g.page.locator('#concept-list [role="option"] .name').allTextContents(), [
      'embedder',
      'recall',
      'store',
    ]);
    await g.page.selectOption('#label-filter', '');
    await g.page.selectOption('#relation-filter', 'depends_on');
    await g.page.locator('#tab-graph').click();
    await g.page.waitForTimeout(50);
    f = await frame(g);
    assert.equal(f.nodes, 6);
    assert.equal(f.edges, 3);
    assert.deepEqual(await g.page.locator('#relation-filter option').allTextContents(), [
      'All relations',
      'part of (1)',
      'depends on (3)',
      'related to (1)',
    ]);
    const saved = (await g.savedState()) as { label: string; relation: string };
    assert.equal(saved.relation, 'depends_on');
  } finally {
    await g.close();
  }
});

test('search highlights the matches and centres the first; full text finds definitions; Enter selects', async () => {
  const g = await open();
  try {
    await settle(g);
    await g.page.locator('#search').fill('libsql');
    // The name match at once and first; then store, whose definition says libSQL (the host's full-text search).
    await g.page.locator('.status', { hasText: '2 matches' }).waitFor();
    const hits = (await g.page.evaluate('[...window.__mnemosGraph.canvas.hits]')) as string[];
    assert.deepEqual(hits, [c.libsql.id, c.store.id]);
    const size = (await g.page.evaluate('window.__mnemosGraph.canvas.size')) as { width: number; height: number };
    const p = (await g.page.evaluate(`window.__mnemosGraph.canvas.screenOf(${JSON.stringify(c.libsql.id)})`)) as {
      x: number;
      y: number;
    };
    assert.ok(
      Math.abs(p.x - size.width / 2) < 2 && Math.abs(p.y - size.height / 2) < 2,
      `centred: ${JSON.stringify(p)} in ${JSON.stringify(size)}`,
    );
    // 'cosine' is only in recall's definition: the host's full-text search finds it.
    await g.page.locator('#search').fill('cosine');
    await g.page.waitForFunction((id) => (window as unknown as Win).__mnemosGraph.canvas.hits.has(id), c.recall.id);
    await g.page.locator('#search').press('Enter');
    await g.page.locator('#detail h2', { hasText: 'recall' }).waitFor();
    // Cleared: nothing highlighted.
    await g.page.locator('#search').press('Escape');
    await g.page.waitForFunction(() => (window as unknown as Win).__mnemosGraph.canvas.hits.size === 0);
  } finally {
    await g.close();
  }
});

test('keyboard only: Tab to the tabs, arrow to List, Tab into the list, arrows and Enter open a concept, Tab to its links and sources', async () => {
  const g = await open({ width: 1000, height: 700 });
  try {
    const focused = () =>
      g.page.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.textContent)');
    await g.page.locator('#search').focus();
    await g.page.keyboard.press('Tab'); // label filter
    await g.page.keyboard.press('Tab'); // relation filter
    await g.page.keyboard.press('Tab'); // the selected tab
    assert.equal(await focused(), 'tab-graph');
    await g.page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'tab-list');
    assert.equal(await g.page.locator('#list').isVisible(), true);
    await g.page.keyboard.press('Tab');
    assert.equal(await focused(), 'concept-list');
    // Concepts by name: <img…>, embedder, libsql, recall, sidebar, store.
    await g.page.keyboard.press('End');
    await g.page.keyboard.press('ArrowUp');
    const active = await g.page.locator('#concept-list').getAttribute('aria-activedescendant');
    assert.equal(await g.page.locator(`#${active} .name`).textContent(), 'sidebar');
    await g.page.keyboard.press('Enter');
    await g.page.locator('#detail h2', { hasText: 'sidebar' }).waitFor();
    assert.equal(await g.page.locator('#concept-list [aria-selected="true"] .name').textContent(), 'sidebar');
    // Tab leaves the list for the detail's first link: sidebar → related to → recall.
    await g.page.keyboard.press('Tab');
    assert.match(String(await focused()), /related to → recall/);
    await g.page.keyboard.press('Enter');
    await g.page.locator('#detail h2', { hasText: 'recall' }).waitFor();
    assert.equal(await g.page.locator('#concept-list [aria-selected="true"] .name').textContent(), 'recall');
    // recall's source memory, reached by Tab, opens with Enter.
    for (let i = 0; i < 8 && !/^decisions-mnemos/.test(String(await focused())); i++)
      await g.page.keyboard.press('Tab');
    await g.page.keyboard.press('Enter');
    for (let i = 0; i < 50 && !g.commands.length; i++) await g.page.waitForTimeout(20);
    assert.deepEqual(g.commands, [{ id: 'mnemos.openMemory', args: [memoryIds[1]] }]);
    // Escape in the detail returns to the list.
    await g.page.keyboard.press('Escape');
    assert.equal(await focused(), 'concept-list');
  } finally {
    await g.close();
  }
});

test('a reopened panel restores view, filters, search and selection; new concepts appear live, placed ones stay', async () => {
  const g = await open({
    state: { v: 1, view: 'list', query: '', label: 'kind:module', relation: '', selected: c.embedder.id },
  });
  try {
    assert.equal(await g.page.locator('#list').isVisible(), true);
    assert.equal(await g.page.locator('#label-filter').inputValue(), 'kind:module');
    await g.page.locator('#detail h2', { hasText: 'embedder' }).waitFor();
    await settle(g);
    const before = (await g.page.evaluate(`window.__mnemosGraph.canvas.screenOf(${JSON.stringify(c.store.id)})`)) as {
      x: number;
      y: number;
    };
    const added = await memoirs.addConcept('mnemos', {
      name: 'vectors',
      definition: 'in-process index',
      labels: 'kind:module',
    });
    await memoirs.link('mnemos', 'vectors', 'embedder', 'depends_on');
    g.controller.notifyDataChanged();
    await g.page.locator('.counts', { hasText: '7 concepts · 6 links' }).waitFor();
    assert.ok((await g.page.locator('#concept-list').innerText()).includes('vectors'));
    const after = (await g.page.evaluate(`window.__mnemosGraph.canvas.screenOf(${JSON.stringify(c.store.id)})`)) as {
      x: number;
      y: number;
    };
    assert.ok(
      Math.hypot(after.x - before.x, after.y - before.y) < 60,
      `store stayed near its place: ${JSON.stringify([before, after])}`,
    );
    await memoirs.deleteConcept('mnemos', added.id);
  } finally {
    await g.close();
  }
});

test('the host refuses malformed requests and a missing memoir reads as such', async () => {
  const g = await open();
  try {
    const replies: unknown[] = [];
    const ctl = new (
      g.controller.constructor as typeof import('../../src/extension/memoirs/graphController').GraphController
    )({
      memoirs: async () => memoirs,
      memoir: 'no-such-memoir',
      memories: (ids) => store.getMany(ids),
      post: (m) => replies.push(m),
    });
    await ctl.receive({ type: 'request', seq: 1, method: 'concept', params: { id: 'x'.repeat(500) } });
    await ctl.receive({ type: 'request', seq: 2, method: 'drop', params: {} });
    await ctl.receive({ type: 'request', seq: 3, method: 'openMemory', params: { id: 'a' } });
    await ctl.receive({ type: 'request', seq: 4, method: 'graph', params: {} });
    const r = replies as {
      seq: number;
      ok: boolean;
      error?: { code: string };
      result?: { concepts: unknown[]; memoir: { id: string } };
    }[];
    assert.deepEqual(
      r.map((x) => [x.seq, x.ok, x.error?.code]),
      [
        [1, false, 'bad_request'],
        [2, false, 'bad_request'],
        [3, false, 'bad_request'],
        [4, true, undefined],
      ],
    );
    assert.equal(r[3].result?.memoir.id, '');
    assert.deepEqual(r[3].result?.concepts, []);
  } finally {
    await g.close();
  }
});
