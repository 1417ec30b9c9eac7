/**
 * Memoir benchmarks (docs/MEMOIRS.md). Prints, with ICM's algorithm run on the same connection and
 * data as the baseline (ICM's BFS: one query per visited concept, check then insert):
 *  1. ICM's perf test `perf_memoir_creation_and_concept_linking`: 10 memoirs × 10 concepts + 9 chain
 *     links each (ICM's limit 3,000 ms; target ≤ 100 ms on a local file), on :memory:, a file and sqld,
 *     with the round trips counted on sqld (target: one per write);
 *  2. neighbourhood depth 3 on a 10,000-concept memoir (target ≤ 5 ms local);
 *  3. cycle check on a 10,000-link chain (target ≤ 20 ms): a link that closes the cycle (rejected) and
 *     the worst accepted link (walks the whole chain, finds nothing).
 *
 *   node --import tsx bench/memoirs.ts [--runs 5]
 */
import * as path from 'node:path';
import { type Conn, MemoirStore } from '../src/store';
import { openConn } from '../src/store/conn';
import { newId, nowRfc3339 } from '../src/store/model';
import { startSqld } from '../test/helpers/sqld';
import { tmpDir } from '../test/store/modes';
import { rng } from './lib/rng';
import { machine, summarize } from './lib/timing';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const med = (xs: number[]) => summarize(xs).p50;

function counting(conn: Conn): { conn: Conn; calls: () => number } {
  let n = 0;
  const wrapped = new Proxy(conn, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r);
      if (typeof v !== 'function') return v;
      if (['query', 'run', 'batch', 'batchRun', 'transaction', 'script'].includes(String(p))) {
        return (...a: unknown[]) => (n++, (v as (...x: unknown[]) => unknown).apply(t, a));
      }
      return v.bind(t);
    },
  });
  return { conn: wrapped, calls: () => n };
}

async function wipe(conn: Conn): Promise<void> {
  await new MemoirStore(conn).init();
  await conn.batch(['concept_links', 'concepts', 'memoirs'].map((t) => ({ sql: `DELETE FROM ${t}` })));
}

/** ICM's perf scenario through MemoirStore. */
async function icmScenario(conn: Conn): Promise<{ ms: number; writes: number; trips: number }> {
  const c = counting(conn);
  const m = new MemoirStore(c.conn);
  await m.init();
  const before = c.calls();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) {
    const memoir = await m.createMemoir(`perf-memoir-${i}`, `Description for perf-memoir-${i}`);
    for (let j = 0; j < 10; j++) {
      await m.addConcept(memoir.id, {
        name: `concept-${i}-${j}`,
        definition: `Definition for concept ${j} in memoir ${i}`,
      });
    }
    for (let j = 0; j < 9; j++) await m.link(memoir.id, `concept-${i}-${j}`, `concept-${i}-${j + 1}`, 'depends_on');
  }
  return { ms: performance.now() - t0, writes: 10 * (1 + 10 + 9), trips: c.calls() - before };
}

/** The same scenario as ICM does it: ids known, BFS cycle check one query per step, then the insert. */
async function icmScenarioBaseline(conn: Conn): Promise<{ ms: number; trips: number }> {
  const c = counting(conn);
  const before = c.calls();
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) {
    const mid = newId();
    const now = nowRfc3339();
    await c.conn.run(
      `INSERT INTO memoirs (id, name, description, created_at, updated_at, consolidation_threshold) VALUES (?, ?, ?, ?, ?, 50)`,
      [mid, `base-memoir-${i}`, '', now, now],
    );
    const ids: string[] = [];
    for (let j = 0; j < 10; j++) {
      const id = newId();
      ids.push(id);
      await c.conn.run(
        `INSERT INTO concepts (id, memoir_id, name, definition, labels, confidence, revision, created_at, updated_at, source_memory_ids)
         VALUES (?, ?, ?, ?, '[]', 0.5, 1, ?, ?, '[]')`,
        [id, mid, `concept-${i}-${j}`, `Definition ${j}`, now, now],
      );
    }
    for (let j = 0; j < 9; j++) {
      if (await icmWouldCycle(c.conn, ids[j], ids[j + 1])) throw new Error('unexpected cycle');
      await c.conn.run(
        `INSERT INTO concept_links (id, source_id, target_id, relation, weight, created_at) VALUES (?, ?, ?, 'depends_on', 1.0, ?)`,
        [newId(), ids[j], ids[j + 1], now],
      );
    }
  }
  return { ms: performance.now() - t0, trips: c.calls() - before };
}

/** ICM's `would_create_cycle`: BFS from target over outgoing links, one query per visited concept. */
async function icmWouldCycle(conn: Conn, source: string, target: string): Promise<boolean> {
  const visited = new Set([target]);
  const queue = [target];
  for (let steps = 0; queue.length && steps < 10_000; steps++) {
    const cur = queue.shift()!;
    for (const r of await conn.query(`SELECT target_id FROM concept_links WHERE source_id = ?`, [cur])) {
      const t = String(r.target_id);
      if (t === source) return true;
      if (!visited.has(t)) {
        visited.add(t);
        queue.push(t);
      }
    }
  }
  return false;
}

/** ICM's `get_neighborhood`: BFS both ways, a query per link list and per concept. */
async function icmNeighborhood(conn: Conn, root: string, depth: number): Promise<number> {
  const visited = new Set([root]);
  const queue: [string, number][] = [[root, 0]];
  let links = 0;
  while (queue.length) {
    const [cur, d] = queue.shift()!;
    if (d >= depth) continue;
    for (const [col, other] of [
      ['source_id', 'target_id'],
      ['target_id', 'source_id'],
    ]) {
      for (const l of await conn.query(`SELECT * FROM concept_links WHERE ${col} = ?`, [cur])) {
        links++;
        const o = String(l[other]);
        if (!visited.has(o)) {
          await conn.query(`SELECT * FROM concepts WHERE id = ?`, [o]);
          visited.add(o);
          queue.push([o, d + 1]);
        }
      }
    }
  }
  return visited.size + links;
}

/** Bulk-loads a memoir of `n` concepts; `edges(i)` gives the targets of concept i. */
async function loadGraph(conn: Conn, name: string, n: number, edges: (i: number) => number[]): Promise<string[]> {
  const m = new MemoirStore(conn);
  const memoir = await m.createMemoir(name);
  const now = nowRfc3339();
  const ids = Array.from({ length: n }, () => newId());
  const stmts = ids.map((id, i) => ({
    sql: `INSERT INTO concepts (id, memoir_id, name, definition, labels, confidence, revision, created_at, updated_at, source_memory_ids)
          VALUES (?, ?, ?, ?, '[]', 0.5, 1, ?, ?, '[]')`,
    args: [id, memoir.id, `n${i}`, `node ${i}`, now, now],
  }));
  for (let i = 0; i < n; i++) {
    for (const j of edges(i)) {
      stmts.push({
        sql: `INSERT INTO concept_links (id, source_id, target_id, relation, weight, created_at) VALUES (?, ?, ?, 'depends_on', 1.0, ?)`,
        args: [newId(), ids[i], ids[j], now],
      });
    }
  }
  for (let i = 0; i < stmts.length; i += 5000) await conn.batchRun(stmts.slice(i, i + 5000));
  return ids;
}

async function main(): Promise<void> {
  const info = machine();
  console.log(
    `# Memoirs benchmark — ${info.date}, ${info.cpus} (${info.cores} cores), node ${info.node}, load ${info.load}; medians of ${RUNS} runs`,
  );
  const dir = tmpDir('mnemos-bench-memoirs-');
  const sqld = await startSqld();
  try {
    // 1. ICM's perf scenario, ours and ICM's algorithm interleaved per run.
    console.log(
      `\n## ICM perf scenario: 10 memoirs × 10 concepts + 9 chain links (ICM's limit 3,000 ms; target ≤ 100 ms local)`,
    );
    console.log('| mode | Mnemos p50 | round trips / write | ICM algorithm p50 | its round trips / write |');
    console.log('| --- | --- | --- | --- | --- |');
    const modes: [string, () => Promise<Conn>][] = [
      [':memory:', () => openConn({ mode: 'local', path: ':memory:' })],
      ['local file', async () => openConn({ mode: 'local', path: path.join(dir, `f${newId()}.db`) })],
      ['sqld (loopback)', () => openConn({ mode: 'remote', url: sqld.url })],
    ];
    for (const [label, open] of modes) {
      const ours: number[] = [];
      const base: number[] = [];
      let trips = 0;
      let baseTrips = 0;
      for (let r = -1; r < RUNS; r++) {
        // Run -1 warms both up (JIT, statement caches); then the order alternates.
        const conn = await open();
        let a: Awaited<ReturnType<typeof icmScenario>>;
        let b: Awaited<ReturnType<typeof icmScenarioBaseline>>;
        if (r % 2 === 0) {
          await wipe(conn);
          a = await icmScenario(conn);
          await wipe(conn);
          b = await icmScenarioBaseline(conn);
        } else {
          await wipe(conn);
          b = await icmScenarioBaseline(conn);
          await wipe(conn);
          a = await icmScenario(conn);
        }
        await conn.close();
        if (r < 0) continue;
        ours.push(a.ms);
        base.push(b.ms);
        trips = a.trips / a.writes;
        baseTrips = b.trips / a.writes;
      }
      console.log(
        `| ${label} | ${med(ours).toFixed(1)} ms | ${trips.toFixed(2)} | ${med(base).toFixed(1)} ms | ${baseTrips.toFixed(2)} |`,
      );
    }

    // 2 and 3 on a local file.
    const conn = await openConn({ mode: 'local', path: path.join(dir, 'graph.db') });
    await wipe(conn);
    const m = new MemoirStore(conn);
    const rand = rng(42);
    const N = 10_000;
    const ids = await loadGraph(conn, 'big', N, (i) =>
      i === 0 ? [] : [Math.floor(rand() * i), Math.floor(rand() * i)].filter((v, k, a) => a.indexOf(v) === k),
    );
    const roots = Array.from({ length: 200 }, () => Math.floor(rand() * N));
    const nb: number[] = [];
    const nbBase: number[] = [];
    let sizes: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t: number[] = [];
      const tb: number[] = [];
      sizes = [];
      for (const i of roots) {
        let t0 = performance.now();
        const h = await m.neighborhood('big', `n${i}`, 3);
        t.push(performance.now() - t0);
        sizes.push(h.concepts.length);
        t0 = performance.now();
        await icmNeighborhood(conn, ids[i], 3);
        tb.push(performance.now() - t0);
      }
      nb.push(med(t));
      nbBase.push(med(tb));
    }
    console.log(`\n## Neighbourhood depth 3, 10,000 concepts (≈ 2 links each, random DAG), local file (target ≤ 5 ms)`);
    console.log(
      `median neighbourhood ${med(sizes)} concepts (max ${Math.max(...sizes)}); p50 over 200 random roots, median of ${RUNS} runs`,
    );
    console.log(
      `| Mnemos (one recursive statement) | ${med(nb).toFixed(3)} ms |\n| ICM's BFS (query per concept), same file | ${med(nbBase).toFixed(3)} ms |`,
    );

    const chain = await loadGraph(conn, 'chain', 10_001, (i) => (i < 10_000 ? [i + 1] : []));
    const outsider = await m.addConcept('chain', { name: 'outsider', definition: 'not on the chain' });
    const rej: number[] = [];
    const acc: number[] = [];
    const rejBase: number[] = [];
    const accBase: number[] = [];
    for (let r = 0; r < RUNS * 4; r++) {
      let t0 = performance.now();
      await m.link('chain', 'n10000', 'n0', 'depends_on').then(
        () => {
          throw new Error('cycle accepted');
        },
        (e: Error) => {
          if (!/cycle/.test(e.message)) throw e;
        },
      );
      rej.push(performance.now() - t0);
      t0 = performance.now();
      const l = await m.link('chain', 'outsider', 'n0', 'depends_on');
      acc.push(performance.now() - t0);
      await m.deleteLink(l.id);
      t0 = performance.now();
      if (!(await icmWouldCycle(conn, chain[10_000], chain[0]))) throw new Error('baseline missed the cycle');
      rejBase.push(performance.now() - t0);
      t0 = performance.now();
      if (await icmWouldCycle(conn, outsider.id, chain[0])) throw new Error('baseline saw a cycle');
      accBase.push(performance.now() - t0);
    }
    console.log(`\n## Cycle check on a 10,000-link chain, local file (target ≤ 20 ms), p50 of ${RUNS * 4}`);
    console.log(
      '| link | Mnemos (whole add, one statement) | ICM BFS check alone (query per step) |\n| --- | --- | --- |',
    );
    console.log(
      `| n10000 → n0 (closes the cycle: rejected) | ${med(rej).toFixed(2)} ms | ${med(rejBase).toFixed(2)} ms |`,
    );
    console.log(
      `| outsider → n0 (walks all 10,000: accepted) | ${med(acc).toFixed(2)} ms | ${med(accBase).toFixed(2)} ms |`,
    );
    await conn.close();

    // Round trips of each write on sqld.
    const remote = counting(await openConn({ mode: 'remote', url: sqld.url }));
    await wipe(remote.conn);
    const rm = new MemoirStore(remote.conn);
    await rm.init();
    const trips: Record<string, [number, number]> = {};
    const measure = async (label: string, fn: () => Promise<unknown>) => {
      const before = remote.calls();
      const t0 = performance.now();
      await fn().catch(() => undefined);
      trips[label] = [remote.calls() - before, performance.now() - t0];
    };
    await measure('create memoir', () => rm.createMemoir('rt'));
    await measure('add concept', () => rm.addConcept('rt', { name: 'a', definition: 'a' }));
    await rm.addConcept('rt', { name: 'b', definition: 'b' });
    await measure('link (accepted)', () => rm.link('rt', 'a', 'b', 'depends_on'));
    await measure('link (cycle, rejected with its reason)', () => rm.link('rt', 'b', 'a', 'depends_on'));
    await measure('refine', () => rm.refineConcept('rt', 'a', 'refined', ['m1']));
    await measure('neighbourhood depth 3', () => rm.neighborhood('rt', 'a', 3));
    await measure('delete memoir (cascade)', () => rm.deleteMemoir('rt'));
    console.log(
      `\n## Round trips on sqld (counted at the Conn)\n| operation | round trips | ms |\n| --- | --- | --- |`,
    );
    for (const [k, [n, ms]] of Object.entries(trips)) console.log(`| ${k} | ${n} | ${ms.toFixed(1)} |`);
    await remote.conn.close();
  } finally {
    await sqld.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
