/**
 * Session transcripts as text for people: the read-only Markdown document, one-line labels and
 * times. Pure (no `vscode`), so it is unit-tested under plain Node. Everything an agent or a tool
 * wrote is untrusted: message text sits in a fenced block longer than any backtick run inside it,
 * and one-line fields (agent, project, tool name, id) are Markdown-escaped, so a preview renders
 * no link, image, HTML or heading from them.
 */
import { oneLine, plural } from '../../shared/text';
import type { Message, SessionSummary } from '../../store';

/** Messages per document page (a session of 10,000 messages opens at the page of the message asked for). */
export const DOC_PAGE = 500;
/** Characters of one message shown in the document; the rest is cut with a note. */
export const MAX_MESSAGE_CHARS = 50_000;

/**
 * Backslash-escapes what could start Markdown inside a line: emphasis, code, links and images,
 * HTML and autolinks, entities, tables, strike-through, and `:` so a preview's linkify sees no URL.
 * (Only for text after a prefix on its line: line-start constructs cannot occur there.)
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>!|~&:]/g, (c) => `\\${c}`);
}

/** Untrusted text in a quick pick label or description: `$(name)` would render an icon, `\$(` shows it as typed. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** A fence of backticks longer than any run inside the text (at least 3), so the text cannot close it. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** `2026-12-05 10:02` in local time; the stored text when it is not a time. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return oneLine(iso, 40);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `just now`, `5 minutes ago`, `2 days ago`, `3 months ago`. */
export function ago(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return 'at an unknown time';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86_400, 'day'],
    [30 * 86_400, 'month'],
    [365 * 86_400, 'year'],
  ];
  let i = 0;
  while (i + 1 < units.length && s >= units[i + 1][0]) i++;
  return `${plural(Math.floor(s / units[i][0]), units[i][1])} ago`;
}

export function sessionTitle(s: Pick<SessionSummary, 'agent' | 'project'>): string {
  return `${oneLine(s.agent || 'unknown agent', 60)} · ${s.project ? oneLine(s.project, 60) : 'no project'}`;
}

export function messageLabel(m: Pick<Message, 'role' | 'toolName' | 'content'>, max = 100): string {
  const who = m.toolName ? `${m.role} (${oneLine(m.toolName, 40)})` : m.role;
  return `${who}: ${oneLine(m.content, max) || '(empty)'}`;
}

/** A one-line piece of the text around the first of the query's words, for a search result. */
export function snippet(text: string, query: string, max = 120): string {
  const flat = oneLine(text, 100_000);
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !['and', 'or', 'not'].includes(w));
  const lower = flat.toLowerCase();
  let at = -1;
  for (const w of words) {
    const i = lower.indexOf(w);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at <= 40) return oneLine(flat, max);
  return '…' + oneLine(flat.slice(at - 30), max - 1);
}

export interface RenderedSession {
  text: string;
  /** 0-based line of each message's heading, by message id. */
  lines: Map<string, number>;
}

/**
 * The document for one page of a session: a header, then each message as a heading (number, role,
 * tool, time) and its text in a fence. `start` is the index of `messages[0]` in the session.
 */
export function renderSession(s: SessionSummary, messages: Message[], start = 0): RenderedSession {
  const out: string[] = [];
  const lines = new Map<string, number>();
  // A message body is one element holding many lines: count real lines for the heading positions.
  let lineCount = 0;
  const push = (...parts: string[]) => {
    for (const p of parts) {
      out.push(p);
      lineCount += 1 + (p.match(/\n/g)?.length ?? 0);
    }
  };
  const esc = (v: string, max = 200) => escapeMarkdown(oneLine(v, max));
  push(`# Session: ${esc(s.agent || 'unknown agent', 80)} · ${s.project ? esc(s.project, 80) : 'no project'}`, '');
  push(`- id: ${esc(s.id)}`);
  push(`- started: ${esc(shortTime(s.startedAt))} · last activity: ${esc(shortTime(s.updatedAt))}`);
  const end = start + messages.length;
  const shown = messages.length && (start > 0 || end < s.messageCount) ? ` (showing ${start + 1}–${end})` : '';
  push(`- ${plural(s.messageCount, 'message')}${shown}`);
  if (s.metadata && s.metadata !== '{}') push(`- metadata: ${esc(s.metadata, 500)}`);
  push('', 'Read-only: the text below is what the agent and its tools wrote, shown as text.', '');
  if (start > 0) push(`*Messages 1–${start} are on earlier pages.*`, '');
  messages.forEach((m, i) => {
    push('---', '');
    lines.set(m.id, lineCount);
    const tool = m.toolName ? ` (${esc(m.toolName, 80)})` : '';
    const tokens = m.tokens != null ? ` · ${plural(m.tokens, 'token')}` : '';
    push(`## ${start + i + 1}. ${m.role}${tool} · ${esc(shortTime(m.ts))}${tokens}`, '');
    let body = m.content;
    let cut = '';
    if (body.length > MAX_MESSAGE_CHARS) {
      cut = `*${body.length - MAX_MESSAGE_CHARS} more characters not shown.*`;
      body = body.slice(0, MAX_MESSAGE_CHARS);
    }
    const f = fenceFor(body);
    push(f + 'text', body.replace(/\r\n?/g, '\n'), f, '');
    if (cut) push(cut, '');
  });
  if (!messages.length) push(s.messageCount ? '*No messages on this page.*' : '*No messages yet.*', '');
  if (end < s.messageCount) push('---', '', `*${plural(s.messageCount - end, 'more message')} on later pages.*`);
  return { text: out.join('\n') + '\n', lines };
}
