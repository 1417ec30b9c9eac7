/**
 * Semantic recall in the real host, with the tiny offline model (test/fixtures/models, found through
 * MNEMOS_MODEL_DIR, which scripts/test-extension.sh passes): why recall is keyword-only, the one-time
 * offer after the model loads, Embed Missing with progress and cancel, hybrid recall, and turning it off.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MnemosApi } from '../../../src/extension/extension';
import type { EmbedProgress } from '../../../src/store';
import { api, figure, noticeMark, noticesSince, run, setSettings, sleep, test, waitFor } from './harness';

type Recall = { mode: 'keyword' | 'hybrid'; note?: string; items: { id: string; summary: string }[] };
type Backfill = {
  available: boolean;
  embedded: number;
  total: number;
  errors: number;
  cancelled: boolean;
  model?: string;
};

async function coverage(a: MnemosApi) {
  return (await a.getStore()).embeddingCoverage();
}

test('with a model that cannot be had, recall is keyword-only and the status bar says why', async () => {
  const a = await api();
  assert.ok(
    process.env.MNEMOS_MODEL_DIR,
    'MNEMOS_MODEL_DIR must point at test/fixtures/models (scripts/test-extension.sh sets it)',
  );
  await run('mnemos.saveMemory', { summary: 'Embeddings suite: the store is open', topic: 'embeddings-suite' });
  const r = await run<Recall>('mnemos.recall', { query: 'store open' });
  assert.equal(r.mode, 'keyword');
  assert.match(r.note ?? '', /keyword search only/);
  await waitFor(() => a.embeddings().kind === 'failed', 20_000, 'the default model to fail to load');
  const sb = a.statusBar();
  assert.match(sb.text, /Mnemos local · keyword-only/);
  assert.match(
    sb.tooltip,
    /Recall: keyword-only — The embedding model Xenova\/all-MiniLM-L6-v2 is not on this machine and downloading is off\./,
  );
  assert.doesNotMatch(sb.tooltip, /ModelFileNotFoundError|not found locally/, 'the raw error stays in the log');
  // An expected condition: one warning line in the log (with the raw cause), never an error with a stack.
  const log = a.logText();
  assert.match(log, /^\[warn\] [^\n]*Xenova\/all-MiniLM-L6-v2/m);
  assert.doesNotMatch(log, /^\[error\]/m, 'no error lines');
  assert.doesNotMatch(log, /^\s+at /m, 'no stack frames');
});

test('after the model first loads, Mnemos offers once to embed the memories that have none', async () => {
  const a = await api();
  await setSettings({ 'embeddings.model': 'tiny-bert' });
  await waitFor(() => a.embeddings().kind === 'not-loaded', 5000, 'the new model to be picked up');
  assert.match(a.statusBar().tooltip, /keyword-only — The embedding model \(tiny-bert\) loads with the first search/);
  for (const s of [
    'Deploys go out on Tuesdays after the standup',
    'The billing job retries three times with backoff',
    'Use pnpm, not npm, in the web app',
  ]) {
    await run('mnemos.saveMemory', { summary: s, topic: 'embeddings-suite' });
  }
  const mark = await noticeMark();
  const t0 = Date.now();
  // The first search answers at once from keywords and starts the model in the background.
  const first = await run<Recall>('mnemos.recall', { query: 'billing retries' });
  assert.equal(first.mode, 'keyword');
  assert.match(first.note ?? '', /while the embedding model loads/);
  await waitFor(() => a.embeddings().kind === 'ready', 30_000, 'the tiny model to load');
  figure('tiny model load in the host (first search → ready)', `${Date.now() - t0} ms`);
  const offer = (await waitFor(
    async () => (await noticesSince(mark)).find((n) => /semantic search is ready/.test(n.message)),
    5000,
    'the offer',
  ))!;
  const c = await coverage(a);
  assert.equal(c.embedded, 0);
  assert.ok(c.total >= 4);
  assert.match(
    offer.message,
    new RegExp(`^Mnemos: semantic search is ready\\. ${c.total} memories have no embedding yet`),
  );
  assert.deepEqual(offer.actions, ['Embed Now', 'Not Now']);
});

test('Embed Missing embeds every memory with progress, and recall becomes hybrid', async () => {
  const a = await api();
  const progress: EmbedProgress[] = [];
  const t0 = Date.now();
  const r = await run<Backfill>('mnemos.embedMissing', {
    onProgress: (p: EmbedProgress) => progress.push(p),
    batchSize: 2,
  });
  figure('embedMissing (tiny model)', `${r.embedded} memories in ${Date.now() - t0} ms`);
  const c = await coverage(a);
  assert.deepEqual(
    { ...r, model: r.model },
    { available: true, embedded: c.total, total: c.total, errors: 0, cancelled: false, model: 'tiny-bert' },
  );
  assert.equal(c.embedded, c.total);
  assert.deepEqual(progress[0], { done: 0, total: c.total, errors: 0 });
  assert.equal(progress.at(-1)?.done, c.total);
  assert.ok(progress.length >= Math.ceil(c.total / 2), `one report per batch of 2 (got ${progress.length})`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done >= progress[i - 1].done);

  const h = await run<Recall>('mnemos.recall', { query: 'billing retries' });
  assert.equal(h.mode, 'hybrid');
  assert.equal(h.note, undefined);
  assert.match(h.items[0].summary, /billing job retries/);
  const sb = a.statusBar();
  assert.doesNotMatch(sb.text, /keyword-only/);
  assert.match(sb.tooltip, /Recall: hybrid/);
  assert.match(sb.tooltip, new RegExp(`Embeddings: ${c.total} of ${c.total} memories have embeddings \\(tiny-bert\\)`));
  const info = await run<Record<string, unknown>>('mnemos.showStoreInfo', { quiet: true });
  assert.deepEqual(info.embeddingCoverage, { model: 'tiny-bert', embedded: c.total, total: c.total });
  assert.equal(info.recall, 'hybrid');
});

test('a memory saved while the model is loaded gets its vector without a backfill', async () => {
  const a = await api();
  const r = await run<{ id: string }>('mnemos.saveMemory', {
    summary: 'The staging database is rebuilt every night at 02:00',
    topic: 'embeddings-suite',
  });
  const store = await a.getStore();
  await store.flushEmbeddings();
  const c = await coverage(a);
  assert.equal(c.embedded, c.total);
  const rows = await store.sql('SELECT model FROM mnemos_vectors WHERE memory_id = ?', [r.id]);
  assert.deepEqual(
    rows.map((x) => x.model),
    ['tiny-bert'],
  );
});

test('cancelling Embed Missing stops between batches and reports how far it got', async () => {
  const a = await api();
  const cts = new vscode.CancellationTokenSource();
  const seen: EmbedProgress[] = [];
  const r = await run<Backfill>('mnemos.embedMissing', {
    force: true,
    batchSize: 2,
    token: cts.token,
    onProgress: (p: EmbedProgress) => {
      seen.push(p);
      if (p.done >= 2) cts.cancel();
    },
  });
  const total = (await coverage(a)).total;
  assert.equal(r.cancelled, true);
  assert.equal(r.embedded, 2);
  assert.equal(r.total, total);
  assert.ok(total > 2);
  assert.equal(seen.at(-1)?.done, 2);
});

test('the offer is made once per model, not again when the model reloads', async () => {
  const a = await api();
  await setSettings({ 'embeddings.model': 'tiny-bert-32' });
  await waitFor(() => a.embeddings().kind === 'not-loaded', 5000, 'the other model to be picked up');
  let mark = await noticeMark();
  await run('mnemos.recall', { query: 'warm up' });
  await waitFor(() => a.embeddings().kind === 'ready', 30_000, 'tiny-bert-32 to load');
  await waitFor(
    async () => (await noticesSince(mark)).find((n) => /semantic search is ready/.test(n.message)),
    5000,
    'the offer for tiny-bert-32',
  );

  // Back to tiny-bert (offered before): a memory without a vector, a reload, and no second offer.
  await setSettings({ 'embeddings.model': 'tiny-bert' });
  await waitFor(() => a.embeddings().kind === 'not-loaded', 5000, 'tiny-bert to be picked up again');
  await run('mnemos.saveMemory', { summary: 'Saved before the model reloads', topic: 'embeddings-suite' });
  mark = await noticeMark();
  await run('mnemos.recall', { query: 'warm up' });
  await waitFor(() => a.embeddings().kind === 'ready', 30_000, 'tiny-bert to load again');
  await waitFor(() => /Embeddings: \d+ of \d+/.test(a.statusBar().tooltip), 5000, 'the coverage to be counted');
  await sleep(300);
  const c = await coverage(a);
  assert.equal(c.total - c.embedded, 1, 'the memory saved before the reload has no vector');
  assert.deepEqual(
    (await noticesSince(mark)).filter((n) => /semantic search is ready/.test(n.message)),
    [],
  );
});

test('with embeddings turned off, recall is keyword-only and says so; Embed Missing does nothing', async () => {
  const a = await api();
  await setSettings({ 'embeddings.enabled': false });
  await waitFor(() => a.embeddings().kind === 'disabled', 5000, 'embeddings to turn off');
  const r = await run<Recall>('mnemos.recall', { query: 'billing retries' });
  assert.equal(r.mode, 'keyword');
  assert.match(r.note ?? '', /embeddings are off/);
  assert.ok(
    r.items.some((i) => /billing job retries/.test(i.summary)),
    'keyword recall still finds it',
  );
  assert.match(a.statusBar().text, /keyword-only/);
  assert.match(a.statusBar().tooltip, /keyword-only — embeddings are turned off \(mnemos\.embeddings\.enabled\)/);
  const mark = await noticeMark();
  assert.equal((await run<Backfill>('mnemos.embedMissing')).available, false);
  assert.match((await noticesSince(mark))[0].message, /Embeddings are turned off/);
  await setSettings({ 'embeddings.enabled': undefined, 'embeddings.model': undefined });
  await waitFor(() => a.embeddings().kind === 'not-loaded', 5000, 'the default settings to apply');
  await (await a.getStore()).forgetTopic('embeddings-suite');
});
