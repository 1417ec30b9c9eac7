/**
 * Sidebar render figures with 10,000 memories: first paint (webview `ready` → tree painted) and
 * search-as-you-type (query sent → results painted), measured inside headless Chromium on the real
 * bundle, real host controller and a real local store. Targets: first paint ≤ 200 ms, search ≤ 50 ms.
 * usage: node --import tsx bench/sidebar-render.ts [memories=10000] [topics=40]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStore } from '../src/store';
import {
  ensureWebviewBuilt,
  firstPaint,
  launchBrowser,
  openSidebar,
  sampleMemories,
  startAssetServer,
} from '../test/webview/harness';

const N = Number(process.argv[2] ?? 10_000);
const TOPICS = Number(process.argv[3] ?? 40);
const RUNS = 5;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)}, min ${s[0].toFixed(1)}, max ${s[s.length - 1].toFixed(1)} (n=${s.length})`;
}

async function main(): Promise<void> {
  ensureWebviewBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-sidebar-'));
  const store = await openStore({ mode: 'local', path: path.join(dir, 'bench.db') });
  const topics = Array.from({ length: TOPICS }, (_, i) => `topic-${String(i).padStart(2, '0')}`);
  const t0 = performance.now();
  const all = sampleMemories(N, topics, 7);
  for (let i = 0; i < all.length; i += 1000) await store.storeMany(all.slice(i, i + 1000));
  console.log(
    `setup: ${N} memories in ${TOPICS} topics, local libSQL file, seeded in ${Math.round(performance.now() - t0)} ms`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, load average ${os.loadavg()[0].toFixed(1)} at start; Chromium headless, viewport 340×720`,
  );

  const browser = await launchBrowser();
  const server = await startAssetServer();
  try {
    // First paint, cold view (no saved state) and a view restored with two topics expanded and a search cleared.
    const cold: number[] = [];
    const restored: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sb = await openSidebar(browser, server, store);
      cold.push(await firstPaint(sb.page));
      await sb.close();
      const sb2 = await openSidebar(browser, server, store, {
        state: {
          v: 1,
          query: '',
          topic: '',
          importance: 'any',
          expanded: { 'topic-00': 100, 'topic-01': 100 },
          selected: null,
          detailOpen: false,
          scrollTop: 0,
        },
      });
      restored.push(await firstPaint(sb2.page));
      // The tree is virtualized (only the rows in view are in the DOM): topic-00's first memory is drawn.
      const first = await sb2.page.locator('#tree [data-kind="memory"][aria-posinset="1"]').count();
      if (first < 1) throw new Error('restored view shows no memory rows under the open topics');
      await sb2.close();
    }
    console.log(`first paint, topics only (${TOPICS} rows):            ${stats(cold)}   target ≤ 200 ms`);
    console.log(`first paint, 2 topics expanded (240 rows):       ${stats(restored)}   target ≤ 200 ms`);

    // Search as you type: each keystroke's query (after the 80 ms debounce) until its results are painted.
    const sb = await openSidebar(browser, server, store);
    await firstPaint(sb.page);
    const search = sb.page.locator('#search input');
    const perQuery: number[] = [];
    for (const word of ['cache', 'deploy', 'mutex', 'replica', 'timeout']) {
      await search.fill('');
      await sb.page.waitForFunction(() => document.querySelector('#tree [data-kind="topic"]') !== null);
      await sb.page.evaluate(() => performance.clearMeasures('mnemos:search'));
      await search.pressSequentially(word, { delay: 120 });
      // Keystrokes closer than the debounce share one query; wait for the whole word's.
      await sb.page.waitForFunction(
        (w) => performance.getEntriesByName('mnemos:search').some((e) => (e as PerformanceMeasure).detail?.query === w),
        word,
        { timeout: 20_000 },
      );
      const ms = await sb.page.evaluate(() => performance.getEntriesByName('mnemos:search').map((e) => e.duration));
      perQuery.push(...ms);
    }
    const results = await sb.page.locator('#tree [data-kind="memory"]').count();
    console.log(
      `search update while typing (query → painted):    ${stats(perQuery)}   target ≤ 50 ms (plus the 80 ms debounce)`,
    );
    console.log(
      `load average at the end: ${os.loadavg()[0].toFixed(1)} (other work on this machine inflates every figure)`,
    );
    console.log(`  (last query showed ${results} results; 50 per page)`);
    await sb.close();
  } finally {
    await browser.close();
    await server.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
