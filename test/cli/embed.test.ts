/** `mnemos embed` and hybrid `recall` through the real embedder on the tiny offline model. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, tmpDir } from './helpers';

const MODELS = path.resolve(__dirname, '..', 'fixtures', 'models');

test('embed backfills vectors, then recall is hybrid; without a model it is keyword-only and says so', async () => {
  const env = { MNEMOS_DB: path.join(tmpDir(), 'm.db'), MNEMOS_EMBED_OFFLINE: '1', MNEMOS_MODEL_DIR: MODELS };
  for (const c of [
    'We use libSQL so replicas read locally',
    'The WAL grew until idle readers closed',
    'Prefer small commits',
  ])
    assert.equal((await runCli(['store', '-t', 'notes', '-c', c], { env })).code, 0);
  const none = await runCli(['--format', 'json', 'embed'], { env });
  assert.equal(none.code, 2);
  assert.match(none.errJson().error.message, /MNEMOS_EMBED_MODEL/);

  const withModel = { ...env, MNEMOS_EMBED_MODEL: 'tiny-bert' };
  const e = await runCli(['--format', 'json', 'embed'], { env: withModel });
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(e.json(), { model: 'tiny-bert', embedded: 3, total: 3, errors: 0, cancelled: false });
  assert.equal((await runCli(['embed'], { env: withModel })).stdout.trim(), 'All memories already have embeddings.');

  const r = await runCli(['--format', 'json', 'recall', 'replicas'], { env: withModel });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json().mode, 'hybrid');
  assert.match(r.json().items[0].memory.summary, /replicas/);

  const k = await runCli(['--format', 'json', 'recall', 'replicas'], { env });
  assert.equal(k.json().mode, 'keyword');
  const missing = await runCli(['--format', 'json', 'recall', 'replicas'], {
    env: { ...env, MNEMOS_EMBED_MODEL: 'no/such-model' },
  });
  assert.equal(missing.code, 0, 'an unavailable model falls back to keyword search');
  assert.equal(missing.json().mode, 'keyword');
  assert.match(missing.json().note, /is not in the local model folder .*downloading is off/);
});
