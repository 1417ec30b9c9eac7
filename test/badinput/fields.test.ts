/**
 * FIELD_CASES and TYPE_CASES (test/badinput/fields.ts) through store.store(), `mnemos store` /
 * `mnemos import` and icm_memory_store on one seeded database. A rejection names the field and the
 * rule, in every front end, and writes nothing; an accepted value reads back exactly. Either way the
 * seeded rows are byte-for-byte what they were (accepted rows are deleted again after the check).
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId } from '../../src/store';
import { FIELD_CASES, type Outcome, TYPE_CASES, type Want } from './fields';
import {
  type Fronts,
  cliError,
  ftsIntact,
  memoryEquals,
  mcpStoredId,
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

type Attempt = { ok: true; id: string } | { ok: false; message: string; code?: string };

/** Checks one front end's attempt against the outcome, then puts the database back as seeded. */
async function judge(where: string, attempt: Attempt, outcome: Outcome, base: Want): Promise<void> {
  const isSeed = attempt.ok && Object.values(SEED_ID).includes(attempt.id);
  try {
    if (outcome instanceof RegExp) {
      assert.equal(
        attempt.ok,
        false,
        `${where}: should be refused with ${outcome}, but stored ${attempt.ok ? attempt.id : ''}`,
      );
      if (!attempt.ok) {
        assert.match(attempt.message, outcome, `${where}: message`);
        assert.doesNotMatch(
          attempt.message,
          /internal error|unexpected error|SQLITE|stack/i,
          `${where}: a user-facing message`,
        );
      }
    } else {
      assert.equal(attempt.ok, true, `${where}: should be stored, but: ${attempt.ok ? '' : attempt.message}`);
      if (attempt.ok && 'seed' in outcome) {
        assert.equal(attempt.id, SEED_ID[outcome.seed], `${where}: merges into the stored memory`);
      } else if (attempt.ok) {
        assert.ok(!isSeed, `${where}: a new memory, not a seed`);
        memoryEquals(await f.store.get(attempt.id), { ...base, ...(outcome as Partial<Want>) }, where);
      }
    }
  } finally {
    // Whatever happened, the next front end starts from the seeded database.
    if (attempt.ok && !isSeed) await f.store.forget(attempt.id).catch(() => undefined);
  }
  await f.unchanged(`${where} (${outcome instanceof RegExp ? 'refused' : 'stored, then removed'})`);
}

async function viaStore(input: Record<string, unknown>): Promise<Attempt> {
  try {
    return { ok: true, id: (await f.store.store(input as never)).id };
  } catch (e) {
    assert.equal(
      (e as { code?: string }).code,
      'invalid_input',
      `store: a typed invalid_input error, got ${String(e)}`,
    );
    return { ok: false, message: (e as Error).message };
  }
}

async function viaCli(args: string[], stdin = ''): Promise<Attempt> {
  const r = await f.cli(args, stdin);
  if (r.code === 0) return { ok: true, id: r.json().id };
  const e = cliError(r);
  assert.equal(r.code, 2, `CLI: bad input exits 2 (got ${r.code}: ${e.message})`);
  assert.ok(['invalid_input', 'usage'].includes(e.code), `CLI: error code ${e.code}`);
  return { ok: false, message: e.message, code: e.code };
}

async function viaMcp(args: Record<string, unknown>): Promise<Attempt> {
  const r = await f.mcp.call('icm_memory_store', args);
  if (!r.isError) return { ok: true, id: mcpStoredId(r.text) };
  return { ok: false, message: r.text };
}

describe('new-memory fields through the store, the CLI and the MCP server', () => {
  for (const c of FIELD_CASES) {
    test(`field: ${c.name}`, c.todo ? { todo: c.todo } : {}, async () => {
      const base: Want = {
        topic: c.topic.trim(),
        summary: c.content,
        keywords: c.keywords ?? [],
        rawExcerpt: c.raw ?? null,
        importance: c.importance ?? 'medium',
      };
      const expect = c.expect ?? {};

      await judge(
        'store',
        await viaStore({
          topic: c.topic,
          summary: c.content,
          keywords: c.keywords,
          rawExcerpt: c.raw,
          importance: c.importance,
        }),
        expect,
        base,
      );

      const args = ['store', '-t', c.topic, '-c', c.content];
      for (const k of c.keywords ?? []) args.push('-k', k);
      if (c.raw !== undefined) args.push('-r', c.raw);
      if (c.importance !== undefined) args.push('-i', c.importance);
      await judge('mnemos store', await viaCli(args), c.cli ?? expect, base);

      const margs: Record<string, unknown> = { topic: c.topic, content: c.content };
      if (c.keywords) margs.keywords = c.keywords;
      if (c.raw !== undefined) margs.raw_excerpt = c.raw;
      if (c.importance !== undefined) margs.importance = c.importance;
      await judge('icm_memory_store', await viaMcp(margs), c.mcp ?? expect, base);
    });
  }
});

describe('values of the wrong type through the store, an import file and the MCP server', () => {
  for (const c of TYPE_CASES) {
    test(`type: ${c.name}`, async () => {
      const a = c.args;
      const base: Want = {
        topic: typeof a.topic === 'string' ? a.topic : '',
        summary: typeof a.content === 'string' ? a.content : '',
        keywords: [],
        rawExcerpt: typeof a.raw_excerpt === 'string' ? a.raw_excerpt : null,
        importance: typeof a.importance === 'string' ? a.importance : 'medium',
      };
      await judge(
        'store',
        await viaStore({
          topic: a.topic,
          summary: a.content,
          keywords: a.keywords,
          rawExcerpt: a.raw_excerpt,
          importance: a.importance,
        }),
        c.store ?? c.expect,
        base,
      );

      const memory: Record<string, unknown> = {
        id: newId(),
        topic: a.topic,
        summary: a.content,
        keywords: a.keywords,
        importance: a.importance,
        rawExcerpt: a.raw_excerpt,
      };
      const doc = JSON.stringify({ format: 'mnemos-export', version: 1, memories: [memory] });
      const r = await f.cli(['import', '-'], doc);
      const cliOutcome = c.cli ?? c.expect;
      if (r.code === 0) {
        assert.deepEqual(r.json(), { imported: 1, skipped: 0 });
        await judge('mnemos import', { ok: true, id: memory.id as string }, cliOutcome, base);
      } else {
        const e = cliError(r);
        assert.equal(r.code, 2, e.message);
        if (cliOutcome instanceof RegExp) assert.match(e.message, /^memory #1: /, 'the import names the memory');
        await judge('mnemos import', { ok: false, message: e.message }, cliOutcome, base);
      }

      await judge('icm_memory_store', await viaMcp(a), c.mcp ?? c.expect, base);
    });
  }

  test('after every bad value the index is intact, the server still answers, and nothing was left unhandled', async () => {
    await ftsIntact(f.store);
    const t = await f.mcp.call('icm_memory_stats');
    assert.equal(t.isError, false);
    assert.match(t.text, /12/);
    assert.doesNotMatch(f.mcp.stderr(), /internal error|unexpected error|failed:/i);
    await f.unchanged('the whole field table');
    watch.check();
  });
});
