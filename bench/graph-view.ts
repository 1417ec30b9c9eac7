/**
 * Memoir graph view speed. A generated 1,000-concept / 3,000-link memoir is drawn in headless Chromium:
 *   - d3-canvas:  d3-force + the view's own 2D canvas renderer (src/graph-webview/canvas.ts: culling,
 *                 batched fills and strokes, labels by zoom), bundled from source;
 *   - naive-canvas: the same d3-force layout drawn the plain way (a path per concept and per link, every
 *                 one every frame, every label): the baseline measured in the same run, so a loaded
 *                 machine shows as a ratio;
 * and then, end to end, the real graph view (dist/graph.js, real GraphController over a real local store).
 * (Cytoscape.js was measured against d3-force + canvas on 4 Dec 2026 and removed; docs/BENCHMARKS.md.)
 * Figures: first paint (data in the page → first frame with every node drawn), layout settle time, and
 * interaction fps while the viewport pans and zooms every frame (requestAnimationFrame intervals), median
 * of the runs. Targets: first paint ≤ 300 ms, interaction ≥ 30 fps.
 * usage: node --import tsx bench/graph-view.ts [--runs 5] [--concepts 1000] [--links 3000]
 */
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { MemoirStore, openStore } from '../src/store';
import { ensureGraphBuilt, graphPainted, openGraph, startGraphServer } from '../test/graph-webview/harness';
import { launchBrowser, ROOT } from '../test/webview/harness';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 5);
const CONCEPTS = arg('concepts', 1000);
const LINKS = arg('links', 3000);
const FRAMES = arg('frames', 180);
const SETTLE_CAP = 20_000;

export interface BenchGraph {
  nodes: { id: string; name: string; confidence: number; degree: number }[];
  links: { id: string; source: string; target: string; relation: string }[];
}

const RELATIONS = ['part_of', 'depends_on', 'related_to', 'refines', 'instance_of', 'caused_by'];

/** A deterministic DAG (links go from a lower to a higher index), clustered so the layout has structure. */
export function generateGraph(n: number, m: number, seed = 7): BenchGraph {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: `concept-${i.toString(36)}-${['store', 'cache', 'index', 'query', 'layout'][i % 5]}`,
    confidence: Math.round(rnd() * 100) / 100,
    degree: 0,
  }));
  const seen = new Set<string>();
  const links: BenchGraph['links'] = [];
  while (links.length < m) {
    const a = Math.floor(rnd() * n);
    const near = rnd() < 0.8; // most links stay within a neighbourhood of indices: clusters
    const b = near ? Math.min(n - 1, a + 1 + Math.floor(rnd() * 30)) : Math.floor(rnd() * n);
    const [s, t] = a < b ? [a, b] : [b, a];
    const rel = RELATIONS[Math.floor(rnd() * RELATIONS.length)];
    const key = `${s}>${t}>${rel}`;
    if (s === t || seen.has(key)) continue;
    seen.add(key);
    links.push({ id: `l${links.length}`, source: `c${s}`, target: `c${t}`, relation: rel });
    nodes[s].degree++;
    nodes[t].degree++;
  }
  return { nodes, links };
}

/** The candidates, as browser code bundled with esbuild (imports resolve from the project's node_modules). */
const CANDIDATES = String.raw`
import { forceSimulation, forceLink, forceManyBody, forceX, forceY } from 'd3-force';
import { GraphCanvas } from './src/graph-webview/canvas';

const colour = (c) => 'hsl(' + Math.round(c * 120) + ', 65%, 45%)';
const size = (d) => 8 + 4 * Math.sqrt(d);
// The settings of src/graph-webview/canvas.ts, so both candidates lay out the same graph.
const WARM_MS = 25;
const SETTLE_CAP_MS = 20000;
const TICK_MS = 6;
const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));

function simulation(data) {
  const nodes = data.nodes.map((n) => ({ ...n }));
  const links = data.links.map((l) => ({ ...l }));
  const sim = forceSimulation(nodes)
    .force('link', forceLink(links).id((d) => d.id).distance(50).strength(0.3))
    .force('charge', forceManyBody().strength(-60).theta(0.9).distanceMax(320))
    .force('x', forceX().strength(0.04))
    .force('y', forceY().strength(0.04))
    .alphaDecay(0.04)
    .stop();
  const tickFor = (ms) => {
    const end = performance.now() + ms;
    let n = 0;
    while (sim.alpha() > sim.alphaMin() && performance.now() < end) { sim.tick(); n++; }
    return n;
  };
  return { sim, nodes, links, tickFor, done: () => sim.alpha() <= sim.alphaMin() };
}

window.candidates = {
  async 'naive-canvas'(root, data) {
    const s = simulation(data);
    const canvas = document.createElement('canvas');
    canvas.width = root.clientWidth; canvas.height = root.clientHeight;
    root.appendChild(canvas);
    const ctx = canvas.getContext('2d');
    let t = { k: 1, x: canvas.width / 2, y: canvas.height / 2 };
    let raf = 0;
    let stopped = false;
    const draw = () => {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(t.k, 0, 0, t.k, t.x, t.y);
      ctx.strokeStyle = '#666'; ctx.lineWidth = 1 / t.k;
      for (const l of s.links) { ctx.beginPath(); ctx.moveTo(l.source.x, l.source.y); ctx.lineTo(l.target.x, l.target.y); ctx.stroke(); }
      for (const n of s.nodes) { ctx.fillStyle = colour(n.confidence); ctx.beginPath(); ctx.arc(n.x, n.y, size(n.degree) / 2, 0, 2 * Math.PI); ctx.fill(); }
      ctx.fillStyle = '#ccc'; ctx.font = 12 / t.k + 'px sans-serif'; ctx.textAlign = 'center';
      for (const n of s.nodes) ctx.fillText(n.name, n.x, n.y + size(n.degree) / 2 + 12 / t.k);
    };
    const loop = () => { raf = 0; if (!s.done() && !stopped) { s.tickFor(TICK_MS); draw(); raf = requestAnimationFrame(loop); } };
    s.tickFor(WARM_MS);
    draw();
    await frame();
    const settled = (async () => { raf = requestAnimationFrame(loop); while (!s.done() && !stopped) await frame(); })();
    return { settled, stop: () => (stopped = true), viewport: (z, x, y) => { t = { k: z, x, y }; draw(); }, size: () => [root.clientWidth, root.clientHeight], destroy: () => { stopped = true; cancelAnimationFrame(raf); canvas.remove(); } };
  },

  async 'd3-canvas'(root, data) {
    const palette = { background: '#1e1e1e', edge: '#666', edgeHighlight: '#3794ff', label: '#ccc', edgeLabel: '#999', focus: '#0078d4', match: '#cca700', confidence: ['#f14c4c', '#d18616', '#cca700', '#3794ff', '#89d185'] };
    const g = new GraphCanvas(root, palette, { select() {} });
    await g.setData(data.nodes, data.links);
    const settled = (async () => { while (!g.settled) await frame(); })();
    return { settled, viewport: (z, x, y) => g.setViewport(z, x, y), size: () => [root.clientWidth, root.clientHeight], destroy: () => { g.dispose(); g.canvas.remove(); } };
  },
};

window.runBench = async (name, data, frames) => {
  const root = document.getElementById('root');
  const t0 = performance.now();
  const view = await window.candidates[name](root, data);
  const firstPaint = performance.now() - t0;
  // A layout still running after SETTLE_CAP_MS is stopped (and reported as not settled) before the pan/zoom frames.
  const capped = await Promise.race([view.settled.then(() => false), new Promise((r) => setTimeout(() => r(true), SETTLE_CAP_MS))]);
  if (capped) view.stop?.();
  const settle = capped ? -1 : performance.now() - t0;
  const [w, h] = view.size();
  const stamps = [];
  await new Promise((res) => {
    let i = 0;
    const step = (ts) => {
      stamps.push(ts);
      const z = 0.4 + 1.1 * (1 - Math.cos(i / 25)) / 2; // 0.4 → 1.5: labels on and off, as a user zooms
      view.viewport(z, w / 2 + 200 * Math.sin(i / 40), h / 2 + 150 * Math.cos(i / 30));
      if (++i <= frames) requestAnimationFrame(step); else res();
    };
    requestAnimationFrame(step);
  });
  const iv = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
  const mean = iv.reduce((a, b) => a + b, 0) / iv.length;
  view.destroy();
  return { firstPaint, settle, fps: 1000 / mean, p95Frame: iv[Math.floor(iv.length * 0.95)] };
};
`;

async function bundleCandidates(): Promise<string> {
  const r = await esbuild.build({
    stdin: { contents: CANDIDATES, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'warning',
  });
  return r.outputFiles[0].text;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[], unit: string, digits = 0) =>
  `${median(xs).toFixed(digits)} ${unit} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)})`;

const settled = (xs: number[]) =>
  median(xs) < 0
    ? 'not within 20 s (layout stopped)'
    : fmt(
        xs.filter((x) => x >= 0),
        'ms',
      );

interface Figures {
  firstPaint: number;
  settle: number;
  fps: number;
  p95Frame: number;
}

async function runCandidate(browser: Browser, bundle: string, name: string, graph: BenchGraph): Promise<Figures> {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(`<!DOCTYPE html><html><body style="margin:0;background:#1e1e1e">
    <div id="root" style="width:1200px;height:800px"></div></body></html>`);
  await page.addScriptTag({ content: bundle });
  const r = await page.evaluate(
    ([n, g, f]) =>
      (window as unknown as { runBench(a: string, b: unknown, c: number): Promise<Figures> }).runBench(n, g, f),
    [name, graph, FRAMES] as const,
  );
  await ctx.close();
  if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
  return r;
}

async function main(): Promise<void> {
  const graph = generateGraph(CONCEPTS, LINKS);
  console.log(
    `setup: ${CONCEPTS} concepts, ${LINKS} links (a DAG, clustered), viewport 1200×800, ${FRAMES} pan/zoom frames`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at start; ${RUNS} runs, interleaved`,
  );
  const bundle = await bundleCandidates();
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
  const names = ['naive-canvas', 'd3-canvas'].filter((n) => !only || only.includes(n));
  const browser = await launchBrowser();
  const res: Record<string, Figures[]> = Object.fromEntries(names.map((n) => [n, []]));
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const n of names) res[n].push(await runCandidate(browser, bundle, n, graph));
    }
  } finally {
    await browser.close();
  }
  for (const n of names) {
    const f = res[n];
    console.log(
      `${n.padEnd(15)} first paint ${fmt(
        f.map((x) => x.firstPaint),
        'ms',
      )}; settled ${settled(f.map((x) => x.settle))}; ` +
        `pan/zoom ${fmt(
          f.map((x) => x.fps),
          'fps',
          1,
        )}, p95 frame ${fmt(
          f.map((x) => x.p95Frame),
          'ms',
          1,
        )}`,
    );
  }
  if (!only || only.includes('view')) await endToEnd(graph);
  console.log('targets: first paint ≤ 300 ms, interaction ≥ 30 fps');
}

/** The real panel: dist/graph.js, GraphController, a real local store holding the memoir. */
async function endToEnd(graph: BenchGraph): Promise<void> {
  ensureGraphBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-graph-'));
  const store = await openStore({ mode: 'local', path: path.join(dir, 'bench.db') });
  const memoirs = new MemoirStore(store.conn);
  const t0 = performance.now();
  await memoirs.createMemoir('bench');
  const ids = new Map<string, string>();
  for (const n of graph.nodes) {
    const c = await memoirs.addConcept('bench', {
      name: n.name,
      definition: `definition of ${n.name}`,
      confidence: n.confidence,
      labels: [`kind:${n.name.split('-').pop()}`],
    });
    ids.set(n.id, c.id);
  }
  for (const l of graph.links) await memoirs.link('bench', ids.get(l.source)!, ids.get(l.target)!, l.relation);
  console.log(`real view: memoir written through MemoirStore in ${Math.round(performance.now() - t0)} ms (local file)`);
  const browser = await launchBrowser();
  const server = await startGraphServer('bench');
  const first: number[] = [];
  const render: number[] = [];
  const fps: number[] = [];
  const p95: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const g = await openGraph(browser, server, memoirs, store, 'bench');
      const f = await graphPainted(g.page);
      first.push(f.firstPaint);
      render.push(f.render);
      const r = (await g.page.evaluate(`(async () => {
        const g = window.__mnemosGraph.canvas;
        const end = performance.now() + ${SETTLE_CAP};
        while (!g.settled && performance.now() < end) await new Promise((r) => requestAnimationFrame(r));
        const { width: w, height: h } = g.size;
        const stamps = [];
        await new Promise((res) => {
          let i = 0;
          const step = (ts) => {
            stamps.push(ts);
            g.setViewport(0.4 + 1.1 * (1 - Math.cos(i / 25)) / 2, w / 2 + 200 * Math.sin(i / 40), h / 2 + 150 * Math.cos(i / 30));
            if (++i <= ${FRAMES}) requestAnimationFrame(step); else res();
          };
          requestAnimationFrame(step);
        });
        const iv = stamps.slice(1).map((t, i) => t - stamps[i]).sort((a, b) => a - b);
        return { fps: 1000 / (iv.reduce((a, b) => a + b, 0) / iv.length), p95: iv[Math.floor(iv.length * 0.95)] };
      })()`)) as { fps: number; p95: number };
      fps.push(r.fps);
      p95.push(r.p95);
      if (g.logs.some((l) => /error/i.test(l))) throw new Error(g.logs.join('\n'));
      await g.close();
    }
  } finally {
    await browser.close();
    await server.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `real view       first paint (ready → painted, incl. the host reading the memoir) ${fmt(first, 'ms')}; ` +
      `render (data → painted) ${fmt(render, 'ms')}; pan/zoom ${fmt(fps, 'fps', 1)}, p95 frame ${fmt(p95, 'ms', 1)}`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
