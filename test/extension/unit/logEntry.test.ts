/**
 * Log lines: an expected condition (server down, model unavailable) is one warning line with its raw
 * cause; a real fault keeps its stack. The server-down error is a real one (a store opened against a
 * port nothing listens on).
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { EmbedderUnavailableError } from '../../../src/embed/embedder';
import { logEntry } from '../../../src/extension/logEntry';
import { openStore, StoreError } from '../../../src/store';

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

test('a server that is down is one warning line, no stack', async () => {
  const err = await openStore({ mode: 'remote', url: `http://127.0.0.1:${await closedPort()}`, retries: 0 }).then(
    () => assert.fail('opened a store on a closed port'),
    (e: unknown) => e,
  );
  const e = logEntry('background store work failed', err);
  assert.equal(e.level, 'warn');
  assert.match(e.text, /^background store work failed: /);
  assert.doesNotMatch(e.text, /\n|\s+at /, 'one line, no stack frames');
});

test('a model that cannot be downloaded is one warning line with the loader words at its end', () => {
  const err = new EmbedderUnavailableError(
    'no-network',
    'The embedding model Xenova/all-MiniLM-L6-v2 could not be downloaded (no network).',
    'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13',
  );
  const e = logEntry('background store work failed', err);
  assert.equal(e.level, 'warn');
  assert.equal(
    e.text,
    'background store work failed: The embedding model Xenova/all-MiniLM-L6-v2 could not be downloaded (no network). (TypeError: fetch failed at node:internal/deps/undici/undici:13502:13)',
  );
});

test('an expected condition wrapped by another error is still one warning line', () => {
  const inner = new EmbedderUnavailableError('timeout', 'Loading the embedding model timed out.');
  const e = logEntry('recall failed', new Error('search could not embed the query', { cause: inner }));
  assert.equal(e.level, 'warn');
  assert.equal(e.text, 'recall failed: Loading the embedding model timed out.');
});

test('real faults keep their stack and cause chain: a crashed worker, a bug', () => {
  const crashed = logEntry('background store work failed', new EmbedderUnavailableError('crashed', 'worker died'));
  assert.equal(crashed.level, 'error');
  assert.match(crashed.text, /\n.*EmbedderUnavailableError: worker died\n\s+at /);
  const bug = logEntry(
    'background store work failed',
    new TypeError("Cannot read properties of undefined (reading 'id')", { cause: new RangeError('deep') }),
  );
  assert.equal(bug.level, 'error');
  assert.match(bug.text, /TypeError: Cannot read properties of undefined \(reading 'id'\)\n\s+at /);
  assert.match(bug.text, /caused by: RangeError: deep/);
  assert.deepEqual(logEntry('plain message'), { level: 'error', text: 'plain message' });
});

test('input the store refused (bad value, unknown id) is one warning line with the reason; a corrupt file keeps its stack', async () => {
  const st = await openStore({ mode: 'local', path: ':memory:' });
  try {
    const bad = await st.store({ topic: 't', summary: 's', importance: 'urgent' as 'high' }).then(
      () => assert.fail('stored an unknown importance'),
      (e: unknown) => e,
    );
    const e = logEntry('mnemos.saveMemory failed', bad);
    assert.equal(e.level, 'warn');
    assert.match(e.text, /^mnemos\.saveMemory failed: importance must be one of [^\n]*"urgent"/);
    assert.doesNotMatch(e.text, /\n|\s+at /);
    const gone = await st.forget('01ARZ3NDEKTSV4RRFFQ69G5FAV').then(
      () => assert.fail('forgot a memory that does not exist'),
      (x: unknown) => x,
    );
    assert.equal(logEntry('mnemos.deleteMemory failed', gone).level, 'warn');
  } finally {
    await st.close();
  }
  const corrupt = logEntry('opening the store failed', new StoreError('corrupt', 'file is not a database'));
  assert.equal(corrupt.level, 'error');
  assert.match(corrupt.text, /StoreError: file is not a database\n\s+at /);
});
