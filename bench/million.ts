/**
 * A realistic store of N memories (bench/lib/corpus.ts; default 1,000,000) in a temp dir, then:
 * bulk import µs/memory (storeMany, 1,000 a batch), keyword recall p50/p95 (200 queries, 10 % miss),
 * topic listing, the first page of `list` (what the sidebar paints first), stats, the open of a fresh
 * process-like store (with its daily-decay check), decay and prune over the whole store, file size.
 * The files are deleted at the end (and on failure).
 *
 *   node --import tsx bench/million.ts [--n 1000000] [--batch 1000] [--sqld]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWakeUp } from '../src/mcp/wakeup';
import { configFromEnv, openStore } from '../src/store';
import { keywordTuning } from '../src/store/keyword';
import { startSqld } from '../test/helpers/sqld';
import { generateCorpus, queryWorkload } from './lib/corpus';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    /** The same on a local sqld (the store a team shares): every read one HTTP round trip. */
    sqld: { type: 'boolean', default: false },
  },
});
const N = Number(opt.n.replace(/_/g, ''));
const BATCH = Number(opt.batch);
const now = () => performance.now();
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = now();
  const r = await fn();
  console.log(`${label}: ${ms(now() - t)}`);
  return r;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mnemos-million-'));
  const db = path.join(dir, 'mnemos.db');
  let stopServer = async (): Promise<void> => undefined;
  try {
    console.log(`N = ${N.toLocaleString('en-US')}, Node ${process.version}, load ${load()}`);
    let t = now();
    const corpus = generateCorpus(N);
    const queries = queryWorkload(corpus, 200);
    console.log(
      `corpus generated in ${ms(now() - t)}, avg summary ${(corpus.reduce((a, m) => a + m.summary.length, 0) / N).toFixed(0)} chars`,
    );
    const server = opt.sqld ? await startSqld() : undefined;
    stopServer = async () => {
      await server?.stop();
      if (server) rmSync(path.dirname(server.dbPath), { recursive: true, force: true });
    };
    const where = server ? { url: server.url } : { db };
    console.log(server ? `store: sqld at ${server.url} (loopback HTTP)` : `store: local file ${db}`);
    const store = await openStore(configFromEnv(where, {}));
    store.compactor.manual(); // merged below, timed on its own
    t = now();
    for (let i = 0; i < N; i += BATCH) {
      await store.storeMany(corpus.slice(i, i + BATCH));
      if ((i / BATCH) % 100 === 99)
        process.stderr.write(
          `  ${(i + BATCH).toLocaleString('en-US')} stored, ${(((now() - t) * 1000) / (i + BATCH)).toFixed(1)} µs/memory, load ${load()}\n`,
        );
    }
    const importMs = now() - t;
    console.log(
      `bulk import: ${((importMs * 1000) / N).toFixed(1)} µs/memory (${(importMs / 1000).toFixed(1)} s, storeMany × ${BATCH}), load ${load()}`,
    );
    // Keyword recall on the index as the import wrote it (a warm-up pass, then the measured one), then
    // the idle-time merge into one segment (src/store/ftsCompact.ts), timed, then the same recalls.
    const recallPass = async () => {
      const xs: number[] = [];
      for (const x of queries) {
        const a = now();
        await store.recall(x.query, { limit: 5, bumpAccess: false });
        xs.push(now() - a);
      }
      return xs;
    };
    await recallPass();
    const unmerged = await recallPass();
    const seg0 = (await store.compactor.structure())?.segments.length;
    t = now();
    await store.compactor.merge();
    const mergeMs = now() - t;
    console.log(
      `keyword recall as imported (${seg0} segments): p50 ${ms(q(unmerged, 0.5))}, p95 ${ms(q(unmerged, 0.95))}; ` +
        `the idle merge into ${(await store.compactor.structure())?.segments.length} segment: ${ms(mergeMs)} in ${store.compactor.stats.steps} steps, load ${load()}`,
    );
    await store.close();

    // A new process's open, as the CLI and `serve` do it (the daily-decay claim was taken by the import's open).
    const s2 = await timed('open (a second process, decay already claimed today)', () =>
      openStore(configFromEnv(where, {})),
    );
    const lat: number[] = [];
    for (const x of queries) {
      const a = now();
      await s2.recall(x.query, { limit: 5, bumpAccess: false });
      lat.push(now() - a);
    }
    console.log(
      `keyword recall (200 queries, limit 5): p50 ${ms(q(lat, 0.5))}, p95 ${ms(q(lat, 0.95))}, max ${ms(Math.max(...lat))}`,
    );
    // The newest-matches window (src/store/keyword.ts, "Many matches") against ranking every match,
    // interleaved per query, order alternating: the window's own figure in this run.
    const paired: Record<'window' | 'every', number[]> = { window: [], every: [] };
    const savedWindow = keywordTuning.window;
    for (let pass = 0; pass < 2; pass++)
      for (const x of queries)
        for (const k of pass ? (['every', 'window'] as const) : (['window', 'every'] as const)) {
          keywordTuning.window = k === 'window' ? savedWindow : 0;
          const a = now();
          await s2.recall(x.query, { limit: 5, bumpAccess: false });
          paired[k].push(now() - a);
        }
    keywordTuning.window = savedWindow;
    console.log(
      `  paired, ${savedWindow}-match window / every match ranked: p50 ${ms(q(paired.window, 0.5))} / ${ms(q(paired.every, 0.5))}, ` +
        `p95 ${ms(q(paired.window, 0.95))} / ${ms(q(paired.every, 0.95))}, max ${ms(Math.max(...paired.window))} / ${ms(Math.max(...paired.every))}`,
    );
    const topics = await timed('topics()', () => s2.topics());
    console.log(`  ${topics.length} topics`);
    // The sidebar's first paint: the topic tree, then the first page of the topic opened (as its controller asks).
    const biggest = [...topics].sort((a, b) => b.count - a.count)[0];
    await timed(
      `sidebar first paint: topics() + first page of the largest topic (${biggest.count} memories)`,
      async () => {
        await s2.topics();
        await s2.list({ topic: biggest.topic, exactTopic: true, order: 'recent', limit: 100 });
      },
    );
    let page = await timed('list() first page by weight (`mnemos list`)', () => s2.list({}));
    await timed('list() by weight, the next 9 pages', async () => {
      for (let i = 0; i < 9 && page.nextCursor; i++) page = await s2.list({ cursor: page.nextCursor });
    });
    await timed('wake-up pack (session-start hook)', () => buildWakeUp(s2, { maxTokens: 200 }));
    await timed('stats()', () => s2.stats());
    const decayed = await timed('decay() over the whole store', () => s2.decay());
    console.log(`  ${decayed.toLocaleString('en-US')} rows decayed`);
    const dry = await timed('prune(0.1, dry run)', () => s2.prune(0.1, { dryRun: true }));
    console.log(`  ${dry.count} would be pruned`);
    // Claimed at the import today: what every process start but the first of the day pays (a fresh store
    // object, as a new process has, whose first recall runs this in the background)…
    const s3 = await openStore(configFromEnv(where, {}));
    await timed('maybeAutoDecay(), decay already done today (every process start but the first of the day)', () =>
      s3.maybeAutoDecay(),
    );
    await s3.close();
    // …and the claim itself sent when the day's decay is due but another process won it (rare).
    await timed('maybeAutoDecay(true), the claim batch refused', () => s2.maybeAutoDecay(true));
    await s2.close();
    const base = server ? server.dbPath : dir;
    const files = readdirSync(base, { recursive: true })
      .map(String)
      .filter((f) => statSync(path.join(base, f)).isFile() && statSync(path.join(base, f)).size > 1e6)
      .map((f) => `${f} ${(statSync(path.join(base, f)).size / 1e6).toFixed(0)} MB`);
    console.log(`files: ${files.join(', ')}; load ${load()}`);
  } finally {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
