/**
 * Transcript archive (MNEMOS_HOOK_ARCHIVE=1): at pre-compact, stop and session end the built hook
 * (dist/hook.js, a child process, the agents' documented payloads from test/fixtures/hooks) archives the
 * transcript into ICM's sessions/messages through the store's transcript API, on a real local store.
 * Idempotent: the same transcript again adds nothing; a grown transcript adds only its new messages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { archiveSessionId, archiveText, ARCHIVE_MAX_MESSAGE_BYTES } from '../../src/hooks/deps';
import { parseTranscript } from '../../src/hooks/local';
import { openStore } from '../../src/store';
import { buildOnce, FIXTURES, fixture, projectDir, readLog, runHookBin, tmpDir } from './helpers';

before(() => buildOnce());

async function archived(db: string, sessionId: string) {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return {
      session: await s.transcripts.getSession(sessionId),
      messages: await s.transcripts.messages(sessionId, { limit: 1000 }),
      stats: await s.transcripts.stats(),
      wombats: (await s.transcripts.search('wombat')).length,
    };
  } finally {
    await s.close();
  }
}

function setup(archive = true) {
  const db = path.join(tmpDir(), 'm.db');
  const state = tmpDir('mnemos-hook-state-');
  const cwd = projectDir();
  const env: NodeJS.ProcessEnv = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state, MNEMOS_HOOK_ONCE_MS: '0' };
  if (archive) env.MNEMOS_HOOK_ARCHIVE = '1';
  return { db, state, cwd, env };
}

const CASES = [
  {
    agent: 'claude',
    event: 'compact',
    file: 'PreCompact.json',
    transcript: 'claude',
    sid: 'abc123',
    agentName: 'claude-code',
  },
  { agent: 'claude', event: 'stop', file: 'Stop.json', transcript: 'claude', sid: 'abc123', agentName: 'claude-code' },
  {
    agent: 'claude',
    event: 'end',
    file: 'SessionEnd.json',
    transcript: 'claude',
    sid: 'abc123',
    agentName: 'claude-code',
  },
  {
    agent: 'codex',
    event: 'stop',
    file: 'Stop.json',
    transcript: 'codex',
    sid: '0199a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b',
    agentName: 'codex',
  },
  {
    agent: 'vscode',
    event: 'compact',
    file: 'PreCompact.json',
    transcript: 'claude',
    sid: 'session-identifier',
    agentName: 'vscode',
  },
  {
    agent: 'copilot-cli',
    event: 'compact',
    file: 'preCompact.json',
    transcript: 'claude',
    sid: 'c0ffee-1',
    agentName: 'copilot-cli',
  },
];

describe('transcript archive into ICM sessions/messages', () => {
  for (const c of CASES) {
    test(`${c.agent} ${c.event}: archived once, a re-run adds nothing`, async () => {
      const { db, state, cwd, env } = setup();
      const src = path.join(FIXTURES, c.transcript, 'transcript.jsonl');
      const expected = parseTranscript(fs.readFileSync(src, 'utf8'), true);
      assert.ok(expected.length >= 2);
      const payload = fixture(c.agent, c.file, { cwd, transcript: src });
      const r = await runHookBin([c.event, '--agent', c.agent], payload, env);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      assert.match(String(readLog(state).at(-1)?.msg), new RegExp(`, ${expected.length} archived$`));
      const first = await archived(db, c.sid);
      assert.equal(first.session?.agent, c.agentName);
      assert.equal(first.session?.project, 'billing-api');
      assert.deepEqual(
        first.messages.map((m) => [m.role, m.content]),
        expected.map((m) => [m.role, m.text]),
      );
      assert.ok(first.messages.every((m) => /^mh-[0-9a-f]{32}$/.test(m.id)));
      // Again, twice (a compaction, then a stop, on the same transcript): nothing new.
      for (let i = 0; i < 2; i++) {
        await runHookBin([c.event, '--agent', c.agent], payload, env);
        assert.match(String(readLog(state).at(-1)?.msg), /, 0 archived$/);
      }
      const again = await archived(db, c.sid);
      assert.equal(again.stats.totalMessages, expected.length);
      assert.equal(again.stats.totalSessions, 1);
      assert.equal(again.session?.updatedAt, first.session?.updatedAt, 'a re-run bumps nothing');
    });
  }

  test('a transcript that grows adds only its new messages, in order; the archive is searchable', async () => {
    const { db, state, cwd, env } = setup();
    const t = path.join(tmpDir(), 'session.jsonl');
    const src = fs.readFileSync(path.join(FIXTURES, 'claude', 'transcript.jsonl'), 'utf8');
    fs.writeFileSync(t, src);
    const payload = fixture('claude', 'PreCompact.json', { cwd, transcript: t });
    await runHookBin(['compact', '--agent', 'claude'], payload, env);
    const before = (await archived(db, 'abc123')).messages.length;
    const line = (text: string, uuid: string) =>
      JSON.stringify({ type: 'assistant', uuid, message: { role: 'assistant', content: [{ type: 'text', text }] } });
    // The same text twice in two records (two turns that said the same): both are kept.
    fs.appendFileSync(t, line('Deployed the wombat release to staging.', 'u-1') + '\n');
    fs.appendFileSync(t, line('Deployed the wombat release to staging.', 'u-2') + '\n');
    await runHookBin(['stop', '--agent', 'claude'], fixture('claude', 'Stop.json', { cwd, transcript: t }), env);
    assert.match(String(readLog(state).at(-1)?.msg), /, 2 archived$/);
    const after = await archived(db, 'abc123');
    assert.equal(after.messages.length, before + 2);
    assert.deepEqual(
      after.messages.slice(-2).map((m) => m.content),
      ['Deployed the wombat release to staging.', 'Deployed the wombat release to staging.'],
    );
    assert.equal(after.wombats, 2);
  });

  test('without MNEMOS_HOOK_ARCHIVE=1 nothing is archived (extraction still runs)', async () => {
    const { db, state, cwd, env } = setup(false);
    const src = path.join(FIXTURES, 'claude', 'transcript.jsonl');
    await runHookBin(
      ['compact', '--agent', 'claude'],
      fixture('claude', 'PreCompact.json', { cwd, transcript: src }),
      env,
    );
    assert.doesNotMatch(String(readLog(state).at(-1)?.msg), /archived/);
    assert.equal((await archived(db, 'abc123')).stats.totalMessages, 0);
  });

  test('a session id over 128 characters is hashed; message text is capped at ICM’s 32 KiB and kept valid', () => {
    assert.equal(archiveSessionId('s'.repeat(128)), 's'.repeat(128));
    assert.match(archiveSessionId('s'.repeat(129)), /^sha-[0-9a-f]{32}$/);
    const long = archiveText('é'.repeat(40_000));
    assert.ok(Buffer.byteLength(long) <= ARCHIVE_MAX_MESSAGE_BYTES);
    assert.ok(long.endsWith(' […]') && !long.includes('\ufffd'));
    assert.equal(archiveText('a\u0000b\ud800c'), 'a\ufffdb\ufffdc');
  });
});
