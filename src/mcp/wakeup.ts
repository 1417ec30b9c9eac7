/**
 * The wake-up pack (ICM's `icm_wake_up`, icm-reference §2.6): the critical and high memories plus
 * preferences, scored by importance × recency × weight, grouped into fixed sections, within a
 * character budget, byte-stable for the same data (prompt caching).
 */
import type { Importance, Memory, MnemosStore } from '../store';
import { oneLine } from '../shared/text';
import { isPreferenceTopic, normaliseProject, passesProject } from './match';

export const WAKE_UP_DEFAULT_TOKENS = 200;
export const WAKE_UP_MIN_TOKENS = 20;
export const WAKE_UP_MAX_TOKENS = 4000;

export interface WakeUpOptions {
  project?: string;
  maxTokens?: number;
  format?: 'markdown' | 'plain';
  includePreferences?: boolean;
  now?: Date;
}

export const SECTIONS = [
  'Identity & preferences',
  'Critical decisions',
  'Active constraints',
  'Recent errors resolved',
  'Milestones',
  'Project context',
] as const;
export type Section = (typeof SECTIONS)[number];

const IMPORTANCE_WEIGHT: Record<Importance, number> = { critical: 10, high: 5, medium: 2, low: 0.5 };
const DAY_MS = 86_400_000;

function time(ts: string, fallback: number): number {
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : fallback;
}

export function wakeUpScore(m: Memory, now: number): number {
  const seen = Math.max(time(m.createdAt, now), time(m.lastAccessed, now));
  const days = Math.max(0, (now - seen) / DAY_MS);
  const recency = 1 / (1 + days / 30);
  const weight = Number.isFinite(m.weight) ? m.weight : 1;
  return IMPORTANCE_WEIGHT[m.importance] * recency * Math.max(weight, 0.01);
}

export function sectionOf(m: Memory): Section {
  const topic = m.topic.toLowerCase();
  const summary = m.summary.toLowerCase();
  const start = summary.trimStart();
  if (isPreferenceTopic(m.topic)) return 'Identity & preferences';
  if (topic.includes('decision') || summary.includes('decided ') || summary.includes('chose '))
    return 'Critical decisions';
  if (
    topic.includes('constraint') ||
    topic.includes('rule') ||
    topic.includes('convention') ||
    /^(always|never|must) /.test(start)
  ) {
    return 'Active constraints';
  }
  if (topic.includes('error') || topic.includes('bug') || start.startsWith('fixed ')) return 'Recent errors resolved';
  if (topic.includes('milestone') || topic.includes('release') || summary.includes('shipped')) return 'Milestones';
  return 'Project context';
}

/** ICM's cut: at most `max` characters of the text, then ` […]` (the marker is not counted in `max`). */
const MARKER = ' […]';
const capped = (text: string, max: number) => oneLine(text, max + MARKER.length, MARKER);

export function clampWakeUpTokens(v: number | undefined): number {
  if (v === undefined || !Number.isFinite(v)) return WAKE_UP_DEFAULT_TOKENS;
  return Math.min(WAKE_UP_MAX_TOKENS, Math.max(WAKE_UP_MIN_TOKENS, Math.floor(v)));
}

/** Pure: picks and renders the pack from candidate memories. */
export function renderWakeUp(candidates: readonly Memory[], opts: WakeUpOptions = {}): string {
  const now = (opts.now ?? new Date()).getTime();
  const project = normaliseProject(opts.project);
  const includePrefs = opts.includePreferences ?? true;
  const format = opts.format ?? 'markdown';
  const budget = clampWakeUpTokens(opts.maxTokens) * 4;
  const perMemory = Math.max(Math.floor(budget / 2), 200);

  const seen = new Set<string>();
  const pool = candidates.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    const pref = isPreferenceTopic(m.topic);
    if (pref && !includePrefs) return false;
    if (!pref && m.importance !== 'critical' && m.importance !== 'high') return false;
    return passesProject(m.topic, project);
  });
  const scored = pool
    .map((m) => ({ m, score: wakeUpScore(m, now) }))
    .sort((a, b) => b.score - a.score || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0));

  const picked = new Map<Section, string[]>();
  let used = 0;
  for (const { m } of scored) {
    const line = capped(m.summary, perMemory);
    if (!line) continue;
    const section = sectionOf(m);
    const cost = line.length + 4 + (picked.has(section) ? 0 : section.length + 6);
    if (used + cost > budget && picked.size > 0) continue;
    used += cost;
    const lines = picked.get(section) ?? [];
    lines.push(line);
    picked.set(section, lines);
  }

  if (!picked.size) {
    const hint =
      'No critical or high-importance memories yet. Store decisions, preferences and resolved errors with icm_memory_store.';
    return format === 'plain' ? hint : `# Mnemos Wake-up (empty)\n\n${hint}`;
  }
  const out: string[] = [];
  const title = project ? `# Mnemos Wake-up (project: ${capped(project, 100)})` : '# Mnemos Wake-up';
  if (format === 'markdown') out.push(title, '');
  for (const section of SECTIONS) {
    const lines = picked.get(section);
    if (!lines) continue;
    out.push(format === 'markdown' ? `## ${section}` : `[${section}]`);
    for (const l of lines) out.push(`- ${l}`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/** Reads the candidates (critical/high, plus every preference topic) page by page: no 10,000 cap. */
export async function wakeUpCandidates(store: MnemosStore, includePreferences = true): Promise<Memory[]> {
  const out: Memory[] = [];
  for await (const m of store.iterate({ importance: ['critical', 'high'] })) out.push(m);
  if (includePreferences) {
    const prefTopics = (await store.topics()).filter((t) => isPreferenceTopic(t.topic));
    for (const { topic } of prefTopics) {
      for await (const m of store.iterate({ topic })) {
        // `topic*` is a prefix filter in the store; keep exact matches only.
        if (m.topic === topic && m.importance !== 'critical' && m.importance !== 'high') out.push(m);
      }
    }
  }
  return out;
}

export async function buildWakeUp(store: MnemosStore, opts: WakeUpOptions = {}): Promise<string> {
  return renderWakeUp(await wakeUpCandidates(store, opts.includePreferences ?? true), opts);
}
