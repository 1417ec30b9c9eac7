/** Two MCP servers and a direct store writer on one database at once: every write lands, exactly once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreResult } from '../../src/store';
import { forEachMcpMode, idOf, serve, type Served, type ToolReply } from './harness';

const N = 100;

forEachMcpMode('mcp concurrency', (fx) => {
  test(
    `2 servers × ${N} stores + ${N} direct stores at the same time: every write present, no duplicates`,
    { timeout: 55_000 },
    async () => {
      await fx.wipe();
      const d = fx.direct();
      const [a, b] = await Promise.all([serve(fx.env()), serve(fx.env())]);
      try {
        const viaServer = (s: Served, tag: string) =>
          Promise.all(
            Array.from({ length: N }, (_, i) =>
              s.call('icm_memory_store', { topic: `conc-${tag}`, content: `${tag} write ${i}`, keywords: [tag] }),
            ),
          );
        // The same memory sent by both servers at once must collapse into one row (ICM's dedup rule).
        // Each client sends all its calls at once; the servers run them concurrently (writes in arrival order).
        const shared = (s: Served) =>
          Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              s.call('icm_memory_store', { topic: 'conc-shared', content: `shared ${i}` }),
            ),
          );
        // The direct writer is another process's store: 10 writes in flight on a file. Against sqld it writes
        // one at a time, as each MCP server does: several clients with concurrent write streams can stall
        // sqld 0.24 (reported to the store owner).
        const lanes = fx.mode === 'sqld' ? 1 : 10;
        const direct = Promise.all(
          Array.from({ length: lanes }, async (_, lane) => {
            const out: StoreResult[] = [];
            for (let i = lane; i < N; i += lanes)
              out.push(await d.store({ topic: 'conc-direct', summary: `direct write ${i}` }));
            return out;
          }),
        ).then((r) => r.flat());
        const readers = Promise.all(
          [a, b].flatMap((s) =>
            Array.from({ length: 10 }, () => s.call('icm_memory_recall', { query: 'write', limit: 3 })),
          ),
        );
        const t0 = Date.now();
        const [ra, rb, sa, sb, rd, reads] = await Promise.all([
          viaServer(a, 'a'),
          viaServer(b, 'b'),
          shared(a),
          shared(b),
          direct,
          readers,
        ]);
        const ms = Date.now() - t0;
        const failed = [...ra, ...rb, ...sa, ...sb, ...reads].filter((r: ToolReply) => r.isError);
        assert.deepEqual(failed, [], `no call failed; server logs:\n${a.stderr()}\n${b.stderr()}`);

        const ids = [...ra.map(idOf), ...rb.map(idOf), ...rd.map((r) => r.id)];
        assert.equal(new Set(ids).size, 3 * N, 'every distinct write got its own id');
        assert.deepEqual(sa.map(idOf), sb.map(idOf), 'the same memory stored by both servers has one id');

        assert.equal(await d.count(), 3 * N + 20);
        const got = await d.getMany(ids);
        assert.equal(got.length, 3 * N, 'every returned id is in the store');
        const want = new Set([
          ...Array.from({ length: N }, (_, i) => `a write ${i}`),
          ...Array.from({ length: N }, (_, i) => `b write ${i}`),
          ...Array.from({ length: N }, (_, i) => `direct write ${i}`),
        ]);
        assert.deepEqual(new Set(got.map((m) => m.summary)), want);
        const dupes = await d.sql(
          `SELECT LOWER(topic) AS t, summary, COUNT(*) AS n FROM memories GROUP BY LOWER(topic), summary HAVING n > 1`,
        );
        assert.deepEqual(dupes, []);
        const ftsRows = await d.sql(`SELECT COUNT(*) AS n FROM memories_fts WHERE memories_fts MATCH '"write"'`);
        assert.equal(Number(ftsRows[0].n), 3 * N, 'the full-text index has every row once');
        console.log(`# ${fx.mode}: ${3 * N + 40} stores + 20 recalls from 3 writers in ${ms} ms`);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    },
  );
});
