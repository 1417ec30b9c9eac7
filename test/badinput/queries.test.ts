/**
 * Every row of QUERY_CASES (test/badinput/queries.ts) through the store, the CLI and the MCP server on
 * one seeded database: no syntax error ever reaches the user, the words are searched as words, blank
 * queries are refused with a message that says so, and no stored row changes.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Fronts, cliError, ftsIntact, KEY_OF_ID, mcpIds, openFronts, SEED_ID, watchProcess } from './fixture';
import { type QueryCase, QUERY_CASES } from './queries';

let f: Fronts;
const watch = watchProcess();
before(async () => {
  f = await openFronts();
});
after(async () => {
  await f?.close();
});

const LIMIT = 50;
const show = (ids: string[]) => ids.map((id) => KEY_OF_ID.get(id) ?? id).join(', ') || '(none)';

function checkIds(c: QueryCase, ids: string[], where: string): void {
  if (c.none || c.blank) {
    assert.deepEqual(ids, [], `${where}: nothing to find, got ${show(ids)}`);
    return;
  }
  for (const k of c.find ?? [])
    assert.ok(ids.includes(SEED_ID[k]), `${where}: "${k}" should be found; got ${show(ids)}`);
  assert.equal(new Set(ids).size, ids.length, `${where}: no duplicates`);
  for (const id of ids) assert.ok(KEY_OF_ID.has(id), `${where}: ${id} is not a stored memory`);
}

describe('search text through the store, the CLI and the MCP server', () => {
  for (const c of QUERY_CASES) {
    test(`query: ${c.name}`, c.todo ? { todo: c.todo } : {}, async () => {
      // store: keyword and (embedder-less) hybrid entry points
      const kw = await f.store.recallKeyword(c.q, { limit: LIMIT, bumpAccess: false });
      checkIds(
        c,
        kw.map((s) => s.memory.id),
        'store.recallKeyword',
      );
      const rc = await f.store.recall(c.q, { limit: LIMIT, bumpAccess: false });
      assert.equal(rc.mode, 'keyword');
      checkIds(
        c,
        rc.items.map((s) => s.memory.id),
        'store.recall',
      );

      // CLI: the query after --, so one starting with "-" is a query, not an option
      const r = await f.cli(['recall', '-l', String(LIMIT), '--', c.q]);
      if (c.blank) {
        assert.equal(r.code, 2, r.stderr);
        assert.match(cliError(r).message, /recall needs a QUERY/);
      } else {
        assert.equal(r.code, 0, `mnemos recall exited ${r.code}: ${r.stderr}`);
        checkIds(
          c,
          r.json().items.map((i: { memory: { id: string } }) => i.memory.id),
          'mnemos recall',
        );
      }

      // MCP
      const m = await f.mcp.call('icm_memory_recall', { query: c.q, limit: LIMIT });
      if (c.blank) {
        assert.equal(m.isError, true);
        assert.match(m.text, /^query is empty: give a few words to search for/);
      } else {
        assert.equal(m.isError, false, m.text.slice(0, 500));
        const ids = mcpIds(m.text);
        if (!ids.length) assert.match(m.text, /^No memories found\./);
        checkIds(c, ids, 'icm_memory_recall');
      }
      await f.unchanged(`query "${c.name}"`);
    });
  }

  test('after every bad query the index is intact, the server still answers, and nothing was left unhandled', async () => {
    await ftsIntact(f.store);
    const t = await f.mcp.call('icm_memory_list_topics');
    assert.equal(t.isError, false);
    assert.match(t.text, /greek: 2 memories/);
    assert.doesNotMatch(f.mcp.stderr(), /internal error|unexpected error|failed:/i);
    await f.unchanged('the whole query table');
    watch.check();
  });
});
