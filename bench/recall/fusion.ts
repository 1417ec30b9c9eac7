// Reference fusions of a keyword (BM25) arm and a vector (cosine) arm, and the ranking metrics.
// Pure functions: the harness feeds them candidates from the real store and the real embedder.

export interface KeywordHit {
  id: string;
  /** −bm25 as MnemosStore.recallKeyword reports it: higher is more relevant. */
  score: number;
  /** Every query term matched (the AND arm), as opposed to some (the OR arm). */
  fullMatch: boolean;
}
export interface VectorHit {
  id: string;
  /** Cosine similarity of unit vectors, in [−1, 1]. */
  similarity: number;
}

export const RRF_K = 60;
export const ICM_KEYWORD_WEIGHT = 0.3;
export const ICM_VECTOR_WEIGHT = 0.7;

interface Scored {
  id: string;
  score: number;
  kRank: number;
  vRank: number;
}

/** Sort by score; ties go to the better keyword rank, then the better vector rank, then the id (deterministic). */
function ranked(m: Map<string, Scored>): string[] {
  return [...m.values()]
    .sort((a, b) => b.score - a.score || a.kRank - b.kRank || a.vRank - b.vRank || (a.id < b.id ? -1 : 1))
    .map((s) => s.id);
}

function union(kw: KeywordHit[], vec: VectorHit[]): Map<string, Scored> {
  const m = new Map<string, Scored>();
  kw.forEach((k, i) => m.set(k.id, { id: k.id, score: 0, kRank: i, vRank: Infinity }));
  vec.forEach((v, i) => {
    const s = m.get(v.id);
    if (s) s.vRank = i;
    else m.set(v.id, { id: v.id, score: 0, kRank: Infinity, vRank: i });
  });
  return m;
}

/** Reciprocal rank fusion: Σ 1/(k + rank) over the arms a memory appears in (rank from 1). */
export function fuseRrf(kw: KeywordHit[], vec: VectorHit[], k = RRF_K): string[] {
  const m = union(kw, vec);
  for (const s of m.values())
    s.score =
      (Number.isFinite(s.kRank) ? 1 / (k + s.kRank + 1) : 0) + (Number.isFinite(s.vRank) ? 1 / (k + s.vRank + 1) : 0);
  return ranked(m);
}

/**
 * 0.3 × keyword + 0.7 × cosine, keyword min-max normalised over the candidates (monotone: a stronger
 * BM25 match never scores lower), cosine clamped to [0, 1]; a missing arm contributes 0.
 */
export function fuseWeightedMinMax(
  kw: KeywordHit[],
  vec: VectorHit[],
  wk = ICM_KEYWORD_WEIGHT,
  wv = ICM_VECTOR_WEIGHT,
): string[] {
  const m = union(kw, vec);
  const scores = kw.map((k) => k.score);
  const lo = Math.min(...scores),
    hi = Math.max(...scores);
  for (const k of kw) m.get(k.id)!.score += wk * (hi > lo ? (k.score - lo) / (hi - lo) : 1);
  for (const v of vec) m.get(v.id)!.score += wv * clamp01(v.similarity);
  return ranked(m);
}

/**
 * The store owner's draft (src/store/hybrid.ts, uncommitted when this was written): full matches lifted
 * above partial ones by adding the best partial score, then divided by the best; same 0.3/0.7 weights.
 */
export function fuseWeightedLiftMax(
  kw: KeywordHit[],
  vec: VectorHit[],
  wk = ICM_KEYWORD_WEIGHT,
  wv = ICM_VECTOR_WEIGHT,
): string[] {
  const m = union(kw, vec);
  const maxPartial = Math.max(0, ...kw.map((k) => k.score));
  const adj = (k: KeywordHit) => Math.max(0, k.score) + (k.fullMatch ? maxPartial : 0);
  const best = Math.max(0, ...kw.map(adj));
  for (const k of kw) m.get(k.id)!.score += wk * (best > 0 ? adj(k) / best : 1);
  for (const v of vec) m.get(v.id)!.score += wv * clamp01(v.similarity);
  return ranked(m);
}

/**
 * ICM's search_hybrid exactly (icm-reference §2.3): fts_score = 1/(1+|bm25|), so the strongest lexical
 * match gets the lowest keyword score; vec_score = cosine; 0.3/0.7; missing arm 0. Its FTS arm is the
 * AND of all terms, so pass only full matches to reproduce ICM.
 */
export function fuseIcm(kw: KeywordHit[], vec: VectorHit[]): string[] {
  const m = union(kw, vec);
  for (const k of kw) m.get(k.id)!.score += ICM_KEYWORD_WEIGHT * (1 / (1 + Math.abs(k.score)));
  for (const v of vec) m.get(v.id)!.score += ICM_VECTOR_WEIGHT * v.similarity;
  return ranked(m);
}

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** Top-k by cosine over unit vectors (dot product). */
export function topKCosine(query: Float32Array, ids: string[], vectors: Float32Array[], k: number): VectorHit[] {
  const best: VectorHit[] = [];
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    let dot = 0;
    for (let j = 0; j < v.length; j++) dot += v[j] * query[j];
    if (best.length < k || dot > best[best.length - 1].similarity) {
      let at = best.length;
      while (at > 0 && best[at - 1].similarity < dot) at--;
      best.splice(at, 0, { id: ids[i], similarity: dot });
      if (best.length > k) best.pop();
    }
  }
  return best;
}

// ------------------------------------------------------------------------------------ metrics

/** 1-based rank of the first relevant id within the first `depth` results, or 0 when none is there. */
export function firstHitRank(ranking: readonly string[], relevant: ReadonlySet<string>, depth = 10): number {
  const n = Math.min(depth, ranking.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranking[i])) return i + 1;
  return 0;
}

export interface Metrics {
  n: number;
  hit1: number;
  hit5: number;
  mrr10: number;
}

/** hit@1, hit@5 and MRR@10 from first-hit ranks (0 = not in the top 10). */
export function metrics(ranks: readonly number[]): Metrics {
  const n = ranks.length;
  if (n === 0) return { n, hit1: 0, hit5: 0, mrr10: 0 };
  let h1 = 0,
    h5 = 0,
    rr = 0;
  for (const r of ranks) {
    if (r === 1) h1++;
    if (r >= 1 && r <= 5) h5++;
    if (r >= 1 && r <= 10) rr += 1 / r;
  }
  return { n, hit1: h1 / n, hit5: h5 / n, mrr10: rr / n };
}

/**
 * Paired comparison of two methods on the same queries: wins/losses by reciprocal rank and a
 * bootstrap 95% interval for the MRR@10 difference (a − b), seeded so reruns agree.
 */
export function pairedMrr(
  a: readonly number[],
  b: readonly number[],
  rounds = 2000,
  seed = 7,
): { diff: number; lo: number; hi: number; wins: number; losses: number; ties: number } {
  const rr = (r: number) => (r >= 1 && r <= 10 ? 1 / r : 0);
  const d = a.map((x, i) => rr(x) - rr(b[i]));
  const n = d.length;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const means: number[] = [];
  for (let k = 0; k < rounds; k++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += d[Math.floor(rand() * n)];
    means.push(t / n);
  }
  means.sort((x, y) => x - y);
  return {
    diff: mean(d),
    lo: means[Math.floor(rounds * 0.025)],
    hi: means[Math.floor(rounds * 0.975)],
    wins: d.filter((x) => x > 0).length,
    losses: d.filter((x) => x < 0).length,
    ties: d.filter((x) => x === 0).length,
  };
}
