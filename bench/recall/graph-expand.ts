// Auto-link + graph-expanded recall (ICM's related_ids, icm-reference §2.1 auto-link and §2.2
// expand_with_neighbors) on the labelled set: does appending each hit's linked neighbours with a discount
// improve MRR@10 / hit@5 over the store's keyword recall?
//
//   node --import tsx bench/recall/graph-expand.ts [--queries N]
//
// Links, as ICM makes them at store time: up to 5 neighbours per memory with similarity ≥ a threshold,
// made symmetric (ICM's back-references). Two similarities: the tiny test model's cosine (the only model
// here; ICM's threshold 0.75 and a stricter 0.85) and, as a stand-in for a model whose neighbours mean
// something, the word-set Jaccard of "topic summary keywords" (≥ 0.3 and ≥ 0.5). Expansion is ICM's:
// walk the primary hits in score order, collect ≤ max(limit/3, 1) unseen neighbours, score each
// parent × 0.5, merge, sort, keep `limit` (10). Paired bootstrap against keyword recall alone.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Embedder } from '../../src/embed/embedder';
import { openStore } from '../../src/store';
import { firstHitRank, metrics, pairedMrr } from './fusion';
import type { Dataset } from './make-dataset';

const LIMIT = 10;
const MAX_LINKS = 5;
const HOP_DISCOUNT = 0.5;

type Links = Map<string, string[]>;
interface Hit {
  id: string;
  score: number;
}

const words = (t: string) =>
  new Set(
    t
      .toLowerCase()
      .split(/[^\p{L}\p{N}_]+/u)
      .filter((w) => w.length >= 3),
  );

/** ICM's auto-link: the top MAX_LINKS neighbours at or above the threshold, then back-references. */
function linksFrom(ids: string[], sim: (i: number, j: number) => number, threshold: number): Links {
  const links: Links = new Map(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i++) {
    const cands: [number, number][] = [];
    for (let j = 0; j < ids.length; j++) {
      if (i === j) continue;
      const s = sim(i, j);
      if (s >= threshold) cands.push([s, j]);
    }
    cands.sort((a, b) => b[0] - a[0]);
    for (const [, j] of cands.slice(0, MAX_LINKS)) {
      const a = links.get(ids[i])!;
      const b = links.get(ids[j])!;
      if (!a.includes(ids[j])) a.push(ids[j]);
      if (!b.includes(ids[i])) b.push(ids[i]);
    }
  }
  return links;
}

/** ICM's expand_with_neighbors(initial, max(limit/3,1), hop_discount, limit). */
function expand(initial: Hit[], links: Links, limit = LIMIT): Hit[] {
  const maxNeighbours = Math.max(Math.floor(limit / 3), 1);
  const seen = new Set(initial.map((h) => h.id));
  const added: Hit[] = [];
  for (const h of initial) {
    for (const n of links.get(h.id) ?? []) {
      if (added.length >= maxNeighbours) break;
      if (seen.has(n)) continue;
      seen.add(n);
      added.push({ id: n, score: h.score * HOP_DISCOUNT });
    }
    if (added.length >= maxNeighbours) break;
  }
  return [...initial, ...added].sort((a, b) => b.score - a.score).slice(0, limit);
}

async function main() {
  const qi = process.argv.indexOf('--queries');
  const ds = JSON.parse(fs.readFileSync(path.join(__dirname, 'dataset.json'), 'utf8')) as Dataset;
  const queries = qi > 0 ? ds.queries.slice(0, Number(process.argv[qi + 1])) : ds.queries;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-graph-eval-'));
  const store = await openStore({ mode: 'local', path: path.join(tmp, 'g.db') });
  const toDataset = new Map<string, string>();
  for (let i = 0; i < ds.memories.length; i += 500) {
    const chunk = ds.memories.slice(i, i + 500);
    const res = await store.storeMany(
      chunk.map((m) => ({ topic: m.topic, summary: m.summary, keywords: m.keywords, importance: m.importance })),
    );
    res.forEach((r, j) => toDataset.set(r.id, chunk[j].id));
  }
  const ids = ds.memories.map((m) => m.id);
  const texts = ds.memories.map((m) => `${m.topic} ${m.summary}`);
  const sets = ds.memories.map((m) => words(`${m.topic} ${m.summary} ${m.keywords.join(' ')}`));
  const jaccard = (i: number, j: number) => {
    let inter = 0;
    for (const w of sets[i]) if (sets[j].has(w)) inter++;
    return inter / (sets[i].size + sets[j].size - inter || 1);
  };
  const embedder = new Embedder({
    modelId: 'tiny-bert',
    cacheDir: path.join(tmp, 'cache'),
    localModelPath: path.resolve(__dirname, '../../test/fixtures/models'),
    allowRemote: false,
    batchSize: 32,
  });
  const vecs = await embedder.embed(texts, 'passage');
  const cos = (i: number, j: number) => {
    let d = 0;
    for (let k = 0; k < vecs[i].length; k++) d += vecs[i][k] * vecs[j][k];
    return d; // normalised vectors
  };
  const variants: [string, Links][] = [
    ['tiny-model cosine ≥ 0.75 (ICM)', linksFrom(ids, cos, 0.75)],
    ['tiny-model cosine ≥ 0.85', linksFrom(ids, cos, 0.85)],
    ['word Jaccard ≥ 0.3', linksFrom(ids, jaccard, 0.3)],
    ['word Jaccard ≥ 0.5', linksFrom(ids, jaccard, 0.5)],
  ];
  const base: number[] = [];
  const per: number[][] = variants.map(() => []);
  const kinds: string[] = [];
  for (const q of queries) {
    const hits = (await store.recallKeyword(q.text, { limit: LIMIT, bumpAccess: false })).map((h) => ({
      id: toDataset.get(h.memory.id)!,
      score: h.score,
    }));
    const rel = new Set(q.answers);
    kinds.push(q.kind);
    base.push(
      firstHitRank(
        hits.map((h) => h.id),
        rel,
      ),
    );
    variants.forEach(([, links], v) =>
      per[v].push(
        firstHitRank(
          expand(hits, links).map((h) => h.id),
          rel,
        ),
      ),
    );
  }
  await store.close();
  await embedder.dispose?.();
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const show = (name: string, ranks: number[], linkCount?: number) => {
    const m = metrics(ranks);
    const para = metrics(ranks.filter((_, i) => kinds[i] === 'paraphrase'));
    let line = `| ${name} | ${linkCount ?? '—'} | ${f(m.mrr10)} | ${pct(m.hit5)} | ${f(para.mrr10)} | ${pct(para.hit5)} |`;
    if (ranks !== base) {
      const p = pairedMrr(ranks, base);
      line += ` ${p.diff >= 0 ? '+' : ''}${f(p.diff)} (${f(p.lo)} to ${f(p.hi)}; +${p.wins}/−${p.losses}) |`;
    } else line += ' — |';
    console.log(line);
  };
  console.log(
    `${queries.length} queries, ${ds.memories.length} memories; load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    '| recall | links per memory | MRR@10 | hit@5 | paraphrase MRR@10 | paraphrase hit@5 | ΔMRR@10 vs keyword (95 %) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  show('keyword recall (today)', base);
  variants.forEach(([name, links], v) => {
    const avg = [...links.values()].reduce((a, l) => a + l.length, 0) / links.size;
    show(`+ expansion, links: ${name}`, per[v], Number(avg.toFixed(2)));
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
