/**
 * What the CLI prints. Memory text is untrusted (agents write it), so text output never lets it
 * drive the terminal: control characters and bidi overrides are shown escaped. JSON output has a
 * fixed shape per command (docs/CLI.md) built here from store objects, field by field.
 */
import type { Memory, ScoredMemory, TopicHealth } from '../store';
import { oneLine, plural } from '../shared/text';

// C0 controls but \n and \t, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex -- a sanitiser: the control characters are what it matches
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapeChar = (c: string) => {
  const n = c.codePointAt(0)!;
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
};

/** Safe to print on a terminal; keeps newlines and tabs. */
export function safeText(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** JSON with the C1 controls and separators escaped too (JSON.stringify leaves them raw). */
export function jsonLine(v: unknown, pretty = false): string {
  return JSON.stringify(v, null, pretty ? 2 : undefined).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The documented JSON shape of one memory (stable key order). */
export function memoryJson(m: Memory) {
  return {
    id: m.id,
    topic: m.topic,
    summary: m.summary,
    importance: m.importance,
    keywords: m.keywords,
    rawExcerpt: m.rawExcerpt,
    weight: m.weight,
    accessCount: m.accessCount,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    lastAccessed: m.lastAccessed,
    sourceType: m.sourceType,
    sourceData: m.sourceData,
    relatedIds: m.relatedIds,
  };
}

export function scoredJson(s: ScoredMemory) {
  return { score: s.score, fullMatch: s.fullMatch, memory: memoryJson(s.memory) };
}

export function healthJson(h: TopicHealth) {
  return {
    topic: h.topic,
    entryCount: h.entryCount,
    avgWeight: h.avgWeight,
    avgAccessCount: h.avgAccessCount,
    oldest: h.oldest,
    newest: h.newest,
    lastAccessed: h.lastAccessed,
    needsConsolidation: h.needsConsolidation,
    staleCount: h.staleCount,
    status: h.status,
  };
}

/** `2026-06-13 23:53` in local time, as ICM displays timestamps; the raw text if unparseable. */
export function localTime(ts: string | null | undefined): string {
  if (!ts) return '-';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return safeText(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `01J8…  [topic] summary` — the list/recall line (importance shown when not medium). */
export function memoryLine(m: Memory): string {
  const imp = m.importance === 'medium' ? '' : ` (${m.importance})`;
  return `${m.id}  [${safeText(oneLine(m.topic, 80))}]${imp} ${safeText(oneLine(m.summary))}`;
}

/** Every field of one memory, for `get` / `update`. */
export function memoryDetail(m: Memory): string {
  const indent = (s: string) =>
    safeText(s)
      .split('\n')
      .map((l) => '  ' + l)
      .join('\n');
  const source = m.sourceData ? ' ' + safeText(oneLine(JSON.stringify(m.sourceData), 200)) : '';
  const lines = [
    `id:          ${m.id}`,
    `topic:       ${safeText(oneLine(m.topic, 300))}`,
    `importance:  ${m.importance}`,
    `weight:      ${m.weight.toFixed(3)}`,
    `keywords:    ${m.keywords.length ? m.keywords.map((k) => safeText(oneLine(k, 80))).join(', ') : '-'}`,
    `created:     ${localTime(m.createdAt)}`,
    `updated:     ${localTime(m.updatedAt)}`,
    `accessed:    ${localTime(m.lastAccessed)} (${plural(m.accessCount, 'time')})`,
    `source:      ${safeText(oneLine(m.sourceType, 40))}${source}`,
  ];
  if (m.relatedIds.length) lines.push(`related:     ${m.relatedIds.map((x) => safeText(oneLine(x, 40))).join(', ')}`);
  lines.push('summary:', indent(m.summary));
  if (m.rawExcerpt) lines.push('raw:', indent(m.rawExcerpt));
  return lines.join('\n');
}

/** Right-aligned columns for small tables. */
export function table(rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          if (i === r.length - 1 && align[i] !== 'r') return c;
          const pad = ' '.repeat(widths[i] - [...c].length);
          return align[i] === 'r' ? pad + c : c + pad;
        })
        .join('  '),
    )
    .join('\n');
}
