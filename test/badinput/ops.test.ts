/**
 * The tables of test/badinput/ops.ts through the store, the CLI and the MCP tools that have the
 * operation: bad ids (get/forget/update), topics (forget-topic/health/consolidate), topic filters,
 * limits, page cursors, decay/prune factors and import files. Each gets its specific error or the
 * right answer, and the seeded rows are unchanged after every one.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CURSOR_CASES,
  EVERY_SEED_QUERY,
  FACTOR_CASES,
  FILTER_CASES,
  ID_CASES,
  IMPORT_CASES,
  LIMIT_CASES,
  TOPIC_OP_CASES,
} from './ops';
import {
  type Fronts,
  cliError,
  EXIT_OF,
  ftsIntact,
  KEY_OF_ID,
  mcpIds,
  openFronts,
  SEED_ID,
  watchProcess,
} from './fixture';

let f: Fronts;
const watch = watchProcess();
before(async () => {
  f = await openFronts();
});
after(async () => {
  await f?.close();
});

/** A store call that must fail with a typed error of this code and message. */
async function storeRejects(p: Promise<unknown>, code: string, message: RegExp, where: string): Promise<void> {
  await assert.rejects(p, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, `${where}: error code (${e.message})`);
    assert.match(e.message, message, where);
    return true;
  });
}
async function cliFails(
  args: string[],
  code: string,
  message: RegExp,
  where = `mnemos ${args[0]}`,
  stdin?: string,
): Promise<void> {
  const r = await f.cli(args, stdin);
  assert.equal(r.code, EXIT_OF[code], `${where}: exit ${EXIT_OF[code]} for ${code}, got ${r.code}: ${r.stderr}`);
  const e = cliError(r);
  assert.equal(e.code, code, `${where}: ${e.message}`);
  assert.match(e.message, message, where);
}
async function mcpFails(tool: string, args: Record<string, unknown>, message: RegExp): Promise<void> {
  const r = await f.mcp.call(tool, args);
  assert.equal(r.isError, true, `${tool}: should fail, got ${r.text.slice(0, 200)}`);
  assert.match(r.text, message, tool);
}
const keys = (ids: string[]) => ids.map((id) => KEY_OF_ID.get(id) ?? id).sort();

describe('bad memory ids: get, forget, update', () => {
  for (const c of ID_CASES) {
    test(`id: ${c.name}`, async () => {
      const code = c.kind === 'invalid' ? 'invalid_input' : 'not_found';
      if (c.kind === 'invalid') await storeRejects(f.store.get(c.id), code, c.message, 'store.get');
      else assert.equal(await f.store.get(c.id), null, 'store.get: nothing');
      await storeRejects(f.store.forget(c.id), code, c.message, 'store.forget');
      await storeRejects(f.store.update(c.id, { summary: 'changed' }), code, c.message, 'store.update');
      await f.unchanged('store');

      await cliFails(['get', '--', c.id], code, c.message);
      await cliFails(['forget', '--', c.id], code, c.message);
      await cliFails(['update', '-c', 'changed', '--', c.id], code, c.message);
      await f.unchanged('CLI');

      await mcpFails('icm_memory_forget', { id: c.id }, c.message);
      await mcpFails('icm_memory_update', { id: c.id, content: 'changed' }, c.message);
      await f.unchanged('MCP');
    });
  }
});

describe('topics that name nothing, or cannot be topics: forget-topic, health, consolidate', () => {
  for (const c of TOPIC_OP_CASES) {
    test(`topic: ${c.name}`, async () => {
      if (c.invalid) {
        await storeRejects(f.store.forgetTopic(c.topic), 'invalid_input', c.invalid, 'store.forgetTopic');
        await storeRejects(f.store.topicHealth(c.topic), 'invalid_input', c.invalid, 'store.topicHealth');
        await storeRejects(f.store.consolidate(c.topic, 'a summary'), 'invalid_input', c.invalid, 'store.consolidate');
        await cliFails(['forget', '-t', c.topic], 'invalid_input', c.invalid);
        await cliFails(['health', '-t', c.topic], 'invalid_input', c.invalid);
        await cliFails(['consolidate', '-t', c.topic, '-c', 'a summary'], 'invalid_input', c.invalid);
        await mcpFails('icm_memory_forget_topic', { topic: c.topic }, c.invalid);
        await mcpFails('icm_memory_consolidate', { topic: c.topic, summary: 'a summary' }, c.invalid);
        // icm_memory_health treats an empty topic as "all topics" (ICM); other bad topics are refused.
        if (c.topic.trim()) await mcpFails('icm_memory_health', { topic: c.topic }, c.invalid);
      } else {
        const nothing = /has no memories/;
        assert.equal(await f.store.forgetTopic(c.topic), 0, 'store.forgetTopic deletes nothing');
        await storeRejects(f.store.topicHealth(c.topic), 'not_found', nothing, 'store.topicHealth');
        await storeRejects(f.store.consolidate(c.topic, 'a summary'), 'not_found', nothing, 'store.consolidate');
        const r = await f.cli(['forget', '-t', c.topic]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.json(), { deleted: 0, topic: c.topic.trim() });
        await cliFails(['health', '-t', c.topic], 'not_found', nothing);
        await cliFails(['consolidate', '-t', c.topic, '-c', 'a summary'], 'not_found', nothing);
        const m = await f.mcp.call('icm_memory_forget_topic', { topic: c.topic });
        assert.equal(m.isError, false, m.text);
        assert.match(m.text, /^Deleted 0 memories from topic: /);
        await mcpFails('icm_memory_health', { topic: c.topic }, nothing);
        await mcpFails('icm_memory_consolidate', { topic: c.topic, summary: 'a summary' }, nothing);
      }
      await f.unchanged(`topic "${c.name}"`);
    });
  }
});

describe('topic filters with LIKE wildcards, stars, quotes and case', () => {
  for (const c of FILTER_CASES) {
    test(`filter: ${c.name}`, async () => {
      const want = [...c.list].sort();
      const page = await f.store.list({ topic: c.topic, limit: 100 });
      assert.deepEqual(keys(page.items.map((m) => m.id)), want, 'store.list');
      const r = await f.cli(['list', '-t', c.topic, '-l', '100']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(keys(r.json().items.map((m: { id: string }) => m.id)), want, 'mnemos list');
      const rc = await f.cli(['recall', '-t', c.topic, '-l', '100', '--', EVERY_SEED_QUERY]);
      assert.equal(rc.code, 0, rc.stderr);
      assert.deepEqual(
        keys(rc.json().items.map((i: { memory: { id: string } }) => i.memory.id)),
        want,
        'mnemos recall',
      );
      const m = await f.mcp.call('icm_memory_recall', { query: EVERY_SEED_QUERY, topic: c.topic, limit: 100 });
      assert.equal(m.isError, false, m.text);
      assert.deepEqual(keys(mcpIds(m.text)), [...(c.mcp ?? c.list)].sort(), 'icm_memory_recall');
      await f.unchanged(`filter "${c.name}"`);
    });
  }
});

describe('limits of every shape', () => {
  const atMost = (n: number, got: number, where: string) => {
    assert.ok(got <= n, `${where}: at most ${n}, got ${got}`);
    assert.ok(got >= 1, `${where}: something`);
  };
  for (const c of LIMIT_CASES) {
    test(`limit: ${c.name}`, async () => {
      const q = 'alpha delta gamma';
      if (c.expectStore instanceof RegExp) {
        await storeRejects(
          f.store.recall(q, { limit: c.store as number }),
          'invalid_input',
          c.expectStore,
          'store.recall',
        );
        await storeRejects(f.store.list({ limit: c.store as number }), 'invalid_input', c.expectStore, 'store.list');
      } else {
        atMost(
          c.expectStore,
          (await f.store.recall(q, { limit: c.store as number, bumpAccess: false })).items.length,
          'store.recall',
        );
        atMost(c.expectStore, (await f.store.list({ limit: c.store as number })).items.length, 'store.list');
      }
      for (const cmd of [
        ['recall', '-l', c.cli, '--', q],
        ['list', '-l', c.cli],
      ]) {
        if (c.expectCli instanceof RegExp) await cliFails(cmd, 'invalid_input', c.expectCli, `mnemos ${cmd[0]}`);
        else {
          const r = await f.cli(cmd);
          assert.equal(r.code, 0, r.stderr);
          const items = r.json().items;
          atMost(c.expectCli, items.length, `mnemos ${cmd[0]}`);
        }
      }
      if (c.expectMcp instanceof RegExp) await mcpFails('icm_memory_recall', { query: q, limit: c.mcp }, c.expectMcp);
      else {
        const m = await f.mcp.call('icm_memory_recall', { query: q, limit: c.mcp });
        assert.equal(m.isError, false, m.text);
        atMost(c.expectMcp, mcpIds(m.text).length, 'icm_memory_recall');
      }
      await f.unchanged(`limit ${c.name}`);
    });
  }
});

describe('page cursors (store and CLI; the MCP tools have no cursor)', () => {
  for (const c of CURSOR_CASES) {
    test(`cursor: ${c.name}`, async () => {
      if (c.invalid) {
        await storeRejects(f.store.list({ cursor: c.cursor }), 'invalid_input', /invalid page cursor/, 'store.list');
        await cliFails(['list', '--cursor', c.cursor], 'invalid_input', /invalid page cursor/);
      } else {
        const page = await f.store.list({ cursor: c.cursor, limit: 100 });
        for (const m of page.items) assert.ok(KEY_OF_ID.has(m.id));
        const r = await f.cli(['list', '--cursor', c.cursor]);
        assert.equal(r.code, 0, r.stderr);
      }
      await f.unchanged(`cursor ${c.name}`);
    });
  }
});

describe('decay factors and prune thresholds out of range (store and CLI; no MCP tool)', () => {
  for (const c of FACTOR_CASES) {
    test(`${c.command}: ${c.name}`, async () => {
      const p = c.command === 'decay' ? f.store.decay(c.value) : f.store.prune(c.value);
      await storeRejects(p, 'invalid_input', c.message, `store.${c.command}`);
      await cliFails([c.command, c.command === 'decay' ? '-f' : '-t', c.cli], 'invalid_input', c.cliMessage);
      await f.unchanged(`${c.command} ${c.name}`);
    });
  }
});

describe('import files (store.importAll and `mnemos import -`; no MCP tool): all or nothing', () => {
  for (const c of IMPORT_CASES) {
    test(`import: ${c.name}`, async () => {
      let parsed: unknown;
      let parses = true;
      try {
        parsed = JSON.parse(c.text);
      } catch {
        parses = false;
      }
      if (c.result) {
        assert.deepEqual(await f.store.importAll(parsed), c.result, 'store.importAll');
        const r = await f.cli(['import', '-'], c.text);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.json(), c.result, 'mnemos import');
      } else {
        if (parses) await storeRejects(f.store.importAll(parsed), 'invalid_input', c.message!, 'store.importAll');
        await cliFails(['import', '-'], 'invalid_input', c.message!, 'mnemos import', c.text);
      }
      await f.unchanged(`import ${c.name}`);
    });
  }

  test('after every bad operation the index is intact, the server still answers, and nothing was left unhandled', async () => {
    await ftsIntact(f.store);
    const t = await f.mcp.call('icm_memory_recall', { query: 'alpha' });
    assert.equal(t.isError, false);
    // `alpha` as a word form also matches greek2's `alphabet` (BM25 decides their order).
    assert.deepEqual(mcpIds(t.text).sort(), [SEED_ID.greek, SEED_ID.greek2].sort());
    assert.doesNotMatch(f.mcp.stderr(), /internal error|unexpected error|failed:/i);
    await f.unchanged('the whole operations table');
    watch.check();
  });
});
