/**
 * ICM's memoir texts, limits and clamps (crates/icm-mcp/src/tools.rs), pure: shared by the MCP memoir
 * tools and the `mnemos memoir` CLI, so the CLI bundle needs neither zod nor the MCP SDK.
 */
import {
  type Concept,
  formatLabel,
  type Memoir,
  type MemoirStats,
  type MemoirSummary,
  type Neighborhood,
  type PatternCluster,
} from '../store/memoirs';

export const MAX_MCP_NAME = 255;
export const MAX_MCP_TEXT = 10_000;
export const EXPORT_FORMATS = ['json', 'dot', 'ascii', 'ai'] as const;

// ------------------------------------------------------------------------------ ICM's texts

export const f2 = (x: number) => x.toFixed(2);
export const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
export const labelsText = (c: Concept) => c.labels.map(formatLabel).join(', ');

export function renderMemoirList(memoirs: readonly MemoirSummary[]): string {
  if (!memoirs.length) return 'No memoirs yet.';
  let out = 'Memoirs:\n';
  for (const m of memoirs) out += `  ${m.name} (${m.conceptCount} concepts) — ${m.description}\n`;
  return out;
}

export function renderMemoirShow(m: Memoir, stats: MemoirStats, concepts: readonly Concept[]): string {
  let out = `Memoir: ${m.name}\nDescription: ${m.description}\nConcepts: ${stats.totalConcepts}\n`;
  out += `Links: ${stats.totalLinks}\nAvg confidence: ${f2(stats.avgConfidence)}\n`;
  if (stats.labelCounts.length) {
    out += 'Labels:\n';
    for (const { label, count } of stats.labelCounts) out += `  ${label} (${count})\n`;
  }
  if (concepts.length) {
    out += '\nConcepts:\n';
    for (const c of concepts) {
      const labels = labelsText(c);
      out += `  ${c.name} [r${c.revision} c${f2(c.confidence)}]${labels ? ` (${labels})` : ''}\n    ${c.definition}\n`;
    }
  }
  return out;
}

/** Search hits as ICM prints them; with `memoirName`, ICM's search_all form `name (memoir)`. */
export function renderConceptHits(hits: readonly (Concept & { memoirName?: string })[]): string {
  if (!hits.length) return 'No concepts found.';
  let out = '';
  for (const c of hits) {
    const where = c.memoirName === undefined ? '' : ` (${c.memoirName})`;
    out += `--- ${c.name}${where} [r${c.revision} c${f2(c.confidence)}] ---\n  ${c.definition}\n`;
    const labels = labelsText(c);
    if (labels) out += `  labels: ${labels}\n`;
    out += '\n';
  }
  return out;
}

export function renderInspect(c: Concept, hood: Neighborhood, depth: number): string {
  let out = `Concept: ${c.name}\n  id: ${c.id}\n  definition: ${c.definition}\n`;
  out += `  confidence: ${f2(c.confidence)}\n  revision: ${c.revision}\n`;
  const labels = labelsText(c);
  if (labels) out += `  labels: ${labels}\n`;
  if (!hood.links.length) return out + '\n(no links)\n';
  const names = new Map(hood.concepts.map((n) => [n.id, n.name]));
  out += `\nGraph (depth=${depth}):\n`;
  for (const l of hood.links)
    out += `  ${names.get(l.sourceId) ?? '?'} --${l.relation}--> ${names.get(l.targetId) ?? '?'}\n`;
  return out;
}

export function renderPatterns(
  topic: string,
  minClusterSize: number,
  clusters: readonly PatternCluster[],
  made?: { memoir: string; concepts: readonly { id: string; action: string }[] },
): string {
  if (!clusters.length) return `No patterns detected in topic '${topic}' (min cluster size: ${minClusterSize}).`;
  let out = `Detected ${clusters.length} pattern(s) in topic '${topic}':\n\n`;
  clusters.forEach((cl, i) => {
    out += `Pattern ${i + 1}: ${cl.count} memories\n  Keywords: ${cl.keywords.join(', ')}\n`;
    out += `  Representative: ${cl.representativeSummary}\n`;
    const c = made?.concepts[i];
    if (c) out += `  -> ${c.action === 'created' ? 'Created' : 'Refined'} concept: ${c.id}\n`;
    out += '\n';
  });
  if (made) out += `Created ${clusters.length} concept(s) in memoir '${made.memoir}'.\n`;
  return out;
}

/** ICM's over-long check (it counts bytes and calls them chars). */
export function tooLong(what: string, v: string, max: number): string | undefined {
  const n = bytes(v);
  return n > max ? `${what} too long: ${n} chars (max ${max})` : undefined;
}

/** ICM's `get_i64(key, default).clamp(min, max)`: a non-integer is the default. */
export function icmInt(v: number | undefined, dflt: number, min: number, max: number): number {
  const n = typeof v === 'number' && Number.isSafeInteger(v) ? v : dflt;
  return Math.min(max, Math.max(min, n));
}

export const learnText = (r: { projectName: string; totalConcepts: number; linkCount: number; memoirId: string }) =>
  `Learned ${r.projectName}: ${r.totalConcepts} concepts, ${r.linkCount} links (memoir: ${r.memoirId})`;
