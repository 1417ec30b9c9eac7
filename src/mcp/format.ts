/** ICM's text shapes for MCP tool results (icm-reference §3): compact by default, verbose on request. */
import type { RecallResult, StoreStats, TopicCount, TopicHealth } from '../store';
import { plural } from '../shared/text';

/** Untrusted text on one line, so a memory cannot fake further result lines. */
export function flatten(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = Array.from(text.slice(0, maxChars + 1))
    .slice(0, -1)
    .join('');
  return `${cut} […${text.length - cut.length} more characters]`;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** ICM's `format_local`: `%Y-%m-%d %H:%M` in the server's time zone. */
export function formatLocal(ts: string | null): string {
  if (!ts) return '-';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const RAW_SHOWN = 2000;

export function renderRecall(result: RecallResult, items: RecallResult['items'], compact: boolean): string {
  if (!items.length) return compact || !result.note ? 'No memories found.' : `No memories found.\n(${result.note})`;
  if (compact) return items.map((s) => `[${s.memory.topic}] ${flatten(s.memory.summary)}`).join('\n');
  const blocks = items.map(({ memory: m, score }) => {
    const head = result.mode === 'hybrid' ? `--- ${m.id} [score: ${score.toFixed(3)}] ---` : `--- ${m.id} ---`;
    const lines = [
      head,
      `topic: ${m.topic}`,
      `importance: ${m.importance}`,
      `weight: ${m.weight.toFixed(3)}`,
      `summary: ${m.summary}`,
    ];
    if (m.keywords.length) lines.push(`keywords: ${m.keywords.join(', ')}`);
    if (m.rawExcerpt) lines.push(`raw: ${truncate(m.rawExcerpt, RAW_SHOWN)}`);
    return lines.join('\n');
  });
  if (result.note) blocks.unshift(`(${result.note})`);
  return blocks.join('\n\n');
}

/** Unscoped topics first, then `prefix:rest` topics grouped under their prefix. */
export function renderTopics(topics: readonly TopicCount[]): string {
  if (!topics.length) return 'No topics yet.';
  const lines = ['Topics:'];
  const groups = new Map<string, TopicCount[]>();
  for (const t of topics) {
    const i = t.topic.indexOf(':');
    if (i <= 0) {
      lines.push(`  ${t.topic}: ${plural(t.count, 'memory', 'memories')}`);
      continue;
    }
    const prefix = t.topic.slice(0, i);
    const g = groups.get(prefix) ?? [];
    g.push(t);
    groups.set(prefix, g);
  }
  for (const [prefix, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`  [${prefix}] (${g.reduce((n, t) => n + t.count, 0)} total):`);
    for (const t of g) lines.push(`    ${t.topic}: ${plural(t.count, 'memory', 'memories')}`);
  }
  return lines.join('\n');
}

export function renderStats(s: StoreStats, extra: string[] = []): string {
  return [
    `Memories: ${s.totalMemories}`,
    `Topics: ${s.totalTopics}`,
    `Avg weight: ${s.avgWeight.toFixed(3)}`,
    `Oldest: ${formatLocal(s.oldestMemory)}`,
    `Newest: ${formatLocal(s.newestMemory)}`,
    ...extra,
  ].join('\n');
}

export function renderHealth(report: readonly TopicHealth[]): string {
  const lines = ['Memory Health Report:'];
  let consolidate = 0;
  let stale = 0;
  for (const h of report) {
    lines.push(`  ${h.topic}: ${h.status}`);
    lines.push(
      `    entries: ${h.entryCount}  avg_weight: ${h.avgWeight.toFixed(3)}  stale: ${h.staleCount}  avg_access: ${h.avgAccessCount.toFixed(1)}`,
    );
    if (h.needsConsolidation) consolidate++;
    stale += h.staleCount;
  }
  lines.push(
    `Summary: ${plural(report.length, 'topic', 'topics')}, ${consolidate} need consolidation, ${stale} stale entries total`,
  );
  return lines.join('\n');
}
