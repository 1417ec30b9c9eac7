// The sidebar's host side on its own (no browser): message validation, replies, pushes, shaping, HTML/CSP.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { labelOf, SidebarController } from '../../src/extension/sidebar/controller';
import { buildSidebarHtml, contentSecurityPolicy } from '../../src/extension/sidebar/html';
import type { HostMessage, MemoryDetail, RecallNotice } from '../../src/shared/protocol';
import { AuthError, type MnemosStore, openStore } from '../../src/store';

let tmp: string;
let store: MnemosStore;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-sidebar-host-'));
  store = await openStore({ mode: 'local', path: path.join(tmp, 'h.db') });
  await store.store({
    topic: 'auth',
    summary: 'Rotate refresh tokens\nsecond line',
    importance: 'high',
    keywords: ['oauth'],
  });
  await store.store({ topic: 'db', summary: 'Vacuum after prune' });
});
after(async () => {
  await store.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function harness(over: Partial<ConstructorParameters<typeof SidebarController>[0]> = {}) {
  const posted: HostMessage[] = [];
  const commands: unknown[][] = [];
  const logs: string[] = [];
  const c = new SidebarController({
    store,
    post: (m) => posted.push(m),
    runCommand: async (...a) => {
      commands.push(a);
    },
    status: () => ({ mode: 'local', keywordOnly: true, connected: true }),
    log: (m) => logs.push(m),
    ...over,
  });
  const ask = async (seq: number, method: unknown, params?: unknown) => {
    await c.receive({ type: 'request', seq, method, params });
    const r = posted.filter((m) => m.type === 'response' && m.seq === seq);
    assert.equal(r.length, 1, `one reply for request ${seq}`);
    return r[0] as Extract<HostMessage, { type: 'response' }>;
  };
  return { c, posted, commands, logs, ask };
}

describe('sidebar host controller', () => {
  test('posts nothing before ready; then status, and dataChanged only while the view is alive', async () => {
    const { c, posted } = harness();
    c.notifyDataChanged();
    c.pushStatus();
    assert.deepEqual(posted, []);
    await c.receive({ type: 'ready' });
    assert.deepEqual(posted, [{ type: 'status', status: { mode: 'local', keywordOnly: true, connected: true } }]);
    c.notifyDataChanged();
    assert.deepEqual(posted.at(-1), { type: 'dataChanged' });
    c.reset(); // the view was hidden: its page is gone
    c.notifyDataChanged();
    assert.equal(posted.length, 2);
  });

  test('every request gets exactly one reply carrying its sequence number', async () => {
    const { ask } = harness();
    const topics = await ask(7, 'topics', {});
    assert.deepEqual(topics, {
      type: 'response',
      seq: 7,
      ok: true,
      result: {
        topics: [
          { topic: 'auth', count: 1 },
          { topic: 'db', count: 1 },
        ],
        total: 2,
      },
    });
    const list = await ask(8, 'list', { topic: 'auth', cursor: null, limit: 10 });
    assert.ok(list.ok);
    const items = (list.result as { items: { id: string; label: string; importance: string }[] }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0].label, 'Rotate refresh tokens');
    const got = await ask(9, 'get', { id: items[0].id });
    assert.equal(
      (got as { result: { memory: MemoryDetail } }).result.memory.summary,
      'Rotate refresh tokens\nsecond line',
    );
    const missing = await ask(10, 'get', { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    assert.deepEqual(missing.ok && missing.result, { memory: null });
  });

  test('malformed or hostile requests are refused as bad_request and reach neither the store nor a command', async () => {
    const { ask, commands } = harness();
    const cases: [string, unknown][] = [
      ['nope', {}],
      ['__proto__', {}],
      ['topics', 'not an object'],
      ['topics', { importance: ['urgent'] }],
      ['topics', { importance: 'high' }],
      ['list', { topic: 'auth', cursor: null, limit: 0 }],
      ['list', { topic: 'auth', cursor: null, limit: 1.5 }],
      ['list', { topic: 'auth', cursor: null, limit: 5000 }],
      ['list', { topic: 'auth', cursor: null, limit: '10' }],
      ['list', { topic: '', cursor: null, limit: 10 }],
      ['list', { topic: 'é'.repeat(200), cursor: null, limit: 10 }],
      ['list', { topic: 'auth', cursor: 'x'.repeat(2000), limit: 10 }],
      ['search', { query: 'q'.repeat(1001), limit: 10 }],
      ['search', { query: 'q', limit: 201 }],
      ['get', { id: 'x'.repeat(129) }],
      ['get', { id: 'ab\0cd' }],
      ['get', { id: 42 }],
      ['run', { command: 'workbench.action.terminal.new' }],
      ['run', { command: 'mnemos.openMemory', id: 'x' }],
      ['run', { command: 'constructor' }],
      ['run', { command: 'deleteMemory' }],
      ['run', { command: 'forgetTopic', topic: '' }],
    ];
    let seq = 100;
    for (const [method, params] of cases) {
      const r = await ask(++seq, method, params);
      assert.equal(r.ok, false, `${method} ${JSON.stringify(params).slice(0, 60)} is refused`);
      assert.equal(!r.ok && r.error.code, 'bad_request', `${method} ${JSON.stringify(params).slice(0, 60)}`);
    }
    assert.deepEqual(commands, []);
  });

  test('a message without a usable sequence number is dropped and logged, never answered', async () => {
    const { c, posted, logs } = harness();
    for (const m of [
      null,
      'ready',
      42,
      { type: 'request', method: 'topics' },
      { type: 'request', seq: -1, method: 'topics' },
      { type: 'request', seq: 1.5 },
      { type: 'evil' },
    ])
      await c.receive(m);
    assert.deepEqual(posted, []);
    assert.equal(logs.length, 7);
  });

  test('commands map to their mnemos.* id with only the validated argument', async () => {
    const { ask, commands } = harness();
    await ask(1, 'run', {
      command: 'deleteMemory',
      id: ' 01ARZ3NDEKTSV4RRFFQ69G5FAV ',
      topic: 'ignored',
      extra: 'ignored',
    });
    await ask(2, 'run', { command: 'forgetTopic', topic: 'auth', id: 'ignored' });
    await ask(3, 'run', { command: 'connect', id: 'ignored' });
    await ask(4, 'run', { command: 'openMemory', id: 'A' });
    assert.deepEqual(commands, [
      ['mnemos.deleteMemory', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['mnemos.forgetTopic', 'auth'],
      ['mnemos.connect'],
      ['mnemos.openMemory', 'A'],
    ]);
  });

  test('search is a prefix search, and typing does not count as an access', async () => {
    const { ask } = harness();
    const r = await ask(1, 'search', { query: 'rot', limit: 10 });
    assert.ok(r.ok);
    const res = r.result as { items: { topic: string }[]; mode: string; notice?: RecallNotice };
    assert.deepEqual(
      res.items.map((i) => i.topic),
      ['auth'],
    );
    assert.equal(res.mode, 'keyword');
    // Without the host's words, the store's note becomes a sentence.
    assert.deepEqual(res.notice, { reason: 'failed', text: 'Keyword search only: embeddings are off.' });
    const empty = await ask(2, 'search', { query: '   ', limit: 10 });
    assert.deepEqual(empty.ok && empty.result, { items: [], mode: 'keyword' });
    await store.flushAccess();
    const [m] = (await store.list({ topic: 'auth' })).items;
    assert.equal(m.accessCount, 0);
  });

  test('a topic really named "x*" lists and searches its own memories, not every topic starting with x', async () => {
    await store.store({ topic: 'db*', summary: 'star topic vacuum' });
    await store.store({ topic: 'dbx', summary: 'a newer vacuum in a topic that starts with db' });
    const { ask } = harness();
    // One row asked for, one row given: the page is the topic's own, never a filtered (short) page.
    const r = await ask(1, 'list', { topic: 'db*', cursor: null, limit: 1 });
    const page = (r.ok && r.result) as { items: { label: string }[]; nextCursor: string | null };
    assert.deepEqual(
      page.items.map((i) => i.label),
      ['star topic vacuum'],
    );
    assert.equal(page.nextCursor, null);
    const s = await ask(2, 'search', { query: 'vacuum', limit: 1, topic: 'db*' });
    assert.deepEqual(s.ok && (s.result as { items: { topic: string }[] }).items.map((i) => i.topic), ['db*']);
    await store.forgetTopic('db*');
    await store.forgetTopic('dbx');
  });

  test('topics count only the importances asked for, through the store', async () => {
    const { ask } = harness();
    const r = await ask(1, 'topics', { importance: ['high', 'critical'] });
    assert.deepEqual(r.ok && r.result, { topics: [{ topic: 'auth', count: 1 }], total: 1 });
  });

  test('while search is keyword-only the host says why in words, and Retry reloads the model', async () => {
    const notice: RecallNotice = {
      reason: 'no-network',
      text: 'Could not download the embedding model: no network. Search is keyword-only until it can.',
      action: 'retry',
    };
    let reloads = 0;
    const { c, ask, posted, commands } = harness({
      status: () => ({ mode: 'local', keywordOnly: true, connected: true, recall: notice }),
      reloadModel: async () => {
        reloads++;
      },
    });
    await c.receive({ type: 'ready' });
    assert.deepEqual(posted[0], {
      type: 'status',
      status: { mode: 'local', keywordOnly: true, connected: true, recall: notice },
    });
    const r = await ask(1, 'search', { query: 'rot', limit: 10 });
    assert.deepEqual(r.ok && (r.result as { notice?: RecallNotice }).notice, notice);
    assert.deepEqual((await ask(2, 'reloadModel', {})).ok, true);
    assert.equal(reloads, 1);
    assert.equal(posted.at(-2)?.type, 'status', 'the status is pushed again after a reload');
    await ask(3, 'run', { command: 'embeddingSettings' });
    assert.deepEqual(commands, [['workbench.action.openSettings', 'mnemos.embeddings']]);
    const none = harness({ reloadModel: undefined });
    assert.equal((await none.ask(1, 'reloadModel', {})).ok, false);
  });

  test('store errors keep their code with the token redacted; anything else says where the details are', async () => {
    const auth = harness({
      store: async () => {
        throw new AuthError(
          'the server refused the token eyJhbGciOiJFZERTQSJ9.eyJleHAiOjF9.c2lnbmF0dXJlX2hlcmU: run "Mnemos: Set Auth Token"',
        );
      },
    });
    const r = await auth.ask(1, 'topics', {});
    assert.equal(!r.ok && r.error.code, 'auth');
    assert.ok(
      !r.ok && !r.error.message.includes('eyJhbGci') && r.error.message.includes('Set Auth Token'),
      !r.ok ? r.error.message : '',
    );

    const boom = harness({
      store: async () => {
        throw new TypeError('cannot read x of undefined');
      },
    });
    const b = await boom.ask(1, 'topics', {});
    assert.equal(!b.ok && b.error.code, 'internal');
    assert.ok(!b.ok && !b.error.message.includes('cannot read') && b.error.message.includes('output channel'));
    assert.ok(
      boom.logs.some((l) => l.includes('cannot read x of undefined')),
      'the details go to the log',
    );
  });

  test('details carry the whole memory, a plain-text source label and a capped excerpt', async () => {
    const big = 'x'.repeat(150_000);
    const { id } = await store.store({
      topic: 'code',
      summary: 'big excerpt',
      rawExcerpt: big,
      source: { type: 'vscode', file: 'src/a.ts', startLine: 3, endLine: 9, language: 'typescript' },
    });
    const { id: id2 } = await store.store({
      topic: 'code',
      summary: 'from claude',
      source: { type: 'claude_code', session_id: 's', file_path: 'lib/b.rs' },
    });
    const { ask } = harness();
    const a = (await ask(1, 'get', { id })) as { ok: true; result: { memory: MemoryDetail } };
    assert.equal(a.result.memory.rawExcerpt?.length, 100_000);
    assert.equal(a.result.memory.rawExcerptTruncated, true);
    assert.deepEqual(a.result.memory.source, { label: 'src/a.ts:3–9', language: 'typescript' });
    const b = (await ask(2, 'get', { id: id2 })) as { ok: true; result: { memory: MemoryDetail } };
    assert.deepEqual(b.result.memory.source, { label: 'lib/b.rs' });
    assert.equal(b.result.memory.rawExcerpt, null);
  });

  test('row labels are the first non-blank line, whitespace collapsed, cut without splitting a character', () => {
    assert.equal(labelOf('\n\n  first   line \nsecond'), 'first line');
    const long = 'a'.repeat(238) + '😀😀😀';
    const l = labelOf(long);
    assert.ok(Array.from(l).length <= 240 && l.endsWith('…'));
    assert.ok(!/[\uD800-\uDBFF]…$/.test(l), 'no lone high surrogate before the ellipsis');
  });
});

describe('sidebar HTML', () => {
  const opts = {
    cspSource: "'self' https://*.vscode-cdn.net",
    nonce: 'abcdefghijklmnopqrstuv==',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview.js',
    codiconsUri: 'https://x.vscode-cdn.net/dist/codicons/codicon.css',
  };

  test('the CSP allows only the nonce’d script, our own styles and fonts, and nothing inline', () => {
    const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-${opts.nonce}'; style-src 'self' https://*.vscode-cdn.net 'nonce-${opts.nonce}'; font-src 'self' https://*.vscode-cdn.net`,
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*;|data:/);
    const html = buildSidebarHtml(opts);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp}">`));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.match(
      html,
      /<script nonce="abcdefghijklmnopqrstuv==" src="https:\/\/x\.vscode-cdn\.net\/dist\/webview\.js"><\/script>/,
    );
    assert.match(
      html,
      /<link id="vscode-codicon-stylesheet" rel="stylesheet" href="https:\/\/x\.vscode-cdn\.net\/dist\/codicons\/codicon\.css"/,
    );
    assert.doesNotMatch(html, /\sstyle=|\son\w+=/);
  });

  test('a weak nonce or a source list that could end the CSP directive is refused', () => {
    assert.throws(() => buildSidebarHtml({ ...opts, nonce: 'short' }));
    assert.throws(() => buildSidebarHtml({ ...opts, nonce: `abcdefghijklmnopqr"><script>` }));
    assert.throws(() => buildSidebarHtml({ ...opts, cspSource: "https://a; script-src 'unsafe-inline'" }));
  });
});
