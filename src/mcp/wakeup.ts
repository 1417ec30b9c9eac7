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

export function wakeUpScore(
  m: Pick<Memory, 'createdAt' | 'lastAccessed' | 'weight' | 'importance'>,
  now: number,
): number {
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

/** What ranking needs of a memory: its text is read only for the few that are packed. */
type Rankable = Pick<Memory, 'id' | 'topic' | 'importance' | 'createdAt' | 'lastAccessed' | 'weight'>;

/** The pool (critical/high, preferences when asked, the project's), deduplicated, best first (ties by id). */
function rank<T extends Rankable>(candidates: readonly T[], opts: WakeUpOptions): T[] {
  const now = (opts.now ?? new Date()).getTime();
  const project = normaliseProject(opts.project);
  const includePrefs = opts.includePreferences ?? true;
  const seen = new Set<string>();
  const pool = candidates.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    const pref = isPreferenceTopic(m.topic);
    if (pref && !includePrefs) return false;
    if (!pref && m.importance !== 'critical' && m.importance !== 'high') return false;
    return passesProject(m.topic, project);
  });
  return pool
    .map((m) => ({ m, score: wakeUpScore(m, now) }))
    .sort((a, b) => b.score - a.score || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0))
    .map((x) => x.m);
}

/** The greedy fill: memories in rank order; a line that does not fit is skipped, a later shorter one may. */
class Packer {
  private readonly budget: number;
  private readonly perMemory: number;
  private used = 0;
  readonly picked = new Map<Section, string[]>();
  constructor(opts: WakeUpOptions) {
    this.budget = clampWakeUpTokens(opts.maxTokens) * 4;
    this.perMemory = Math.max(Math.floor(this.budget / 2), 200);
  }
  add(m: Memory): void {
    const line = capped(m.summary, this.perMemory);
    if (!line) return;
    const section = sectionOf(m);
    const cost = line.length + 4 + (this.picked.has(section) ? 0 : section.length + 6);
    if (this.used + cost > this.budget && this.picked.size > 0) return;
    this.used += cost;
    const lines = this.picked.get(section) ?? [];
    lines.push(line);
    this.picked.set(section, lines);
  }
  /** Whether a line at least this long (and its bullet) could still be packed; the first always is. */
  mayFit(minLineLength: number): boolean {
    return this.picked.size === 0 || Math.min(minLineLength, this.perMemory) + 4 <= this.budget - this.used;
  }
  /** No line can fit any more (the cheapest costs 5: one character and its bullet). */
  get full(): boolean {
    return this.picked.size > 0 && this.budget - this.used < 5;
  }
}

/** Pure: picks and renders the pack from candidate memories. */
export function renderWakeUp(candidates: readonly Memory[], opts: WakeUpOptions = {}): string {
  const packer = new Packer(opts);
  for (const m of rank(candidates, opts)) {
    packer.add(m);
    if (packer.full) break;
  }
  return renderPacked(packer.picked, opts);
}

function renderPacked(picked: Map<Section, string[]>, opts: WakeUpOptions): string {
  const project = normaliseProject(opts.project);
  const format = opts.format ?? 'markdown';
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

/** Candidates examined at most: the heaviest memories by weight, as ICM's `list_all` gives them. */
export const WAKE_UP_MAX_EXAMINED = 10_000;

/**
 * The pack from the store: every candidate's brief (ranking fields, no text) in one statement, ranked
 * here, then the text of the best ones only, in growing chunks, until no line can fit. Reading every
 * candidate whole cost 207 ms at 20,000 memories and grew with the store.
 */
export async function buildWakeUp(store: MnemosStore, opts: WakeUpOptions = {}): Promise<string> {
  const briefs = await store.briefs({
    importance: ['critical', 'high'],
    preferenceTopics: opts.includePreferences ?? true,
    heaviest: WAKE_UP_MAX_EXAMINED,
  });
  const ranked = rank(briefs, opts);
  const packer = new Packer(opts);
  let i = 0;
  for (let chunk = 32; i < ranked.length && !packer.full; chunk = Math.min(chunk * 2, 1024)) {
    // Only memories whose line could still fit are read: what is left of the budget only shrinks.
    const ids: string[] = [];
    for (; i < ranked.length && ids.length < chunk; i++)
      if (packer.mayFit(ranked[i].minLineLength)) ids.push(ranked[i].id);
    for (const m of await store.getMany(ids)) {
      packer.add(m);
      if (packer.full) break;
    }
  }
  return renderPacked(packer.picked, opts);
}
