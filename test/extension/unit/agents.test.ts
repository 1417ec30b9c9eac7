/**
 * Connect Agents' pure half: the launcher script the written entries call (run for real against the
 * built dist/), the preview's diff (checked against diff(1)), the options passed to src/init.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import {
  connectionLines,
  initOptions,
  launcherScript,
  previewText,
  storeTarget,
  unifiedDiff,
} from '../../../src/extension/agents/model';
import { isMnemosHookCommand, planInit } from '../../../src/init';

const ROOT = path.resolve(__dirname, '../../..');
const tmp = (p = 'mnemos-agents-') => fs.mkdtempSync(path.join(os.tmpdir(), p));
const posix = process.platform !== 'win32';

function writeLauncher(o: { runtime: string; extensionPath: string }): string {
  const file = path.join(tmp(), 'bin dir', 'mnemos');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, launcherScript({ platform: 'linux', electron: false, ...o }), { mode: 0o755 });
  return file;
}

before(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/hook.js')) || !fs.existsSync(path.join(ROOT, 'dist/cli.js')))
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
});

describe('the launcher', { skip: !posix && 'a POSIX shell script' }, () => {
  test('runs the bundled CLI and the hook bundle on the recorded runtime, with the database in the entry', () => {
    const launcher = writeLauncher({ runtime: process.execPath, extensionPath: ROOT });
    const env = { PATH: '/usr/bin:/bin', MNEMOS_STATE_DIR: tmp() };
    const v = spawnSync(launcher, ['--version'], { env, encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^mnemos \d/);
    const db = path.join(tmp(), 'my memories.db');
    const stored = spawnSync(launcher, ['--db', db, 'store', '-t', 'preferences', '-c', 'the quokka build uses pnpm'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(stored.status, 0, stored.stderr);
    // The entry as Connect Agents writes it, run by a shell as the agents do.
    const opts = initOptions(launcher, { mode: 'local', path: db });
    const ws = tmp();
    const plan = planInit({ ...opts, agents: ['claude'], scope: 'workspace', cwd: ws, home: tmp(), env: {} });
    const settings = JSON.parse(plan.changes[0].after!);
    const cmd = settings.hooks.UserPromptSubmit[0].hooks[0].command as string;
    assert.ok(isMnemosHookCommand(cmd), cmd);
    const payload = JSON.stringify({
      session_id: 'u1',
      cwd: ws,
      prompt: 'which package manager does the quokka build use?',
    });
    const r = spawnSync('/bin/sh', ['-c', cmd], {
      input: payload,
      env: { ...env, MNEMOS_HOOK_MIN_SCORE: '0' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /quokka build uses pnpm/);
  });

  test('falls back to node on PATH when the recorded runtime has moved', () => {
    const launcher = writeLauncher({ runtime: '/nonexistent/code', extensionPath: ROOT });
    const nodeDir = path.dirname(process.execPath);
    const r = spawnSync(launcher, ['--version'], { env: { PATH: `${nodeDir}:/usr/bin:/bin` }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^mnemos /);
  });

  test('an extension that moved away: a hook exits 0 silently, any other command says what to do', () => {
    const launcher = writeLauncher({ runtime: process.execPath, extensionPath: '/nonexistent/ext' });
    const hook = spawnSync(launcher, ['hook', 'prompt', '--agent', 'claude'], { input: '{}', encoding: 'utf8' });
    assert.equal(hook.status, 0);
    assert.equal(hook.stdout + hook.stderr, '');
    const serve = spawnSync(launcher, ['serve'], { encoding: 'utf8' });
    assert.equal(serve.status, 1);
    assert.match(serve.stderr, /open VS Code once/);
  });

  test('desktop: Electron runs as Node; Windows gets a batch file', () => {
    assert.match(
      launcherScript({ platform: 'darwin', runtime: '/A/Code Helper', electron: true, extensionPath: '/e' }),
      /ELECTRON_RUN_AS_NODE=1 exec "\$rt" "\$@"/,
    );
    const cmd = launcherScript({
      platform: 'win32',
      runtime: 'C:\\VS Code\\Code.exe',
      electron: true,
      extensionPath: 'C:\\e',
    });
    assert.match(cmd, /^@echo off\r\n/);
    assert.match(cmd, /set ELECTRON_RUN_AS_NODE=1\r\n {2}"C:\\VS Code\\Code\.exe" ".*cli\.js" %\*/);
  });
});

describe('the preview', () => {
  test('its diff is the one diff(1) prints (hunks, context, headers)', (t) => {
    if (spawnSync('diff', ['--version']).status !== 0) return t.skip('no diff(1) here');
    const a = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const b = [...a];
    b.splice(2, 1, 'changed 2');
    b.splice(20, 0, 'inserted A', 'inserted B');
    b.splice(35, 2);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a'), a.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'b'), b.join('\n') + '\n');
    const ref = spawnSync('diff', ['-u', 'a', 'b'], { cwd: dir, encoding: 'utf8' }).stdout;
    const hunks = ref.split('\n').slice(2).join('\n').trimEnd();
    assert.equal(unifiedDiff(a.join('\n') + '\n', b.join('\n') + '\n'), hunks);
    assert.equal(unifiedDiff('', '{\n}\n'), '@@ -0,0 +1,2 @@\n+{\n+}');
    assert.equal(unifiedDiff('{\n}\n', ''), '@@ -1,2 +0,0 @@\n-{\n-}');
  });

  test('names every file, what changes in it, and what is kept', () => {
    const ws = tmp();
    const home = tmp();
    fs.writeFileSync(path.join(ws, '.mcp.json'), '{ "mcpServers": { "mnemos": { "command": "my-mnemos" } } }\n');
    const plan = planInit({
      ...initOptions('/s/bin/mnemos', { mode: 'local', path: '/data/m.db' }),
      agents: ['claude'],
      scope: 'workspace',
      cwd: ws,
      home,
      env: {},
    });
    const text = previewText(plan, { title: 'T', notes: ['Database: x'] });
    assert.match(text, new RegExp(`# create: ${ws}/\\.claude/settings\\.json {2}\\(Claude Code: hooks\\)`));
    assert.match(text, /^\+ {12}"command": "\/s\/bin\/mnemos hook start --agent claude --db \/data\/m\.db",$/m);
    assert.match(text, /# keep as it is: .*\.mcp\.json/);
    assert.match(text, /# 1 file will change/);
  });
});

describe('the options and the status line', () => {
  test('a local database goes in as --db; a server as --url with the token left to the environment', () => {
    assert.deepEqual(storeTarget({ mode: 'local', path: '/g/memories.db' }), { db: '/g/memories.db' });
    const r = storeTarget({ mode: 'replica', path: '/g/r.db', syncUrl: 'libsql://x.turso.io', syncIntervalSec: 10 });
    assert.equal(r.url, 'libsql://x.turso.io');
    assert.match(r.note!, /TURSO_AUTH_TOKEN/);
    const o = initOptions('/home/me/.config/Code/User/globalStorage/mnemos.mnemos/bin/mnemos', {
      mode: 'local',
      path: '/a b/m.db',
    });
    assert.equal(o.launcher, '/home/me/.config/Code/User/globalStorage/mnemos.mnemos/bin/mnemos hook');
    assert.equal(initOptions('/x y/mnemos', { mode: 'local', path: '/m.db' }).launcher, '"/x y/mnemos" hook');
    assert.deepEqual(o.server, {
      command: '/home/me/.config/Code/User/globalStorage/mnemos.mnemos/bin/mnemos',
      args: ['serve'],
    });
  });

  test('the tooltip lines name each agent once with its scopes', () => {
    assert.deepEqual(connectionLines([]), ['Agents: none connected (Mnemos: Connect Agents…)']);
    assert.deepEqual(
      connectionLines([
        { agent: 'claude', scope: 'workspace', file: 'a' },
        { agent: 'codex', scope: 'user', file: 'b' },
        { agent: 'claude', scope: 'user', file: 'c' },
      ]),
      ['Agents: Claude Code (workspace + user), Codex (user)'],
    );
  });
});
