/** ICM's pattern detection (`detect_patterns`, `extract_pattern_as_concept`), on memories read by the caller. */
import type { Label } from './model';

/** What distill and extract-patterns need of a memory. */
export interface TopicMemory {
  id: string;
  summary: string;
  keywords: string[];
  weight: number;
}

/** Reads a topic's memories, highest weight first (ICM's `get_by_topic` order). */
export type TopicMemoryReader = (topic: string) => Promise<TopicMemory[]>;

export interface PatternCluster {
  /** Summary of the cluster's highest-weight memory. */
  representativeSummary: string;
  memoryIds: string[];
  /** Every keyword of the cluster, first spelling kept (case-insensitive union). */
  keywords: string[];
  count: number;
}

export const JACCARD_THRESHOLD = 0.5;

/** Keyword-set Jaccard > 0.5 joins two memories; union-find clusters of ≥ minClusterSize, largest first. */
export function detectPatterns(memories: readonly TopicMemory[], minClusterSize: number): PatternCluster[] {
  if (memories.length < minClusterSize) return [];
  const sets = memories.map((m) => new Set(m.keywords.map((k) => k.toLowerCase())));
  const parent = memories.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let i = 0; i < memories.length; i++) {
    for (let j = i + 1; j < memories.length; j++) {
      if (!sets[i].size && !sets[j].size) continue;
      let inter = 0;
      for (const k of sets[i]) if (sets[j].has(k)) inter++;
      const union = sets[i].size + sets[j].size - inter;
      if (union > 0 && inter / union > JACCARD_THRESHOLD) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[a] = b;
      }
    }
  }
  const groups = new Map<number, number[]>();
  memories.forEach((_, i) => {
    const r = find(i);
    groups.set(r, [...(groups.get(r) ?? []), i]);
  });
  const out: PatternCluster[] = [];
  for (const idx of groups.values()) {
    if (idx.length < minClusterSize) continue;
    // ICM's max_by keeps the last of equal weights.
    let best = idx[0];
    for (const i of idx) if (memories[i].weight >= memories[best].weight) best = i;
    const seen = new Set<string>();
    const keywords: string[] = [];
    for (const i of idx) {
      for (const k of memories[i].keywords) {
        if (!seen.has(k.toLowerCase())) {
          seen.add(k.toLowerCase());
          keywords.push(k);
        }
      }
    }
    out.push({
      representativeSummary: memories[best].summary,
      memoryIds: idx.map((i) => memories[i].id),
      keywords,
      count: idx.length,
    });
  }
  return out.sort((a, b) => b.count - a.count);
}

/** The concept ICM makes of a cluster. */
export function patternConcept(c: PatternCluster): {
  name: string;
  definition: string;
  confidence: number;
  labels: Label[];
} {
  return {
    name: c.keywords.length ? c.keywords.slice(0, 3).join('-') : `pattern-${c.memoryIds[0].slice(0, 8)}`,
    definition: `${c.representativeSummary} (pattern detected across ${c.count} memories)`,
    confidence: Math.min(0.5 + c.count * 0.05, 0.9),
    labels: c.keywords.slice(0, 5).map((k) => ({ namespace: 'pattern', value: k })),
  };
}
