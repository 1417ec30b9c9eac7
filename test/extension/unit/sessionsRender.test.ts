/**
 * The session document and labels (src/extension/sessions/render.ts) under plain Node: message text
 * stays inside its fence whatever backticks it holds, one-line fields are escaped, headings are
 * found by message id, long sessions say where the rest is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ago,
  DOC_PAGE,
  escapeIcons,
  escapeMarkdown,
  fenceFor,
  MAX_MESSAGE_CHARS,
  messageLabel,
  renderSession,
  snippet,
} from '../../../src/extension/sessions/render';
import type { Message, SessionSummary } from '../../../src/store';

const session = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  id: '01JSESSION0000000000000000',
  agent: 'claude-code',
  project: 'mnemos',
  startedAt: '2026-12-05T10:00:00.000+00:00',
  updatedAt: '2026-12-05T10:05:00.000+00:00',
  metadata: '{}',
  messageCount: 2,
  firstPrompt: 'hello',
  ...over,
});
const msg = (id: string, content: string, over: Partial<Message> = {}): Message => ({
  id,
  sessionId: '01JSESSION0000000000000000',
  role: 'user',
  content,
  toolName: null,
  tokens: null,
  ts: '2026-12-05T10:01:00.000+00:00',
  metadata: '{}',
  ...over,
});

/** The text between each fence opening and its closing line (CommonMark: a closing fence is at least as long). */
function fencedBodies(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})text$/.exec(lines[i]);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\`{${open[1].length},}\\s*$`).test(lines[j])) body.push(lines[j++]);
    out.push(body.join('\n'));
    i = j;
  }
  return out;
}

test('hostile message text stays inside its fence, verbatim', () => {
  const hostile = [
    '```\n# injected heading\n```',
    '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> <script>alert(1)</script>',
    '````````` ten backticks ``````````',
  ];
  const r = renderSession(
    session({ messageCount: 3 }),
    hostile.map((c, i) => msg(`m${i}`, c)),
  );
  assert.deepEqual(fencedBodies(r.text), hostile);
  // Outside the fences nothing of it appears.
  let outside = r.text;
  for (const b of hostile) outside = outside.replace(b, '');
  assert.doesNotMatch(outside, /injected|onerror|command:|<script/);
});

test('one-line fields are escaped: no link, HTML, emphasis or autolink from agent, project, tool or id', () => {
  const r = renderSession(
    session({ agent: '[x](command:evil) <b>', project: 'https://evil.example/*p*', id: '`id`' }),
    [msg('m1', 'ok', { role: 'tool', toolName: '![img](http://x/y.png)' })],
  );
  const header = r.text.split('\n').slice(0, 3).join('\n');
  assert.match(header, /\\\[x\\\]\(command\\:evil\) \\<b\\>/);
  assert.match(header, /https\\:\/\/evil\.example\/\\\*p\\\*/);
  assert.match(r.text, /## 1\. tool \(\\!\\\[img\\\]\(http\\:\/\/x\/y\.png\)\)/);
  assert.equal(escapeMarkdown('a_b*c`d'), 'a\\_b\\*c\\`d');
  assert.equal(fenceFor('no ticks'), '```');
  assert.equal(fenceFor('a ````` b'), '``````');
});

test('headings are found by message id; pages and long messages say where the rest is', () => {
  const ms = [msg('a', 'one\ntwo\r\nthree\rfour'), msg('b', 'two', { role: 'assistant', tokens: 12 })];
  const r = renderSession(session({ messageCount: 1200 }), ms, DOC_PAGE);
  const lines = r.text.split('\n');
  assert.match(lines[r.lines.get('a')!], /^## 501\. user · /);
  assert.match(lines[r.lines.get('b')!], /^## 502\. assistant · .* · 12 tokens$/);
  assert.match(r.text, /showing 501–502/);
  assert.match(r.text, /Messages 1–500 are on earlier pages/);
  assert.match(r.text, /698 more messages on later pages/);
  const long = renderSession(session({ messageCount: 1 }), [msg('x', 'y'.repeat(MAX_MESSAGE_CHARS + 7))]);
  assert.match(long.text, /7 more characters not shown/);
});

test('labels, snippets, icons and times', () => {
  assert.equal(messageLabel(msg('a', 'line one\nline two')), 'user: line one line two');
  assert.equal(messageLabel(msg('a', '', { role: 'tool', toolName: 'bash' })), 'tool (bash): (empty)');
  assert.equal(escapeIcons('$(zap) run $(trash)'), '\\$(zap) run \\$(trash)');
  const text = 'x'.repeat(200) + ' the needle is here ' + 'y'.repeat(200);
  assert.match(snippet(text, 'needle'), /^….*needle is here/);
  assert.equal(snippet('short text', 'text'), 'short text');
  const now = Date.parse('2026-12-05T12:00:00Z');
  assert.equal(ago('2026-12-05T11:59:30Z', now), 'just now');
  assert.equal(ago('2026-12-05T11:00:00Z', now), '1 hour ago');
  assert.equal(ago('2026-12-03T12:00:00Z', now), '2 days ago');
  assert.equal(ago('not a time', now), 'at an unknown time');
});
