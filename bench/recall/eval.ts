// Recall quality on the labelled set (bench/recall/dataset.json): hit@1, hit@5 and MRR@10, overall and
// per query kind, for keyword-only recall, a reference vector arm, several fusions computed here from the
// store's real keyword candidates and the real embedder, and the store's own hybrid recall.
//
//   node --import tsx bench/recall/eval.ts                      # tiny test model (its vectors mean little)
//   MNEMOS_MODEL_DIR=<cache dir> node --import tsx bench/recall/eval.ts [--model Xenova/all-MiniLM-L6-v2]
//   node --import tsx bench/recall/eval.ts --model-dir DIR --model ID [--dtype q8] [--threads 2]
//   node --import tsx bench/recall/eval.ts --no-embed           # keyword only, no model at all
// More: --methods keyword,rrf,...  --queries N (first N, for a quick look)  --out FILE  --dataset FILE
//       --wordforms FILE (the word-form variant of the queries; `--wordforms none` to skip it)
// Every method runs on both query sets in one run. `kw-*` are keyword recall's measured variants
// (src/store/fts.ts wordFormTuning, src/store/keyword.ts keywordTuning); `peer-ai-devkit` is
// @ai-devkit/memory through its MCP stdio server (bench/recall/peer-ai-devkit.ts), when installed.
//
// A method is an adapter: { name, prepare?(ctx), recall(query) => dataset ids, best first }. ctx.embed is
// the harness's embedder (memoised, so the store and the reference methods embed each text once).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Embedder, type EmbedKind } from '../../src/embed/embedder';
import { type EmbeddingProvider, type MnemosStore, openStore } from '../../src/store';
import { wordFormTuning, type WordFormTuning } from '../../src/store/fts';
import { keywordTuning, type KeywordTuning } from '../../src/store/keyword';
import { type AiDevkitPeer, findAiDevkit, startAiDevkit } from './peer-ai-devkit';
import { WORDFORMS_PATH, type WordFormSet } from './make-wordforms';
import type { Dataset, DatasetQuery, QueryKind } from './make-dataset';
import {
  firstHitRank,
  fuseIcm,
  fuseRrf,
  fuseWeightedLiftMax,
  fuseWeightedMinMax,
  type KeywordHit,
  metrics,
  type Metrics,
  pairedMrr,
  topKCosine,
  type VectorHit,
} from './fusion';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'models');
const LIMIT = 10;
/** Candidates taken from each arm before fusing: ICM's and the store's 4 × limit. */
const POOL = 4 * LIMIT;
const KINDS: QueryKind[] = ['keyword', 'paraphrase', 'mixed'];

export interface HarnessContext {
  store: MnemosStore;
  /** Store id -> dataset id. */
  toDataset: Map<string, string>;
  dataset: Dataset;
  /** Present unless --no-embed: unit vectors, memoised per (kind, text). */
  embed?: (texts: string[], kind: EmbedKind) => Promise<Float32Array[]>;
  provider?: EmbeddingProvider;
  /** @ai-devkit/memory loaded with the same memories, when installed. */
  peer?: AiDevkitPeer;
}
export interface RecallAdapter {
  name: string;
  about: string;
  needsEmbeddings: boolean;
  needsPeer?: boolean;
  prepare?(ctx: HarnessContext): Promise<void>;
  recall(query: string): Promise<string[]>;
}

// ------------------------------------------------------------------------------------------ adapters

function keywordCandidates(ctx: HarnessContext, q: string, limit: number): Promise<KeywordHit[]> {
  return ctx.store
    .recallKeyword(q, { limit, bumpAccess: false })
    .then((hits) => hits.map((h) => ({ id: ctx.toDataset.get(h.memory.id)!, score: h.score, fullMatch: h.fullMatch })));
}

/** Memory vectors embedded the way the store embeds them ("{topic} {summary}", passage). */
function referenceVectors(ctx: HarnessContext) {
  let ids: string[] = [];
  let vecs: Float32Array[] = [];
  return {
    async prepare() {
      const ms = ctx.dataset.memories;
      ids = ms.map((m) => m.id);
      vecs = await ctx.embed!(
        ms.map((m) => `${m.topic} ${m.summary}`),
        'passage',
      );
    },
    async top(q: string, k: number): Promise<VectorHit[]> {
      const [qv] = await ctx.embed!([q], 'query');
      return topKCosine(qv, ids, vecs, k);
    },
    /** Cosine of the query to each given memory (for candidates outside the vector top-k). */
    async cosine(q: string, want: string[]): Promise<VectorHit[]> {
      const [qv] = await ctx.embed!([q], 'query');
      const at = new Map(ids.map((id, i) => [id, i]));
      return want.map((id) => {
        const v = vecs[at.get(id)!];
        let dot = 0;
        for (let j = 0; j < v.length; j++) dot += v[j] * qv[j];
        return { id, similarity: dot };
      });
    },
  };
}

/** Keyword recall's variants: the store's recallKeyword under another tuning (restored after each query). */
export const KEYWORD_VARIANTS: {
  name: string;
  about: string;
  forms: Partial<WordFormTuning>;
  arms: Partial<KeywordTuning>;
}[] = [
  {
    name: 'kw-before',
    about: 'before: exact forms only, every word must match, weak words too',
    forms: { forms: 'off', weak: 'required' },
    arms: {},
  },
  {
    name: 'kw-weak-dropped',
    about: 'exact forms; weak words (what, how, the…) left out of every arm',
    forms: { forms: 'off', weak: 'dropped' },
    arms: {},
  },
  {
    name: 'kw-weak-partial',
    about: 'exact forms; weak words must match, but do not count in the some-words arms',
    forms: { forms: 'off', weak: 'partial' },
    arms: {},
  },
  {
    name: 'kw-forms',
    about: 'each word OR its regular forms as exact terms (≤ 10, no prefix), one arm by BM25',
    forms: { forms: 'forms' },
    arms: {},
  },
  {
    name: 'kw-forms-exactfirst',
    about: 'kw-forms, but the forms arm only when no memory has every word exactly',
    forms: { forms: 'forms' },
    arms: { arms: 'exact-first' },
  },
  { name: 'kw-prefix3', about: 'adopted, stems of 3 letters up as prefixes', forms: { minPrefix: 3 }, arms: {} },
  { name: 'kw-prefix5', about: 'adopted, stems of 5 letters up as prefixes', forms: { minPrefix: 5 }, arms: {} },
  { name: 'kw-prefix6', about: 'adopted, stems of 6 letters up as prefixes', forms: { minPrefix: 6 }, arms: {} },
  {
    name: 'kw-weak-partial2',
    about: 'adopted, but weak words do not count in the some-words arms',
    forms: { weak: 'partial' },
    arms: {},
  },
  {
    name: 'kw-weak-dropped2',
    about: 'adopted, but weak words are left out of every arm',
    forms: { weak: 'dropped' },
    arms: {},
  },
  {
    name: 'kw-tiered',
    about: 'adopted, plus memories with every word exactly ranked above form matches',
    forms: {},
    arms: { arms: 'tiered' },
  },
  {
    name: 'kw-exactfirst',
    about: 'adopted, but the forms arm only when no memory has every word exactly',
    forms: {},
    arms: { arms: 'exact-first' },
  },
  {
    name: 'kw-w-topic2',
    about: 'adopted + bm25 column weights (id, topic, summary, keywords) = (0, 2, 1, 2)',
    forms: {},
    arms: { weights: [0, 2, 1, 2] },
  },
  { name: 'kw-w-kw3', about: 'adopted + bm25 column weights (0, 1, 1, 3)', forms: {}, arms: { weights: [0, 1, 1, 3] } },
  {
    name: 'kw-window',
    about: 'adopted, with the newest-500 window of large stores forced on (this set is 2,077 memories)',
    forms: {},
    arms: { windowFrom: 0 },
  },
  {
    name: 'kw-w-summary2',
    about: 'adopted + bm25 column weights (0, 1, 2, 1)',
    forms: {},
    arms: { weights: [0, 1, 2, 1] },
  },
];

function withTuning<T>(
  forms: Partial<WordFormTuning>,
  arms: Partial<KeywordTuning>,
  run: () => Promise<T>,
): Promise<T> {
  const [f0, a0] = [{ ...wordFormTuning }, { ...keywordTuning }];
  Object.assign(wordFormTuning, forms);
  Object.assign(keywordTuning, arms);
  return run().finally(() => {
    Object.assign(wordFormTuning, f0);
    Object.assign(keywordTuning, a0);
  });
}

export function buildAdapters(ctx: HarnessContext): RecallAdapter[] {
  const ref = referenceVectors(ctx);
  let refReady: Promise<void> | undefined;
  const prepareRef = () => (refReady ??= ref.prepare());
  const fused = (
    name: string,
    about: string,
    fuse: (kw: KeywordHit[], vec: VectorHit[]) => string[],
    andOnly = false,
  ): RecallAdapter => ({
    name,
    about,
    needsEmbeddings: true,
    prepare: prepareRef,
    async recall(q) {
      let kw = await keywordCandidates(ctx, q, POOL);
      if (andOnly) kw = kw.filter((k) => k.fullMatch);
      return fuse(kw, await ref.top(q, POOL)).slice(0, LIMIT);
    },
  });
  const storeHybrid = (fusion: 'weighted' | 'rrf'): RecallAdapter => ({
    name: `store-${fusion}`,
    about: `MnemosStore.recall() with setEmbedder(…, { fusion: '${fusion}' }) after embedMissing()`,
    needsEmbeddings: true,
    async prepare() {
      ctx.store.setEmbedder(ctx.provider!, { fusion, nearDuplicate: false, waitForModel: true });
      const p = await ctx.store.embedMissing();
      if (p.errors) throw new Error(`embedMissing: ${p.errors} memories failed to embed`);
    },
    async recall(q) {
      ctx.store.setEmbedder(ctx.provider!, { fusion, nearDuplicate: false, waitForModel: true });
      const r = await ctx.store.recall(q, { limit: LIMIT, bumpAccess: false });
      if (r.mode !== 'hybrid') throw new Error(`store.recall answered ${r.mode}: ${r.note}`);
      return r.items.map((i) => ctx.toDataset.get(i.memory.id)!);
    },
  });
  return [
    {
      name: 'keyword',
      about:
        'store.recallKeyword(q, { limit: 10, bumpAccess: false }): adopted: every word, as "stem"* from 4 letters (else its forms), by BM25; then some words',
      needsEmbeddings: false,
      recall: async (q) => (await keywordCandidates(ctx, q, LIMIT)).map((k) => k.id),
    },
    ...KEYWORD_VARIANTS.map((v): RecallAdapter => ({
      name: v.name,
      about: v.about,
      needsEmbeddings: false,
      recall: (q) => withTuning(v.forms, v.arms, async () => (await keywordCandidates(ctx, q, LIMIT)).map((k) => k.id)),
    })),
    {
      name: 'peer-ai-devkit',
      about: '@ai-devkit/memory through its MCP stdio server: memory_searchKnowledge(q, limit 10)',
      needsEmbeddings: false,
      needsPeer: true,
      recall: (q) => ctx.peer!.search(q, LIMIT),
    },
    {
      name: 'vector',
      about: 'cosine only: top 10 of all memory vectors',
      needsEmbeddings: true,
      prepare: prepareRef,
      recall: async (q) => (await ref.top(q, LIMIT)).map((v) => v.id),
    },
    fused('rrf', 'reciprocal rank fusion, k = 60, of the top 40 of each arm', fuseRrf),
    fused('weighted-minmax', '0.3 × min-max(−bm25) + 0.7 × cosine over the top 40 of each arm', fuseWeightedMinMax),
    {
      name: 'weighted-allcos',
      about: 'weighted-minmax, but keyword candidates outside the vector top 40 get their real cosine instead of 0',
      needsEmbeddings: true,
      prepare: prepareRef,
      async recall(q) {
        const kw = await keywordCandidates(ctx, q, POOL);
        const vec = await ref.top(q, POOL);
        const inVec = new Set(vec.map((v) => v.id));
        const extra = await ref.cosine(
          q,
          kw.filter((k) => !inVec.has(k.id)).map((k) => k.id),
        );
        return fuseWeightedMinMax(kw, [...vec, ...extra.sort((a, b) => b.similarity - a.similarity)]).slice(0, LIMIT);
      },
    },
    {
      name: 'rrf-allranks',
      about: 'rrf, but a keyword candidate outside the vector top 40 gets its real vector rank instead of none',
      needsEmbeddings: true,
      prepare: prepareRef,
      async recall(q) {
        const kw = await keywordCandidates(ctx, q, POOL);
        return fuseRrf(kw, await ref.top(q, ctx.dataset.memories.length)).slice(0, LIMIT);
      },
    },
    fused(
      'weighted-liftmax',
      "0.3 × (−bm25, full matches lifted) / best + 0.7 × cosine: the store's weighted formula, recomputed here",
      fuseWeightedLiftMax,
    ),
    fused(
      'icm-exact',
      "ICM's search_hybrid: 0.3 / (1 + |bm25|) + 0.7 × cosine, FTS arm = all-terms matches only",
      fuseIcm,
      true,
    ),
    fused('icm-formula', "ICM's inverted 1/(1+|bm25|) on the same keyword pool as the others (AND + OR arms)", fuseIcm),
    storeHybrid('weighted'),
    storeHybrid('rrf'),
  ];
}

// ------------------------------------------------------------------------------------------ plumbing

/** Memoises an embedder per (kind, text), exposing the store's EmbeddingProvider shape. */
class MemoEmbedder implements EmbeddingProvider {
  private readonly memo = new Map<string, Float32Array>();
  embedMs = 0;
  embedded = 0;
  constructor(private readonly inner: Embedder) {}
  get modelId() {
    return this.inner.modelId;
  }
  get state() {
    return this.inner.state;
  }
  info() {
    return this.inner.info();
  }
  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    const todo = [...new Set(texts.filter((t) => !this.memo.has(`${kind}\0${t}`)))];
    if (todo.length) {
      const t0 = performance.now();
      const vecs = await this.inner.embed(todo, kind);
      this.embedMs += performance.now() - t0;
      this.embedded += todo.length;
      todo.forEach((t, i) => this.memo.set(`${kind}\0${t}`, vecs[i]));
    }
    return texts.map((t) => this.memo.get(`${kind}\0${t}`)!);
  }
}

function findModels(root: string, rel = '', depth = 0): string[] {
  const here = path.join(root, rel);
  if (
    fs.existsSync(path.join(here, 'config.json')) &&
    ['model.onnx', 'model_quantized.onnx'].some((f) => fs.existsSync(path.join(here, 'onnx', f)))
  )
    return [rel.split(path.sep).join('/')];
  if (depth >= 3 || !fs.existsSync(here)) return [];
  return fs
    .readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .flatMap((d) => findModels(root, path.join(rel, d.name), depth + 1));
}

interface Args {
  dataset: string;
  wordforms?: string;
  modelDir: string;
  model: string;
  dtype: 'fp32' | 'q8';
  threads: number;
  noEmbed: boolean;
  methods?: string[];
  queries?: number;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const val = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  };
  const modelDir = path.resolve(val('model-dir') ?? process.env.MNEMOS_MODEL_DIR ?? FIXTURES);
  const envModel = process.env.MNEMOS_EMBED_MODEL?.trim();
  let model = val('model') ?? (envModel && envModel !== 'off' && envModel !== '0' ? envModel : undefined);
  if (!model) {
    const found = findModels(modelDir);
    model =
      modelDir === path.resolve(FIXTURES) ? 'tiny-bert' : (found.find((m) => /all-MiniLM-L6-v2$/i.test(m)) ?? found[0]);
    if (!model) throw new Error(`no model (config.json + onnx/model*.onnx) under ${modelDir}; pass --model`);
  }
  const onnx = path.join(modelDir, model, 'onnx');
  const dtype = (val('dtype') ?? (fs.existsSync(path.join(onnx, 'model.onnx')) ? 'fp32' : 'q8')) as 'fp32' | 'q8';
  if (dtype !== 'fp32' && dtype !== 'q8') throw new Error('--dtype is fp32 or q8');
  return {
    dataset: path.resolve(val('dataset') ?? path.join(__dirname, 'dataset.json')),
    wordforms: val('wordforms') === 'none' ? undefined : path.resolve(val('wordforms') ?? WORDFORMS_PATH),
    modelDir,
    model,
    dtype,
    threads: Math.max(1, Math.floor(Number(val('threads') ?? process.env.MNEMOS_EMBED_THREADS ?? 1)) || 1),
    noEmbed: argv.includes('--no-embed'),
    methods: val('methods')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    queries: val('queries') ? Number(val('queries')) : undefined,
    out: val('out'),
  };
}

const pct = (x: number) => (x * 100).toFixed(1);

function table(rows: { name: string; by: Record<string, Metrics> }[], cols: string[]): string {
  const head = ['method', ...cols.flatMap((c) => [`${c} h@1`, 'h@5', 'MRR'])];
  const body = rows.map((r) => [
    r.name,
    ...cols.flatMap((c) => {
      const m = r.by[c];
      return [pct(m.hit1), pct(m.hit5), m.mrr10.toFixed(3)];
    }),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  return [
    line(head),
    '| ' + w.map((n, i) => (i === 0 ? '-'.repeat(n) : '-'.repeat(n - 1) + ':')).join(' | ') + ' |',
    ...body.map(line),
  ].join('\n');
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  const args = parseArgs(argv);
  const dataset = JSON.parse(fs.readFileSync(args.dataset, 'utf8')) as Dataset;
  const queries: DatasetQuery[] = args.queries ? dataset.queries.slice(0, args.queries) : dataset.queries;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-recall-eval-'));
  const t0 = performance.now();
  const store = await openStore({ mode: 'local', path: path.join(tmp, 'recall.db') });
  const toDataset = new Map<string, string>();
  let embedder: Embedder | undefined;
  let ctx: HarnessContext | undefined;
  try {
    for (let i = 0; i < dataset.memories.length; i += 500) {
      const chunk = dataset.memories.slice(i, i + 500);
      const res = await store.storeMany(
        chunk.map((m) => ({ topic: m.topic, summary: m.summary, keywords: m.keywords, importance: m.importance })),
      );
      res.forEach((r, j) => {
        if (r.action !== 'created')
          throw new Error(`memory ${chunk[j].id} was ${r.action}, not created: the dataset has a duplicate`);
        toDataset.set(r.id, chunk[j].id);
      });
    }
    const loadMs = performance.now() - t0;
    ctx = { store, toDataset, dataset };
    let memo: MemoEmbedder | undefined;
    if (!args.noEmbed) {
      embedder = new Embedder({
        modelId: args.model,
        cacheDir: path.join(tmp, 'cache'),
        localModelPath: args.modelDir,
        allowRemote: false,
        threads: args.threads,
        dtype: args.dtype,
        batchSize: 32,
      });
      memo = new MemoEmbedder(embedder);
      ctx.embed = (t, k) => memo!.embed(t, k);
      ctx.provider = memo;
    }
    const info = memo ? await memo.info() : undefined;
    let adapters = buildAdapters(ctx).filter((a) => !a.needsEmbeddings || !args.noEmbed);
    if (args.methods) {
      const unknown = args.methods.filter((m) => !adapters.some((a) => a.name === m));
      if (unknown.length)
        throw new Error(`unknown method(s) ${unknown.join(', ')}; known: ${adapters.map((a) => a.name).join(', ')}`);
      adapters = adapters.filter((a) => args.methods!.includes(a.name));
    }
    const peerDir = adapters.some((a) => a.needsPeer) ? findAiDevkit() : undefined;
    if (peerDir) ctx.peer = await startAiDevkit(dataset.memories, peerDir);
    else adapters = adapters.filter((a) => !a.needsPeer);
    const wf = args.wordforms ? (JSON.parse(fs.readFileSync(args.wordforms, 'utf8')) as WordFormSet) : undefined;
    const wfQueries: DatasetQuery[] = wf
      ? args.queries
        ? wf.queries.filter((q) => queries.some((b) => b.id === q.from))
        : wf.queries
      : [];
    const sets = [{ name: 'base', queries }, ...(wf ? [{ name: 'wordforms', queries: wfQueries }] : [])];
    console.log(
      `dataset  ${path.relative(ROOT, args.dataset)}: ${dataset.memories.length} memories, ${queries.length} queries (${KINDS.map((k) => `${queries.filter((q) => q.kind === k).length} ${k}`).join(', ')})`,
    );
    if (wf)
      console.log(
        `variant  ${path.relative(ROOT, args.wordforms!)}: ${wfQueries.length} of them with words in another form (${KINDS.map((k) => `${wfQueries.filter((q) => q.kind === k).length} ${k}`).join(', ')})`,
      );
    console.log(`store    fresh local file, loaded in ${(loadMs / 1000).toFixed(1)} s`);
    console.log(
      `peer     ${ctx.peer ? `@ai-devkit/memory ${ctx.peer.version} (stdio, ${peerDir}), loaded in ${(ctx.peer.loadMs / 1000).toFixed(1)} s` : 'none (install @ai-devkit/memory or set AI_DEVKIT_MEMORY_DIR)'}`,
    );
    console.log(
      `model    ${info ? `${info.modelId} (${info.dim}-d, ${args.dtype}, ${args.threads} thread(s)) from ${args.modelDir}` : 'none (--no-embed)'}`,
    );
    if (memo) {
      // Embed everything up front so per-method timings measure recall, not inference.
      await memo.embed(
        dataset.memories.map((m) => `${m.topic} ${m.summary}`),
        'passage',
      );
      const passMs = memo.embedMs;
      await memo.embed(
        [...queries, ...wfQueries].map((q) => q.text),
        'query',
      );
      console.log(
        `embed    ${dataset.memories.length} memories in ${(passMs / 1000).toFixed(1)} s, ${queries.length + wfQueries.length} queries in ${((memo.embedMs - passMs) / 1000).toFixed(1)} s`,
      );
    }
    type Result = {
      name: string;
      about: string;
      ranks: number[];
      msPerQuery: number;
      by: Record<string, Metrics>;
      byType: Record<string, Metrics>;
    };
    const results: Record<string, Result[]> = Object.fromEntries(sets.map((s) => [s.name, []]));
    for (const a of adapters) {
      await a.prepare?.(ctx);
      for (const set of sets) {
        const ranks: number[] = [];
        const t1 = performance.now();
        for (const q of set.queries) ranks.push(firstHitRank(await a.recall(q.text), new Set(q.answers), LIMIT));
        const msPerQuery = (performance.now() - t1) / set.queries.length;
        const by: Record<string, Metrics> = { all: metrics(ranks) };
        for (const k of KINDS) by[k] = metrics(ranks.filter((_, i) => set.queries[i].kind === k));
        const byType: Record<string, Metrics> = {};
        for (const t of [...new Set(set.queries.map((q) => q.type))].sort())
          byType[t] = metrics(ranks.filter((_, i) => set.queries[i].type === t));
        results[set.name].push({ name: a.name, about: a.about, ranks, msPerQuery, by, byType });
      }
    }
    for (const set of sets) {
      console.log(
        `\n${set.name} queries (${set.queries.length}): hit@1 and hit@5 in %, MRR@10; columns: all queries, then per kind\n`,
      );
      console.log(table(results[set.name], ['all', ...KINDS]));
    }
    console.log('\nmethods (ms/query on the base set):');
    for (const r of results.base)
      console.log(`  ${r.name.padEnd(19)} ${r.msPerQuery.toFixed(2).padStart(6)} ms/query  ${r.about}`);

    const comparisons: Record<string, ReturnType<typeof pairedMrr> & { kind: string; set: string }> = {};
    const pairs: [string, string][] = [
      ['keyword', 'peer-ai-devkit'],
      ['keyword', 'kw-before'],
      ['kw-before', 'peer-ai-devkit'],
      ['rrf', 'weighted-minmax'],
      ['weighted-minmax', 'weighted-liftmax'],
      ['weighted-minmax', 'icm-exact'],
      ['weighted-allcos', 'weighted-minmax'],
      ['weighted-allcos', 'rrf'],
      ['rrf', 'keyword'],
      ['weighted-allcos', 'keyword'],
      ['store-rrf', 'store-weighted'],
      ['store-rrf', 'rrf'],
    ];
    const lines: string[] = [];
    for (const set of sets) {
      const get = (n: string) => results[set.name].find((r) => r.name === n);
      for (const [a, b] of pairs) {
        const ra = get(a),
          rb = get(b);
        if (!ra || !rb) continue;
        for (const kind of ['all', ...KINDS]) {
          const idx = set.queries.map((q, i) => (kind === 'all' || q.kind === kind ? i : -1)).filter((i) => i >= 0);
          const c = pairedMrr(
            idx.map((i) => ra.ranks[i]),
            idx.map((i) => rb.ranks[i]),
          );
          comparisons[`${a} vs ${b} (${set.name}, ${kind})`] = { ...c, kind, set: set.name };
          lines.push(
            `  ${set.name.padEnd(9)} ${`${a} − ${b}`.padEnd(36)} ${kind.padEnd(10)} ΔMRR ${c.diff >= 0 ? '+' : ''}${c.diff.toFixed(3)} [95% ${c.lo.toFixed(3)}, ${c.hi.toFixed(3)}]  better on ${c.wins}, worse on ${c.losses}, same ${c.ties}`,
          );
        }
      }
    }
    if (lines.length) console.log('\npaired differences (bootstrap over queries):\n' + lines.join('\n'));

    const outDir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const out = args.out
      ? path.resolve(args.out)
      : path.join(outDir, `recall-${(info?.modelId ?? 'keyword-only').replace(/[^\w.-]+/g, '_')}-${stamp}.json`);
    fs.writeFileSync(
      out,
      JSON.stringify(
        {
          dataset: {
            file: path.relative(ROOT, args.dataset),
            name: dataset.name,
            memories: dataset.memories.length,
            queries: queries.length,
          },
          wordforms: wf ? { file: path.relative(ROOT, args.wordforms!), queries: wfQueries.length } : null,
          peer: ctx.peer
            ? { name: '@ai-devkit/memory', version: ctx.peer.version, dir: peerDir, loadMs: ctx.peer.loadMs }
            : null,
          model: info ? { ...info, dtype: args.dtype, dir: args.modelDir, threads: args.threads } : null,
          timings: { loadMs, embedMs: memo?.embedMs ?? 0 },
          limit: LIMIT,
          pool: POOL,
          sets: Object.fromEntries(
            sets.map((set) => [
              set.name,
              {
                methods: results[set.name].map((r) => ({
                  name: r.name,
                  about: r.about,
                  msPerQuery: r.msPerQuery,
                  metrics: r.by,
                  metricsByFactType: r.byType,
                })),
                perQuery: {
                  ids: set.queries.map((q) => q.id),
                  kinds: set.queries.map((q) => q.kind),
                  firstHitRank: Object.fromEntries(results[set.name].map((r) => [r.name, r.ranks])),
                },
              },
            ]),
          ),
          comparisons,
        },
        null,
        1,
      ),
    );
    console.log(`\nwrote ${path.relative(ROOT, out)}`);
  } finally {
    await ctx?.peer?.close();
    await embedder?.dispose();
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
