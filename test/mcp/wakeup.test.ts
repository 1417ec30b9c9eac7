/** The wake-up pack's rules (ICM's wake_up tests, icm-reference §5.3), on the pure renderer and a real store. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Importance, type Memory, openStore } from '../../src/store';
import { isPreferenceTopic, projectMatches } from '../../src/mcp/match';
import { buildWakeUp, renderWakeUp, sectionOf, wakeUpScore } from '../../src/mcp/wakeup';

const NOW = new Date('2026-06-01T12:00:00.000+00:00');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString().replace('Z', '+00:00');
let seq = 0;
function mem(topic: string, summary: string, importance: Importance = 'high', extra: Partial<Memory> = {}): Memory {
  const ts = daysAgo(0);
  seq++;
  return {
    id: `01HZZZZZZZZZZZZZZZZZZZZ${String(seq).padStart(3, '0')}`,
    createdAt: ts,
    updatedAt: ts,
    lastAccessed: ts,
    accessCount: 0,
    weight: 1,
    topic,
    summary,
    rawExcerpt: null,
    keywords: [],
    importance,
    sourceType: 'manual',
    sourceData: null,
    relatedIds: [],
    ...extra,
  };
}
const bullets = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('- '))
    .map((l) => l.slice(2));
const render = (ms: Memory[], o: Parameters<typeof renderWakeUp>[1] = {}) => renderWakeUp(ms, { now: NOW, ...o });

test('low and medium memories are left out unless they are preferences', () => {
  const out = render([
    mem('context-x', 'medium fact', 'medium'),
    mem('context-x', 'low fact', 'low'),
    mem('preferences', 'medium pref', 'medium'),
    mem('context-x', 'high fact'),
  ]);
  assert.deepEqual(bullets(out).sort(), ['high fact', 'medium pref']);
});

test('critical outranks high at the same age; ties break by id, so the pack is byte-stable', () => {
  const a = mem('context-x', 'high one');
  const b = mem('context-x', 'critical one', 'critical');
  const c = mem('context-x', 'high two');
  assert.deepEqual(bullets(render([a, b, c])), ['critical one', 'high one', 'high two']);
  assert.equal(render([c, b, a]), render([a, b, c]));
});

test('recency counts from the later of creation and last access', () => {
  const old = mem('context-x', 'old but just used', 'high', { createdAt: daysAgo(300), lastAccessed: daysAgo(0) });
  const stale = mem('context-x', 'old and unused', 'high', { createdAt: daysAgo(300), lastAccessed: daysAgo(300) });
  assert.ok(
    wakeUpScore(old, NOW.getTime()) > wakeUpScore(stale, NOW.getTime()),
    'a recent access keeps a memory fresh',
  );
  assert.equal(wakeUpScore(stale, NOW.getTime()), 5 * (1 / (1 + 300 / 30)));
});

test("memories fall into ICM's categories, rendered in fixed order", () => {
  assert.equal(sectionOf(mem('user-profile', 'x')), 'Identity & preferences');
  assert.equal(sectionOf(mem('notes', 'We decided to ship weekly')), 'Critical decisions');
  assert.equal(sectionOf(mem('team-conventions', 'x')), 'Active constraints');
  assert.equal(sectionOf(mem('notes', 'Never push to main')), 'Active constraints');
  assert.equal(sectionOf(mem('bugs', 'x')), 'Recent errors resolved');
  assert.equal(sectionOf(mem('notes', 'Fixed the leak')), 'Recent errors resolved');
  assert.equal(sectionOf(mem('notes', 'v2 shipped to users')), 'Milestones');
  assert.equal(sectionOf(mem('notes', 'The API lives in /api')), 'Project context');
  const out = render([mem('notes', 'The API lives in /api', 'critical'), mem('preferences', 'Tabs', 'low')]);
  assert.ok(out.indexOf('## Identity & preferences') < out.indexOf('## Project context'), out);
});

test('preference topics have variants, and preferences pass every project filter', () => {
  for (const t of [
    'preferences',
    'identity',
    'preferences-editor',
    'preferences.ui',
    'user-style',
    'user.name',
    'my-preference-list',
  ]) {
    assert.ok(isPreferenceTopic(t), t);
  }
  assert.ok(!isPreferenceTopic('users-table'), 'users-table is not a preference topic');
  const out = render(
    [mem('preferences', 'Short answers'), mem('decisions-web', 'web decision'), mem('decisions-api', 'api decision')],
    { project: 'web' },
  );
  assert.deepEqual(bullets(out).sort(), ['Short answers', 'web decision']);
  assert.match(out, /^# Mnemos Wake-up \(project: web\)\n/);
});

test('project matching is segment-aware: icm matches decisions-icm-core, not icmp-notes', () => {
  assert.ok(projectMatches('decisions-icm-core', 'icm'), 'segment match');
  assert.ok(!projectMatches('icmp-notes', 'icm'), 'no substring match');
  assert.ok(projectMatches('context:My_App/web', 'my-app'), 'separators are interchangeable');
  const out = render([mem('decisions-icm-core', 'yes'), mem('icmp-notes', 'no')], { project: 'icm' });
  assert.deepEqual(bullets(out), ['yes']);
});

test('include_preferences=false drops preference topics; "" and "-" mean no project', () => {
  const ms = [mem('preferences', 'pref', 'critical'), mem('decisions-a', 'dec')];
  assert.deepEqual(bullets(render(ms, { includePreferences: false })), ['dec']);
  assert.equal(render(ms, { project: '' }), render(ms, { project: '-' }));
  assert.match(render(ms, { project: '-' }), /^# Mnemos Wake-up\n/);
});

test('the token budget is respected, yet at least one entry is always included', () => {
  const ms = Array.from({ length: 50 }, (_, i) => mem('context-x', `fact ${i} ${'lorem '.repeat(10)}`));
  const small = render(ms, { maxTokens: 20 });
  assert.equal(bullets(small).length, 1);
  const out = render(ms, { maxTokens: 200 });
  assert.ok(out.length <= 200 * 4 + 30, `${out.length} chars for 800`);
  assert.ok(bullets(out).length > 5, 'the budget is used');
});

test('a long summary is truncated with a marker, safely on multibyte text', () => {
  const long = '日本語のテキスト🙂'.repeat(200);
  const out = render([mem('context-x', long)], { maxTokens: 20 });
  const [line] = bullets(out);
  assert.ok(line.endsWith(' […]'), 'marker');
  assert.equal(Array.from(line.slice(0, -4)).length, 200, 'cut at the 200-character per-memory floor');
  assert.ok(!/[\uD800-\uDBFF]$/.test(line.slice(0, -4)), 'no half surrogate pair');
});

test('multi-line summaries are flattened so one memory is one bullet', () => {
  const out = render([mem('context-x', 'line one\n\n  line two\r\n- fake bullet')]);
  assert.deepEqual(bullets(out), ['line one line two - fake bullet']);
});

test('markdown has a title and ## sections; plain has [section] headers and no title', () => {
  const ms = [mem('decisions-x', 'chose Rust')];
  assert.equal(render(ms), '# Mnemos Wake-up\n\n## Critical decisions\n- chose Rust');
  assert.equal(render(ms, { format: 'plain' }), '[Critical decisions]\n- chose Rust');
  assert.match(render([], { format: 'markdown' }), /^# Mnemos Wake-up \(empty\)\n\nNo critical/);
  assert.doesNotMatch(render([], { format: 'plain' }), /#/);
});

test('the store-backed pack reads preferences of any importance, and only critical/high memories otherwise', async () => {
  const s = await openStore({ mode: 'local', path: ':memory:' });
  try {
    await s.storeMany(
      Array.from({ length: 30 }, (_, i) => ({
        topic: 'context-x',
        summary: `medium ${i}`,
        importance: 'medium' as const,
      })),
    );
    await s.store({ topic: 'preferences', summary: 'Low-importance preference still shows', importance: 'low' });
    await s.store({ topic: 'decisions-x', summary: 'The one critical decision', importance: 'critical' });
    await s.store({ topic: 'bugs', summary: 'A high bug fix', importance: 'high' });
    const out = await buildWakeUp(s, { maxTokens: 4000 });
    assert.equal(
      out,
      '# Mnemos Wake-up\n\n## Identity & preferences\n- Low-importance preference still shows\n\n## Critical decisions\n- The one critical decision\n\n## Recent errors resolved\n- A high bug fix',
    );
  } finally {
    await s.close();
  }
});

test('the store-backed pack (briefs ranked, then only the best read whole) equals the pack over every memory', async () => {
  const s = await openStore({ mode: 'local', path: ':memory:' });
  try {
    const importances: Importance[] = ['critical', 'high', 'medium', 'low'];
    // Long and short summaries interleaved: once the budget is nearly spent, long lines are skipped and a
    // later short one still fits, so the store path must read on past the first line that did not fit.
    await s.storeMany(
      Array.from({ length: 400 }, (_, i) => ({
        topic: ['decisions-x', 'bugs-x', 'preferences', 'context-y', 'user-z'][i % 5],
        summary: i % 7 === 0 ? `short ${i}` : `memory ${i} ${'with quite a long tail of words '.repeat(1 + (i % 4))}`,
        importance: importances[i % 4],
      })),
    );
    await s.sql(`UPDATE memories SET weight = 0.2 + (rowid % 9) / 10.0`);
    const all: Memory[] = [];
    for await (const m of s.iterate({})) all.push(m);
    for (const o of [
      { maxTokens: 20 },
      { maxTokens: 200 },
      { maxTokens: 4000 },
      { maxTokens: 200, project: 'x' },
      { maxTokens: 300, includePreferences: false },
      { maxTokens: 200, format: 'plain' as const },
    ]) {
      assert.equal(await buildWakeUp(s, { now: NOW, ...o }), renderWakeUp(all, { now: NOW, ...o }), JSON.stringify(o));
    }
  } finally {
    await s.close();
  }
});

test("candidates are the heaviest memories only, as ICM's list_all (≤ 10,000 by weight) gives them; NULL weights last", async () => {
  const s = await openStore({ mode: 'local', path: ':memory:' });
  try {
    await s.storeMany(
      Array.from({ length: 40 }, (_, i) => ({
        topic: 'decisions-x',
        summary: `decision ${i}`,
        importance: 'high' as const,
      })),
    );
    // Weights 0.01 … 0.40 by insertion, one NULL (neither ICM nor Mnemos writes it, but a file may hold it).
    await s.sql(`UPDATE memories SET weight = rowid / 100.0`);
    await s.sql(`UPDATE memories SET weight = NULL WHERE rowid = 40`);
    const top = await s.briefs({ importance: ['high'], heaviest: 10 });
    assert.deepEqual(
      top.map((b) => b.weight).sort((a, b) => b - a),
      [0.39, 0.38, 0.37, 0.36, 0.35, 0.34, 0.33, 0.32, 0.31, 0.3],
    );
    const withNull = await s.briefs({ importance: ['high'], heaviest: 40 });
    assert.equal(withNull.length, 40, 'the NULL-weight memory comes after the 39 weighted ones');
    // The cap is applied before the importance filter, as ICM does: a critical memory outside the heaviest N is not a candidate.
    await s.sql(`UPDATE memories SET importance = 'critical', weight = 0.001 WHERE rowid = 1`);
    const capped = await s.briefs({ importance: ['critical'], heaviest: 10 });
    assert.deepEqual(capped, []);
    assert.equal((await s.briefs({ importance: ['critical'] })).length, 1);
  } finally {
    await s.close();
  }
});
