/**
 * Hostile and broken transcripts behind `transcript_path`, through the built hook (dist/hook.js) with the
 * archive on (MNEMOS_HOOK_ARCHIVE=1) on a real local store: a FIFO nobody writes, a device that never
 * ends, a directory, a 40 MiB transcript, a torn last line, invalid UTF-8 and NUL/lone-surrogate escapes,
 * absurd nesting. Each run exits 0 with nothing on stdout, archives what is readable and nothing twice.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { openStore } from '../../src/store';
import { buildOnce, FIXTURES, fixture, projectDir, readLog, runHookBin, tmpDir } from '../hooks/helpers';

before(() => buildOnce());

async function messages(db: string): Promise<{ role: string; content: string }[]> {
  const s = await openStore({ mode: 'local', path: db });
  try {
    return (await s.transcripts.messages('abc123', { limit: 100_000 })).map((m) => ({
      role: m.role,
      content: m.content,
    }));
  } finally {
    await s.close();
  }
}

const line = (role: 'user' | 'assistant', text: string, uuid: string) =>
  JSON.stringify({ type: role, uuid, message: { role, content: text } });

describe('hostile transcripts with the archive on: exit 0, nothing on stdout, nothing archived twice', () => {
  let db: string;
  let state: string;
  let cwd: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    db = path.join(tmpDir(), 'm.db');
    state = tmpDir('mnemos-hook-state-');
    cwd = projectDir();
    env = { MNEMOS_DB: db, MNEMOS_STATE_DIR: state, MNEMOS_HOOK_ARCHIVE: '1', MNEMOS_HOOK_ONCE_MS: '0' };
  });
  const run = async (transcript: string, event: 'compact' | 'stop' = 'compact') => {
    const file = event === 'compact' ? 'PreCompact.json' : 'Stop.json';
    const r = await runHookBin([event, '--agent', 'claude'], fixture('claude', file, { cwd, transcript }), env);
    assert.equal(r.code, 0, 'the hook ended by itself (the helper kills it after 30 s: code null)');
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    return String(readLog(state).at(-1)?.msg);
  };

  test('a FIFO nobody writes to, a device that never ends, a symlink to one, a directory: read as empty', async () => {
    const dir = tmpDir();
    const fifo = path.join(dir, 'transcript.jsonl');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'random.jsonl');
    fs.symlinkSync('/dev/urandom', link);
    for (const p of [fifo, '/dev/zero', link, dir, path.join(dir, 'missing.jsonl')]) {
      assert.equal(await run(p), '0 messages, 0 stored', p);
    }
    assert.deepEqual(await messages(db), []);
  });

  test('a 40 MiB transcript: only its newest 2 MiB are read, archived once', async () => {
    const file = path.join(tmpDir(), 'big.jsonl');
    const fd = fs.openSync(file, 'w');
    const chunk = Array.from({ length: 2000 }, (_, i) =>
      line(i % 2 ? 'assistant' : 'user', `turn ${i} `.padEnd(9_000, 'x'), `u-${i}`),
    ).join('\n');
    let i = 0;
    while (fs.fstatSync(fd).size < 40 * 1024 * 1024) fs.writeSync(fd, chunk.replace(/u-(\d+)/g, `u-${i++}-$1`) + '\n');
    fs.closeSync(fd);
    const first = await run(file);
    const n = Number(/, (\d+) archived$/.exec(first)?.[1]);
    assert.ok(n > 100 && n <= (2 * 1024 * 1024) / 9_000 + 1, first);
    assert.match(await run(file, 'stop'), /, 0 archived$/);
    const got = await messages(db);
    assert.equal(got.length, n);
    assert.ok(got.every((m) => m.content.length === 9_000));
  });

  test('a torn last line is skipped until it is whole; then only it is added', async () => {
    const file = path.join(tmpDir(), 'torn.jsonl');
    const before = (await messages(db)).length;
    const whole = line('assistant', 'The fix was to read the port from docker-compose.yml.', 'torn-1');
    fs.writeFileSync(file, line('user', 'Why is the port wrong?', 'torn-0') + '\n' + whole.slice(0, 40));
    assert.match(await run(file), /, 1 archived$/);
    fs.writeFileSync(file, line('user', 'Why is the port wrong?', 'torn-0') + '\n' + whole + '\n');
    assert.match(await run(file), /, 1 archived$/);
    assert.equal((await messages(db)).length, before + 2);
  });

  test('invalid UTF-8, NUL and lone-surrogate escapes, control characters, absurd nesting: stored safely', async () => {
    const file = path.join(tmpDir(), 'weird.jsonl');
    const before = (await messages(db)).length;
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(line('user', 'bytes: \u0001', 'w-0')),
        Buffer.from('\n{"type":"user","uuid":"w-1","message":{"role":"user","content":"bad '),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(' utf8"}}\n'),
        Buffer.from(
          '{"type":"assistant","uuid":"w-2","message":{"role":"assistant","content":"nul \\u0000 and \\ud800 lone"}}\n',
        ),
        Buffer.from('{"message":'.repeat(20_000) + '1' + '}'.repeat(20_000) + '\n'),
        Buffer.from('{"message":{"role":"system","content":"a role the rules do not read"}}\n'),
        Buffer.from('not json at all\n\u0000\u0000\u0000\n'),
      ]),
    );
    assert.match(await run(file), /, 3 archived$/);
    const got = (await messages(db)).slice(before);
    assert.deepEqual(
      got.map((m) => m.content),
      ['bytes: \u0001', 'bad \ufffd\ufffd\ufffd utf8', 'nul \ufffd and \ufffd lone'],
    );
    assert.match(await run(file), /, 0 archived$/);
  });

  test('the fixture transcript still archives after all that (the store is intact)', async () => {
    const before = (await messages(db)).length;
    assert.match(await run(path.join(FIXTURES, 'claude', 'transcript.jsonl')), /, [1-9]\d* archived$/);
    assert.ok((await messages(db)).length > before);
  });
});
