/**
 * ICM's feedback and transcript tools as pure functions: the exact texts, JSON shapes, defaults,
 * clamps and error texts of ICM 0.10.57's MCP server (icm-reference §3), over a real libSQL store.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  feedbackRecord,
  feedbackSearch,
  feedbackStats,
  ICM_REST_TOOLS,
  type IcmToolContext,
  rustF64,
  transcriptRecord,
  transcriptSearch,
  transcriptShow,
  transcriptStartSession,
  transcriptStats,
} from '../../src/icm-tools';
import { type Conn, openConn } from '../../src/store/conn';
import { icmRestStores } from '../../src/store/icmRest';
import { icmJsonTime } from '../../src/store/icmTables';

const conns: Conn[] = [];
after(async () => {
  for (const c of conns) await c.close();
});

async function ctx(compact = true): Promise<IcmToolContext & { conn: Conn }> {
  const conn = await openConn({ mode: 'local', path: ':memory:' });
  conns.push(conn);
  return { conn, compact, ...icmRestStores(conn) };
}

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const Z_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.(\d{3}|\d{6}|\d{9}))?Z$/;

test('the 8 tools, in ICM order, with ICM schemas', () => {
  assert.deepEqual(
    ICM_REST_TOOLS.map((t) => t.name),
    [
      'icm_feedback_record',
      'icm_feedback_search',
      'icm_feedback_stats',
      'icm_transcript_start_session',
      'icm_transcript_record',
      'icm_transcript_search',
      'icm_transcript_show',
      'icm_transcript_stats',
    ],
  );
  const req = (n: string) =>
    (ICM_REST_TOOLS.find((t) => t.name === n)!.inputSchema as { required?: string[] }).required;
  assert.deepEqual(req('icm_feedback_record'), ['topic', 'context', 'predicted', 'corrected']);
  assert.deepEqual(req('icm_transcript_record'), ['session_id', 'role', 'content']);
  assert.deepEqual(
    ICM_REST_TOOLS.filter((t) => !t.readOnly).map((t) => t.name),
    ['icm_feedback_record', 'icm_transcript_start_session', 'icm_transcript_record'],
  );
});

test('feedback_record: compact `ok <id>`, verbose four lines, ICM error texts', async () => {
  const c = await ctx();
  const args = { topic: 'triage-owner/repo', context: 'issue #12', predicted: 'bug', corrected: 'feature' };
  const r = await feedbackRecord(c, args);
  assert.match(r.text, new RegExp(`^ok ${ULID}$`));
  assert.equal(r.isError, undefined);
  const v = await feedbackRecord({ ...c, compact: false }, { ...args, reason: 'adds an option' });
  assert.match(
    v.text,
    new RegExp(`^Feedback recorded: ${ULID}\n  topic: triage-owner/repo\n  predicted: bug\n  corrected: feature$`),
  );
  for (const f of ['topic', 'context', 'predicted', 'corrected']) {
    const rest = { ...args, [f]: undefined };
    assert.deepEqual(await feedbackRecord(c, rest), { text: `missing required field: ${f}`, isError: true });
  }
  assert.deepEqual(await feedbackRecord(c, { ...args, topic: 42 }), {
    text: 'missing required field: topic',
    isError: true,
  });
  const bad = await feedbackRecord(c, { ...args, topic: '  ' });
  assert.deepEqual(bad, { text: 'failed to store feedback: topic must not be empty', isError: true });
  assert.equal((await c.feedback.stats()).total, 2);
});

test('feedback_search: ICM blocks, optional lines, No feedback found., limit default 5 clamped 1..100', async () => {
  const c = await ctx();
  const id1 = (
    await feedbackRecord(c, { topic: 't', context: 'parser crash', predicted: 'p1', corrected: 'c1' })
  ).text.slice(3);
  const id2 = (
    await feedbackRecord(c, {
      topic: 'u',
      context: 'parser slow',
      predicted: 'p2',
      corrected: 'c2',
      reason: 'profiling',
      source: 'triage-bot',
    })
  ).text.slice(3);
  await c.feedback.incrementApplied(id2);
  const out = await feedbackSearch(c, { query: 'parser' });
  assert.equal(
    out.text,
    `--- ${id2} [u] ---\n  context: parser slow\n  predicted: p2\n  corrected: c2\n  reason: profiling\n` +
      `  source: triage-bot\n  applied: 1 times\n` +
      `--- ${id1} [t] ---\n  context: parser crash\n  predicted: p1\n  corrected: c1\n`,
  );
  assert.deepEqual(await feedbackSearch(c, { query: 'nothing-like-this' }), { text: 'No feedback found.' });
  assert.match((await feedbackSearch(c, { query: 'parser', topic: 't' })).text, new RegExp(`^--- ${id1} \\[t\\]`));
  assert.equal((await feedbackSearch(c, { query: 'parser', limit: 0 })).text.match(/^--- /gm)!.length, 1);
  assert.equal((await feedbackSearch(c, { query: 'parser', limit: 1e6 })).text.match(/^--- /gm)!.length, 2);
  for (let i = 0; i < 6; i++)
    await feedbackRecord(c, { topic: 't', context: `many ${i}`, predicted: 'p', corrected: 'c' });
  assert.equal((await feedbackSearch(c, { query: 'many' })).text.match(/^--- /gm)!.length, 5);
  assert.equal((await feedbackSearch(c, { query: 'many', limit: 'x' })).text.match(/^--- /gm)!.length, 5);
  assert.deepEqual(await feedbackSearch(c, {}), { text: 'missing required field: query', isError: true });
  assert.equal((await feedbackSearch(c, { query: 'foo"bar OR (' })).text, 'No feedback found.');
});

test('feedback_stats: ICM text, empty and with data', async () => {
  const c = await ctx();
  assert.deepEqual(await feedbackStats(c), { text: 'Feedback total: 0\n' });
  const a = (await feedbackRecord(c, { topic: 'x', context: 'c', predicted: 'p', corrected: 'q' })).text.slice(3);
  await feedbackRecord(c, { topic: 'x', context: 'c', predicted: 'p', corrected: 'q' });
  await feedbackRecord(c, { topic: 'y', context: 'c', predicted: 'p', corrected: 'q' });
  await c.feedback.incrementApplied(a);
  await c.feedback.incrementApplied(a);
  assert.equal(
    (await feedbackStats(c)).text,
    `Feedback total: 3\n\nBy topic:\n  x: 2\n  y: 1\n\nMost applied:\n  ${a}: 2 times\n`,
  );
});

test('transcript tools: start (agent mcp), record, show and stats as ICM JSON', async () => {
  const c = await ctx();
  const start = await transcriptStartSession(c, { project: 'mnemos', metadata: '{"branch":"main"}' });
  const { session_id: sid } = JSON.parse(start.text);
  assert.equal(start.text, `{"session_id":"${sid}"}`);
  const rec = await transcriptRecord(c, { session_id: sid, role: 'user', content: 'line one\n"quoted"', tokens: 7 });
  const { message_id: mid } = JSON.parse(rec.text);
  assert.equal(rec.text, `{"message_id":"${mid}"}`);
  await transcriptRecord(c, {
    session_id: sid,
    role: 'tool',
    content: 'ls output',
    tool_name: 'Bash',
    metadata: '{"x":1}',
  });

  const show = await transcriptShow(c, { session_id: sid });
  const parsed = JSON.parse(show.text);
  assert.deepEqual(Object.keys(parsed), ['session', 'messages']);
  assert.deepEqual(Object.keys(parsed.session), ['id', 'agent', 'project', 'started_at', 'updated_at', 'metadata']);
  assert.deepEqual(Object.keys(parsed.messages[0]), [
    'id',
    'session_id',
    'role',
    'content',
    'tool_name',
    'tokens',
    'ts',
    'metadata',
  ]);
  assert.deepEqual(
    [parsed.session.agent, parsed.session.project, parsed.session.metadata],
    ['mcp', 'mnemos', '{"branch":"main"}'],
  );
  assert.match(parsed.session.started_at, Z_TIME);
  assert.deepEqual(
    parsed.messages.map((m: Record<string, unknown>) => [m.role, m.content, m.tool_name, m.tokens, m.metadata]),
    [
      ['user', 'line one\n"quoted"', null, 7, '{}'],
      ['tool', 'ls output', 'Bash', null, '{"x":1}'],
    ],
  );
  assert.equal(show.text, JSON.stringify(parsed), 'compact JSON, as serde_json::to_string');
  assert.equal(JSON.parse((await transcriptShow(c, { session_id: sid, limit: 1 })).text).messages.length, 1);
  assert.equal(JSON.parse((await transcriptShow(c, { session_id: sid, limit: 0 })).text).messages.length, 1);

  const stats = await transcriptStats(c);
  const st = JSON.parse(stats.text);
  assert.deepEqual(Object.keys(st), [
    'total_sessions',
    'total_messages',
    'total_bytes',
    'by_role',
    'by_agent',
    'top_sessions',
    'oldest',
    'newest',
  ]);
  assert.deepEqual([st.total_sessions, st.total_messages, st.total_bytes], [1, 2, 17 + 9]);
  assert.deepEqual(st.by_role, [
    ['tool', 1],
    ['user', 1],
  ]);
  assert.deepEqual(st.by_agent, [['mcp', 1]]);
  assert.deepEqual(st.top_sessions, [[sid, 2]]);
  assert.match(st.oldest, Z_TIME);
  const empty = JSON.parse((await transcriptStats(await ctx())).text);
  assert.deepEqual([empty.oldest, empty.newest, empty.by_role], [null, null, []]);
});

test('transcript tools: ICM error texts', async () => {
  const c = await ctx();
  const sid = JSON.parse((await transcriptStartSession(c, {})).text).session_id;
  const e = (text: string) => ({ text, isError: true });
  assert.deepEqual(await transcriptRecord(c, { role: 'user', content: 'x' }), e('session_id is required'));
  assert.deepEqual(await transcriptRecord(c, { session_id: sid, content: 'x' }), e('role is required'));
  assert.deepEqual(
    await transcriptRecord(c, { session_id: sid, role: 'bot', content: 'x' }),
    e("invalid role 'bot'; must be user|assistant|system|tool"),
  );
  assert.deepEqual(await transcriptRecord(c, { session_id: sid, role: 'user' }), e('content is required'));
  const missing = await transcriptRecord(c, { session_id: 'nope', role: 'user', content: 'x' });
  assert.deepEqual(missing, e('record failed: session nope does not exist; start it first'));
  assert.deepEqual(await transcriptShow(c, {}), e('session_id is required'));
  assert.deepEqual(await transcriptShow(c, { session_id: 'nope' }), e('session nope not found'));
  assert.deepEqual(await transcriptSearch(c, {}), e('query is required'));
  const badMeta = await transcriptStartSession(c, { metadata: 'not json' });
  assert.equal(badMeta.isError, true);
  assert.match(badMeta.text, /^start_session failed: metadata must be valid JSON/);
});

test('transcript_search: JSON array of {message, session, score}, score as serde prints f64, limit 10 ≤ 50', async () => {
  const c = await ctx();
  const sid = JSON.parse((await transcriptStartSession(c, { agent: 'claude-code' })).text).session_id;
  for (let i = 0; i < 60; i++)
    await transcriptRecord(c, { session_id: sid, role: 'user', content: `needle number ${i}` });
  await transcriptRecord(c, { session_id: sid, role: 'assistant', content: 'postgres' });
  const out = await transcriptSearch(c, { query: 'needle' });
  const hits = JSON.parse(out.text);
  assert.equal(hits.length, 10);
  assert.deepEqual(Object.keys(hits[0]), ['message', 'session', 'score']);
  assert.equal(hits[0].session.agent, 'claude-code');
  const raw = out.text.match(/"score":([^}]+)\}/g)!.map((s) => s.slice(8, -1));
  for (const s of raw) assert.equal(s, rustF64(Number(s)), `score ${s} printed as ryu prints it`);
  assert.equal(JSON.parse((await transcriptSearch(c, { query: 'needle', limit: 500 })).text).length, 50);
  assert.equal(JSON.parse((await transcriptSearch(c, { query: 'needle', limit: 0 })).text).length, 1);
  assert.equal(JSON.parse((await transcriptSearch(c, { query: 'needle', limit: -4 })).text).length, 10);
  assert.equal((await transcriptSearch(c, { query: 'foo"bar OR (' })).text, '[]');
  assert.equal(JSON.parse((await transcriptSearch(c, { query: 'postgres OR "needle number 7"' })).text).length, 2);
});

test('rustF64 prints what serde_json (ryu) prints', () => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1.5, '1.5'],
    [0.000001, '1e-6'],
    [0.00001, '0.00001'],
    [0.0000015, '1.5e-6'],
    [0.0001, '0.0001'],
    [0.000123, '0.000123'],
    [1.2345e-7, '1.2345e-7'],
    [-2.5e-6, '-2.5e-6'],
    [123456789012345680, '1.2345678901234568e17'],
    [1e16, '1e16'],
    [1e15, '1000000000000000.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [NaN, 'null'],
  ];
  for (const [x, s] of cases) assert.equal(rustF64(x), s, String(x));
});

test('stored times show as chrono serialises a UTC DateTime', () => {
  assert.equal(icmJsonTime('2026-06-13T21:53:00.123456789+00:00'), '2026-06-13T21:53:00.123456789Z');
  assert.equal(icmJsonTime('2026-06-13T21:53:00.123+00:00'), '2026-06-13T21:53:00.123Z');
  assert.equal(icmJsonTime('2026-06-13T21:53:00.120000+00:00'), '2026-06-13T21:53:00.120Z');
  assert.equal(icmJsonTime('2026-06-13T21:53:00.000001+00:00'), '2026-06-13T21:53:00.000001Z');
  assert.equal(icmJsonTime('2026-06-13T21:53:00+00:00'), '2026-06-13T21:53:00Z');
  assert.equal(icmJsonTime('2026-06-13T23:53:00.5+02:00'), '2026-06-13T21:53:00.500Z');
  assert.equal(icmJsonTime('2026-06-13T00:10:00-01:30'), '2026-06-13T01:40:00Z');
  assert.match(icmJsonTime('garbage'), Z_TIME);
});
