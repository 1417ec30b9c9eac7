import * as esbuild from 'esbuild';
import { launchBrowser, ROOT } from '../test/webview/harness';
import { generateGraph } from './graph-view';
const SRC = `
import { GraphCanvas } from './src/graph-webview/canvas';
(window as any).probe = async (data: any, variant: string) => {
  const root = document.getElementById('root')!;
  const palette = { background: '#1e1e1e', edge: '#666', edgeHighlight: '#3794ff', label: '#ccc', edgeLabel: '#999', focus: '#0078d4', match: '#cca700', confidence: ['#f14c4c', '#d18616', '#cca700', '#3794ff', '#89d185'] };
  const t0 = performance.now();
  const g: any = new GraphCanvas(root, palette, { select() {} });
  await g.setData(data.nodes, data.links);
  const fp = performance.now() - t0;
  while (!g.settled) await new Promise((r) => requestAnimationFrame(r));
  const out: any = { fp, k: g.transform.k };
  for (const k of [0.2, 0.4, 0.8, 1.5]) {
    g.setViewport(k, 600, 400);
    const a = performance.now(); for (let i = 0; i < 5; i++) g.draw(); out['draw@' + k] = ((performance.now() - a) / 5).toFixed(1);
  }
  return out;
};`;
(async () => {
  const b = (await esbuild.build({ stdin: { contents: SRC, resolveDir: ROOT, loader: 'ts' }, bundle: true, format: 'iife', write: false })).outputFiles[0].text;
  const browser = await launchBrowser();
  const g = generateGraph(1000, 3000);
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  await page.setContent('<div id="root" style="width:1200px;height:800px"></div>');
  await page.addScriptTag({ content: b });
  console.log(JSON.stringify(await page.evaluate(([g]) => (window as any).probe(g), [g] as const)));
  await browser.close();
})();
