/**
 * The keyword index merged in idle time (src/store/ftsCompact.ts): N memories stored one per call (a
 * committed transaction each, as an agent stores them), the file copied, one copy merged by the
 * compactor (step by step, each step timed), then the peer workload's 200 queries against both copies
 * in alternating order, rounds interleaved, so cache warmth and machine load fall on both alike.
 *
 *   node --import tsx bench/fts-compact.ts [--n 10000] [--rounds 3]
 *
 * Prints the segments before and after, the merge's total and per-step times, and recall p50/p90 on
 * each copy with their ratio (> 1: the merged index is faster).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv, type MnemosStore, openStore } from '../src/store';
import { generateCorpus } from './peers/corpus';

const { values: opt } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '3' } },
});
const N = Number(opt.n.replace(/_/g, ''));
const ROUNDS = Number(opt.rounds);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function open(file: string): Promise<MnemosStore> {
  const s = await openStore(configFromEnv({ db: file }, {}));
  s.compactor.manual();
  return s;
}

async function main(): Promise<void> {
  const { memories, queries } = generateCorpus(N);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mnemos-fts-compact-'));
  try {
    const asWritten = path.join(dir, 'as-written.db');
    let s = await open(asWritten);
    const t0 = performance.now();
    for (const m of memories)
      await s.store({ topic: m.topic, summary: m.content, importance: m.importance, keywords: m.keywords });
    const perStore = ((performance.now() - t0) * 1000) / N;
    const before = await s.compactor.structure();
    await s.close();
    const merged = path.join(dir, 'merged.db');
    copyFileSync(asWritten, merged);

    const m = await open(merged);
    const steps: number[] = [];
    const tryRun = m.conn.tryRun!.bind(m.conn);
    m.conn.tryRun = (sql, args) => {
      const t = performance.now();
      const out = tryRun(sql, args);
      steps.push(performance.now() - t);
      return out;
    };
    const tm = performance.now();
    await m.compactor.merge();
    const mergeMs = performance.now() - tm;
    const after = await m.compactor.structure();

    s = await open(asWritten);
    const times = new Map<MnemosStore, number[]>([
      [s, []],
      [m, []],
    ]);
    for (let r = 0; r < ROUNDS; r++)
      for (const [i, q] of queries.entries())
        for (const st of (i + r) % 2 ? [m, s] : [s, m]) {
          const t = performance.now();
          await st.recall(q.text, { limit: 5 });
          times.get(st)!.push(performance.now() - t);
        }
    const a = times.get(s)!;
    const b = times.get(m)!;
    console.log(`N = ${N} stored one per call (${perStore.toFixed(0)} µs each); load ${load()}`);
    console.log(
      `segments (pages each) as written: ${before?.segments.join(', ')}; after the merge: ${after?.segments.join(', ')}`,
    );
    console.log(
      `merge: ${mergeMs.toFixed(1)} ms in ${steps.length} steps, step p50 ${pct(steps, 0.5).toFixed(2)} ms, p95 ${pct(steps, 0.95).toFixed(2)} ms, max ${Math.max(...steps).toFixed(2)} ms`,
    );
    console.log('| index | recall p50 ms | recall p90 ms |');
    console.log('| --- | --- | --- |');
    console.log(`| as written | ${pct(a, 0.5).toFixed(3)} | ${pct(a, 0.9).toFixed(3)} |`);
    console.log(`| merged | ${pct(b, 0.5).toFixed(3)} | ${pct(b, 0.9).toFixed(3)} |`);
    console.log(
      `as written ÷ merged: p50 ${(pct(a, 0.5) / pct(b, 0.5)).toFixed(2)}×, p90 ${(pct(a, 0.9) / pct(b, 0.9)).toFixed(2)}×`,
    );
    await s.close();
    await m.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
