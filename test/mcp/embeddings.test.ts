/** The MCP server with an embedding model (the tiny offline test model) on a local file and on sqld. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { forEachMcpMode, ROOT, type Served, serve, tmpDir, waitFor } from './harness';

const MODEL_ENV = () => ({
  MNEMOS_EMBED_MODEL: 'tiny-bert',
  MNEMOS_MODEL_DIR: path.join(ROOT, 'test/fixtures/models'),
  MNEMOS_MODEL_CACHE: path.join(tmpDir(), 'cache'),
  MNEMOS_EMBED_OFFLINE: '1',
});

forEachMcpMode('mcp embeddings', (fx) => {
  let srv: Served;
  const vectors = async () =>
    Number((await fx.direct().sql(`SELECT COUNT(*) AS n FROM mnemos_vectors WHERE model = 'tiny-bert'`))[0].n);
  before(async () => {
    srv = await serve({ ...fx.env(), ...MODEL_ENV(), MNEMOS_MCP_COMPACT: '0' });
  });
  after(() => srv?.close());
  beforeEach(async () => {
    await fx.wipe();
    await fx.direct().sql(`DELETE FROM mnemos_vectors`);
  });

  test('embed_all embeds what has no vector, by topic or all, and a second run finds nothing to do', async () => {
    const d = fx.direct();
    await d.storeMany([
      { topic: 'a', summary: 'alpha one' },
      { topic: 'a', summary: 'alpha two' },
      { topic: 'b', summary: 'beta one' },
    ]);
    assert.deepEqual(await srv.call('icm_memory_embed_all', { topic: 'a' }), {
      text: 'Embedded 2/2 memories (0 errors)',
      isError: false,
    });
    assert.equal(await vectors(), 2);
    assert.deepEqual(await srv.call('icm_memory_embed_all'), {
      text: 'Embedded 1/1 memories (0 errors)',
      isError: false,
    });
    assert.equal(await vectors(), 3);
    assert.deepEqual(await srv.call('icm_memory_embed_all'), {
      text: 'All memories already have embeddings.',
      isError: false,
    });
  });

  test('once the model is loaded, recall is hybrid and stats show the coverage', async () => {
    await fx
      .direct()
      .storeMany(Array.from({ length: 4 }, (_, i) => ({ topic: 'docs', summary: `token rotation step ${i}` })));
    await srv.call('icm_memory_embed_all');
    const r = await srv.call('icm_memory_recall', { query: 'token rotation' });
    assert.equal(r.isError, false);
    assert.doesNotMatch(r.text, /keyword search only/);
    assert.match(r.text, /^--- [0-9A-Z]{26} \[score: \d\.\d{3}\] ---$/m);
    assert.match((await srv.call('icm_memory_stats')).text, /^Embeddings: tiny-bert \(4\/4 memories\)$/m);
  });

  test('a memory stored through the server gets its vector in the background', async () => {
    await srv.call('icm_memory_embed_all'); // loads the model
    const id = /: ([0-9A-Z]{26})$/.exec(
      (await srv.call('icm_memory_store', { topic: 'fresh', content: 'embedded on write' })).text,
    )![1];
    const has = async () =>
      (await fx.direct().sql(`SELECT 1 FROM mnemos_vectors WHERE memory_id = ?`, [id])).length === 1;
    assert.ok(await waitFor(has, 10_000), 'vector written in the background');
  });

  test('a model that cannot be loaded makes embed_all a clear tool error; recall keeps working on keywords', async () => {
    const broken = await serve({
      ...fx.env(),
      ...MODEL_ENV(),
      MNEMOS_EMBED_MODEL: 'no-such-model',
      MNEMOS_MCP_COMPACT: '0',
    });
    try {
      const { id } = await fx.direct().store({ topic: 't', summary: 'still findable' });
      const e = await broken.call('icm_memory_embed_all');
      assert.equal(e.isError, true);
      assert.match(e.text, /^the embedding model is unavailable \(.+\); recall stays keyword-only$/);
      const r = await broken.call('icm_memory_recall', { query: 'findable' });
      assert.equal(r.isError, false);
      assert.match(r.text, /^\(keyword search only/);
      assert.match(r.text, new RegExp(`--- ${id} ---`));
    } finally {
      await broken.close();
    }
  });
});
