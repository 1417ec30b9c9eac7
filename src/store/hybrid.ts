/**
 * Fusing keyword (BM25) and vector (cosine) candidates. Both fusions are monotone in each arm:
 * a stronger keyword match never scores lower than a weaker one with the same similarity
 * (ICM's `1/(1+|bm25|)` does the opposite: docs/ICM-COMPAT.md, Recall).
 */
export type Fusion = 'weighted' | 'rrf';

export interface KeywordCandidate {
  id: string;
  /** −bm25: higher is more relevant. */
  score: number;
  fullMatch: boolean;
}
export interface VectorCandidate {
  id: string;
  similarity: number;
}
export interface Fused {
  id: string;
  score: number;
  keyword?: number;
  similarity?: number;
}

export const KEYWORD_WEIGHT = 0.3;
export const VECTOR_WEIGHT = 0.7;
export const RRF_K = 60;

/**
 * weighted: 0.3 × keyword + 0.7 × cosine, the keyword score put on [0, 1] by dividing by the best
 * in the candidate set, after lifting full matches (every term) above partial ones, as the keyword
 * arm orders them. rrf: Σ 1/(60 + rank) over the arms a memory appears in.
 */
export function fuse(
  keyword: KeywordCandidate[],
  vector: VectorCandidate[],
  fusion: Fusion = 'weighted',
  /** Cosine of keyword candidates outside the vector top-k (weighted fusion uses it: measured +0.2 MRR). */
  similarityOf?: ReadonlyMap<string, number>,
): Fused[] {
  const out = new Map<string, Fused>();
  const get = (id: string) => {
    let f = out.get(id);
    if (!f) out.set(id, (f = { id, score: 0 }));
    return f;
  };
  if (fusion === 'rrf') {
    keyword.forEach((k, i) => {
      const f = get(k.id);
      f.keyword = k.score;
      f.score += 1 / (RRF_K + i + 1);
    });
    vector.forEach((v, i) => {
      const f = get(v.id);
      f.similarity = v.similarity;
      f.score += 1 / (RRF_K + i + 1);
    });
  } else {
    const maxPartial = Math.max(0, ...keyword.map((k) => k.score));
    const adj = (k: KeywordCandidate) => Math.max(0, k.score) + (k.fullMatch ? maxPartial : 0);
    const best = Math.max(0, ...keyword.map(adj));
    for (const k of keyword) {
      const f = get(k.id);
      f.keyword = k.score;
      f.score += KEYWORD_WEIGHT * (best > 0 ? adj(k) / best : 1);
    }
    for (const v of vector) {
      const f = get(v.id);
      f.similarity = v.similarity;
      f.score += VECTOR_WEIGHT * Math.max(0, Math.min(1, v.similarity));
    }
    if (similarityOf) {
      for (const k of keyword) {
        const f = get(k.id);
        const sim = similarityOf.get(k.id);
        if (f.similarity === undefined && sim !== undefined) {
          f.similarity = sim;
          f.score += VECTOR_WEIGHT * Math.max(0, Math.min(1, sim));
        }
      }
    }
  }
  return [...out.values()].sort((a, b) => b.score - a.score);
}
