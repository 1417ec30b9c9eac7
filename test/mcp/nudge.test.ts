/**
 * ICM's store nudge as an option (MNEMOS_STORE_NUDGE=N, read in createMcpServer): after N tool calls
 * without an icm_memory_store, every tool result carries ICM's hint (icm-reference §3: "[ICM: N tool calls
 * since last store. Consider saving …]"); a store resets the count; 0, absent or garbage = off. Through
 * the real stdio server (a child process) and the SDK client, on a local file.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { storeNudgeFromEnv } from '../../src/mcp/server';
import { storeNudgeHint } from '../../src/mcp/tools/context';
import { serve, tmpDir } from './harness';

const HINT =
  /\n\[ICM: (\d+) tool calls since last store\. Consider saving important context with icm_memory_store before it is lost\.\]$/;

describe('store nudge (MNEMOS_STORE_NUDGE)', () => {
  test('N = 3: calls 3, 4… carry the hint with their count; a store resets it; errors carry it too', async () => {
    const s = await serve({ MNEMOS_DB: path.join(tmpDir(), 'm.db'), MNEMOS_STORE_NUDGE: '3' });
    try {
      const counts: (number | null)[] = [];
      const seen = async (name: string, args: Record<string, unknown> = {}) => {
        const r = await s.call(name, args);
        const m = HINT.exec(r.text);
        counts.push(m ? Number(m[1]) : null);
        return r;
      };
      await seen('icm_memory_list_topics');
      await seen('icm_memory_recall', { query: 'anything' });
      const third = await seen('icm_memory_stats');
      assert.match(third.text, /\n\[ICM: 3 tool calls since last store/);
      const bad = await seen('icm_memory_forget', { id: 'no-such-id' });
      assert.equal(bad.isError, true);
      const stored = await seen('icm_memory_store', { topic: 'notes', content: 'The nudge resets on a store.' });
      assert.match(stored.text, /^ok:/);
      await seen('icm_memory_recall', { query: 'nudge' });
      await seen('icm_memory_recall', { query: 'nudge' });
      await seen('icm_memory_recall', { query: 'nudge' });
      assert.deepEqual(counts, [null, null, 3, 4, null, null, null, 3]);
      // The hint is appended, the tool's own answer is intact before it.
      const r = await s.call('icm_memory_recall', { query: 'nudge' });
      assert.equal(r.text.replace(HINT, ''), '[notes] The nudge resets on a store.');
    } finally {
      await s.close();
    }
  });

  test('off by default, with 0, and with a value that is not a whole number (said once on stderr)', async () => {
    for (const v of [undefined, '0', 'ten', '-3']) {
      const env: Record<string, string> = { MNEMOS_DB: path.join(tmpDir(), 'm.db') };
      if (v !== undefined) env.MNEMOS_STORE_NUDGE = v;
      const s = await serve(env);
      try {
        for (let i = 0; i < 12; i++) assert.doesNotMatch((await s.call('icm_memory_list_topics')).text, /\[ICM:/);
        if (v === 'ten' || v === '-3') assert.match(s.stderr(), /MNEMOS_STORE_NUDGE="(ten|-3)" is not a whole number/);
      } finally {
        await s.close();
      }
    }
  });

  test('the option parser and ICM’s text', () => {
    assert.equal(storeNudgeFromEnv({}), 0);
    assert.equal(storeNudgeFromEnv({ MNEMOS_STORE_NUDGE: ' 10 ' }), 10);
    assert.equal(storeNudgeFromEnv({ MNEMOS_STORE_NUDGE: '1e3' }), 0);
    assert.equal(
      storeNudgeHint(12),
      '\n[ICM: 12 tool calls since last store. Consider saving important context with icm_memory_store before it is lost.]',
    );
  });
});
