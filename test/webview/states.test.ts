// Every state of the sidebar a person can meet, rendered in headless Chromium from the real bundle
// and host controller: the words they read (never raw error text), wrapped or with the full text on
// hover (never cut at the edge), and a screenshot per state in test-results/sidebar-states/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { Embedder } from '../../src/embed/embedder';
import type { RecallNotice, SidebarStatus } from '../../src/shared/protocol';
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

const SHOTS = path.join(ROOT, 'test-results', 'sidebar-states');
const MODELS = path.join(ROOT, 'test', 'fixtures', 'models');
let browser: Browser;
let server: AssetServer;
let tmp: string;
const stores: MnemosStore[] = [];
const embedders: Embedder[] = [];
const open: Sidebar[] = [];

before(async () => {
  ensureWebviewBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-states-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  server = await startAssetServer();
});
after(async () => {
  for (const sb of open) await sb.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  for (const s of stores) await s.close();
  await Promise.all(embedders.map((e) => e.dispose()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function newStore(n = 0): Promise<MnemosStore> {
  const store = await openStore({ mode: 'local', path: path.join(tmp, `s${stores.length}.db`) });
  stores.push(store);
  if (n) await store.storeMany(sampleMemories(n, ['auth', 'build-system', 'database', 'frontend']));
  return store;
}

async function sidebar(store: MnemosStore | (() => Promise<MnemosStore>), opts: SidebarOptions = {}): Promise<Sidebar> {
  const sb = await openSidebar(browser, server, store, opts);
  open.push(sb);
  await firstPaint(sb.page);
  return sb;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 3000, `${name}.png was written`);
}

/** A person can read all of it: the text wraps inside its box, or the element's title carries it whole. */
async function readable(l: Locator, what: string): Promise<void> {
  const m = await l.evaluate((e) => ({
    sw: e.scrollWidth,
    cw: e.clientWidth,
    title: e.getAttribute('title') ?? e.parentElement?.getAttribute('title') ?? '',
    text: e.textContent ?? '',
  }));
  assert.ok(
    m.sw <= m.cw || m.title.includes(m.text),
    `${what} is cut at the edge (scrollWidth ${m.sw} > clientWidth ${m.cw}, title ${JSON.stringify(m.title)})`,
  );
}

async function search(page: Page, q: string): Promise<void> {
  await page.locator('#search input').fill(q);
  await page.locator('#note').waitFor({ state: 'visible', timeout: 10_000 });
}

const RAW = /TypeError|fetch failed|getaddrinfo|ENOTFOUND|ECONNREFUSED|Error:|\(.*Error/;

describe('sidebar states', () => {
  test('empty store: a welcome with what to do first', async () => {
    const sb = await sidebar(await newStore());
    const text = (await sb.page.locator('#empty').textContent()) ?? '';
    assert.match(text, /No memories yet/);
    for (const p of await sb.page.locator('#empty p').all()) await readable(p, 'a welcome paragraph');
    await shot(sb.page, 'empty-store');
  });

  test('offline remote: the banner says so in words, with Connect… and Retry, and wraps', async () => {
    const sentence =
      'Mnemos is offline: https://db.example.turso.io is unreachable. 2 memories saved offline wait to be written. Retry when it is back, or check the URL in the settings.';
    const sb = await sidebar(
      async () => {
        throw new ConnectionError(
          'cannot reach https://db.example.turso.io: TypeError: fetch failed (getaddrinfo ENOTFOUND db.example.turso.io)',
        );
      },
      {
        status: { mode: 'remote · offline · 2 pending', keywordOnly: false, connected: false },
        offlineMessage: () => sentence,
      },
    );
    const banner = sb.page.locator('#banner');
    await banner.waitFor();
    assert.equal(await banner.locator('.message').textContent(), sentence);
    assert.deepEqual(await banner.locator('vscode-button').allTextContents(), ['Connect…', 'Retry']);
    await readable(banner.locator('.message'), 'the offline banner');
    const status = sb.page.locator('#status-line');
    assert.equal(await status.locator('.message').textContent(), 'remote · offline · 2 pending · not connected');
    await readable(status.locator('.message'), 'the status line');
    await shot(sb.page, 'offline-remote');
  });

  test('model loading: search says it is keyword-only meanwhile', async () => {
    const loading: RecallNotice = {
      reason: 'loading',
      text: 'The embedding model (Xenova/all-MiniLM-L6-v2) is loading; search is keyword-only meanwhile.',
    };
    const sb = await sidebar(await newStore(40), {
      status: { mode: 'local', keywordOnly: true, connected: true, recall: loading },
    });
    await search(sb.page, 'cache');
    const note = sb.page.locator('#note');
    assert.equal(await note.locator('.message').textContent(), loading.text);
    assert.equal(await note.locator('vscode-button').count(), 0, 'nothing to do but wait');
    await readable(note.locator('.message'), 'the loading note');
    await shot(sb.page, 'model-loading');
  });

  test('model failed (no network, the real embedder): the reason in words, raw error nowhere, Retry reloads and search turns hybrid', async () => {
    const store = await newStore(60);
    // The real path: worker → transformers.js → a hub nobody listens on → EmbedderUnavailableError → store note.
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const offline = new Embedder({
      modelId: 'Xenova/all-MiniLM-L6-v2',
      cacheDir: path.join(tmp, 'empty-cache'),
      allowRemote: true,
      remoteHost: `http://127.0.0.1:${port}/`,
    });
    embedders.push(offline);
    store.setEmbedder(offline, { waitForModel: true });
    const first = await store.recall('cache', { bumpAccess: false });
    assert.equal(first.mode, 'keyword');
    assert.match(first.note ?? '', /Could not download the embedding model Xenova\/all-MiniLM-L6-v2: no network\./);
    assert.doesNotMatch(first.note ?? '', RAW, 'the store note holds no raw error');

    // The host's words, as EmbeddingsHost.recallNotice makes them for a no-network failure.
    const failed: RecallNotice = {
      reason: 'no-network',
      text: 'Could not download the embedding model: no network. Search is keyword-only until it can.',
      action: 'retry',
    };
    let status: SidebarStatus = { mode: 'local', keywordOnly: true, connected: true, recall: failed };
    let reloads = 0;
    const sb = await sidebar(store, {
      width: 300,
      status: () => status,
      // What EmbeddingsHost.reload does: a fresh embedder, loaded now (the network is back: the tiny local model).
      reloadModel: async () => {
        reloads++;
        const e = new Embedder({
          modelId: 'tiny-bert',
          cacheDir: path.join(tmp, 'cache'),
          localModelPath: MODELS,
          allowRemote: false,
        });
        embedders.push(e);
        await e.info();
        store.setEmbedder(e, { waitForModel: true });
        status = { mode: 'local', keywordOnly: false, connected: true };
      },
    });
    await search(sb.page, 'cache');
    const note = sb.page.locator('#note');
    const text = (await note.textContent()) ?? '';
    assert.equal(await note.locator('.message').textContent(), failed.text);
    assert.doesNotMatch(text, RAW, 'no raw error text in the sidebar');
    await readable(note.locator('.message'), 'the failure note');
    const box = await note.boundingBox();
    assert.ok(box && box.width <= 300, 'the note fits the sidebar');
    assert.match(
      (await sb.page.locator('#status-line').getAttribute('title')) ?? '',
      /Could not download the embedding model: no network/,
    );
    await shot(sb.page, 'model-failed-offline');

    await note.locator('vscode-button[data-action="retry"]').click();
    await note.waitFor({ state: 'hidden', timeout: 20_000 });
    assert.equal(reloads, 1);
    const searches = sb.fromWebview.filter((m) => (m as { method?: string }).method === 'search').length;
    assert.ok(searches >= 2, 'the search ran again after the reload');
    assert.equal((await store.recall('cache', { bumpAccess: false })).mode, 'hybrid');
    assert.doesNotMatch((await sb.page.locator('#status-line').textContent()) ?? '', /keyword/);
    await shot(sb.page, 'model-retried-hybrid');
  });

  test('model failed without the host (store note only): still a sentence that wraps', async () => {
    const store = await newStore(20);
    const missing = new Embedder({
      modelId: 'nobody/no-such-model',
      cacheDir: path.join(tmp, 'cache'),
      localModelPath: MODELS,
      allowRemote: false,
    });
    embedders.push(missing);
    store.setEmbedder(missing, { waitForModel: true });
    const sb = await sidebar(store, { width: 260, status: { mode: 'local', keywordOnly: true, connected: true } });
    await search(sb.page, 'cache');
    await sb.page.waitForFunction(
      () => /not in the local model folder/.test(document.querySelector('#note')?.textContent ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    const text = (await sb.page.locator('#note .message').textContent()) ?? '';
    assert.match(
      text,
      /^Keyword search only: The embedding model nobody\/no-such-model is not in the local model folder \(.+\), and downloading is off\.$/,
    );
    assert.doesNotMatch(text, /ModelFileNotFoundError|not found locally/);
    await readable(sb.page.locator('#note .message'), 'a long path in the note');
    await shot(sb.page, 'model-not-downloaded');
  });

  test('embeddings turned off: says so and offers the settings', async () => {
    const off: RecallNotice = {
      reason: 'disabled',
      text: 'Embeddings are turned off (mnemos.embeddings.enabled): search is keyword-only.',
      action: 'settings',
    };
    const sb = await sidebar(await newStore(20), {
      status: { mode: 'local', keywordOnly: true, connected: true, recall: off },
    });
    await search(sb.page, 'cache');
    await sb.page.locator('#note vscode-button[data-action="settings"]').click();
    await (async () => {
      for (let i = 0; i < 200 && !sb.commands.length; i++) await sb.page.waitForTimeout(25);
    })();
    assert.deepEqual(sb.commands.at(-1), { id: 'workbench.action.openSettings', args: ['mnemos.embeddings'] });
    await shot(sb.page, 'embeddings-off');
  });

  test('replica syncing, reading its offline copy: the status line says it, whole on hover', async () => {
    const sb = await sidebar(await newStore(30), {
      width: 240,
      status: { mode: 'replica · offline copy · 12 pending', keywordOnly: true, connected: false },
    });
    const status = sb.page.locator('#status-line');
    await status.locator('.message').waitFor();
    assert.equal(
      await status.locator('.message').textContent(),
      'replica · offline copy · 12 pending · not connected · keyword search only',
    );
    await readable(status.locator('.message'), 'the status line at 240 px');
    assert.match((await status.getAttribute('title')) ?? '', /\nNot connected to the memory store\.\n/);
    await shot(sb.page, 'replica-offline-copy');
  });

  test('thousands of topics: every one is reachable with ~60 rows in the DOM, long names are ellipsized with the full name on hover', async () => {
    const store = await newStore();
    const long = 'a-very-long-topic-name-that-goes-on-'.repeat(6).slice(0, 200);
    const topics = Array.from({ length: 3000 }, (_, i) => `topic-${String(i).padStart(4, '0')}`).concat(long);
    await store.storeMany(sampleMemories(topics.length, topics));
    const sb = await openSidebar(browser, server, store, {
      status: { mode: 'local', keywordOnly: false, connected: true },
    });
    open.push(sb);
    const ms = await firstPaint(sb.page, 120_000);
    // Every topic is a row of the tree; only the rows in view (and a margin) are in the DOM.
    const topicRows = sb.page.locator('#tree > [role="treeitem"][data-kind="topic"]');
    const drawn = await topicRows.count();
    assert.ok(drawn > 10 && drawn < 100, `${drawn} topic rows in the DOM, not 3,001`);
    assert.equal(await topicRows.first().getAttribute('aria-setsize'), '3001');
    // Scrolling to the end draws the last topic; scrolling to the long name's place draws it.
    const order = (await store.topics()).map((t) => t.topic);
    await sb.page.locator('#scroller').evaluate((e) => (e.scrollTop = e.scrollHeight));
    const last = sb.page.locator(`#tree > [data-kind="topic"][aria-posinset="3001"]`);
    await last.waitFor();
    assert.equal(await last.getAttribute('data-topic'), order[3000]);
    await sb.page.locator('#scroller').evaluate((e, i) => (e.scrollTop = i * 22), order.indexOf(long));
    const row = sb.page.locator(`#tree > [data-kind="topic"][data-topic="${long}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('title'), long);
    await readable(row.locator('.row-label'), 'a 200-character topic name');
    await shot(sb.page, 'thousands-of-topics');
    console.log(`# ${topics.length} topics: first paint in ${Math.round(ms)} ms`);
  });
});
