/** Plain-Node tests of the settings rules that need no VS Code: trust, precedence, paths, modes. */
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultReplicaPath, expandPath, pickSetting, storeConfigFrom } from '../../../src/extension/settingsModel';

test('a workspace value overrides the user value in a trusted workspace', () => {
  assert.deepEqual(
    pickSetting(
      { defaultValue: '', globalValue: 'libsql://mine.turso.io', workspaceValue: 'libsql://team.turso.io' },
      true,
    ),
    {
      value: 'libsql://team.turso.io',
      origin: 'workspace',
      ignored: false,
    },
  );
});

test('an untrusted workspace cannot redirect the database: its value is ignored and reported', () => {
  assert.deepEqual(
    pickSetting(
      { defaultValue: '', globalValue: 'libsql://mine.turso.io', workspaceValue: 'https://attacker.example' },
      false,
    ),
    {
      value: 'libsql://mine.turso.io',
      origin: 'user',
      ignored: true,
    },
  );
  assert.deepEqual(pickSetting({ defaultValue: '', workspaceFolderValue: '/tmp/x.db' }, false), {
    value: '',
    origin: 'default',
    ignored: true,
  });
});

test('a folder value beats a workspace value, which beats the user value', () => {
  assert.equal(pickSetting({ globalValue: 'u', workspaceValue: 'w', workspaceFolderValue: 'f' }, true).value, 'f');
  assert.equal(pickSetting({ globalValue: 'u' }, true).origin, 'user');
  assert.equal(pickSetting({ defaultValue: 10 }, true).origin, 'default');
});

test('paths expand ~, ${userHome} and ${workspaceFolder}; relative paths resolve against the first folder', () => {
  assert.equal(expandPath('~/m.db', [], '/home/u'), path.join('/home/u', 'm.db'));
  assert.equal(expandPath('${userHome}/m.db', [], '/home/u'), '/home/u/m.db');
  assert.equal(expandPath('${workspaceFolder}/.icm/m.db', ['/ws']), '/ws/.icm/m.db');
  assert.equal(expandPath('data/m.db', ['/ws']), '/ws/data/m.db');
  assert.equal(expandPath('m.db', [], '/home/u'), '/home/u/m.db');
});

test('no database settings: memories.db in global storage', () => {
  assert.deepEqual(storeConfigFrom({}, '/gs').store, { mode: 'local', path: path.join('/gs', 'memories.db') });
  assert.deepEqual(storeConfigFrom({ path: '  ' }, '/gs').store, {
    mode: 'local',
    path: path.join('/gs', 'memories.db'),
  });
});

test('a URL means remote and wins over a sync URL, with a warning', () => {
  const r = storeConfigFrom({ url: 'libsql://a.turso.io', syncUrl: 'libsql://b.turso.io', path: '/x.db' }, '/gs');
  assert.deepEqual(r.store, { mode: 'remote', url: 'libsql://a.turso.io' });
  assert.equal(r.warnings.length, 1);
});

test('a sync URL means an embedded replica, in its own file per primary unless a path is given', () => {
  const a = storeConfigFrom({ syncUrl: 'libsql://a.turso.io' }, '/gs').store as { mode: string; path: string };
  const b = storeConfigFrom({ syncUrl: 'libsql://b.turso.io' }, '/gs').store as { mode: string; path: string };
  assert.equal(a.mode, 'replica');
  assert.notEqual(a.path, b.path);
  assert.equal(a.path, defaultReplicaPath('/gs', 'libsql://a.turso.io'));
  assert.notEqual(a.path, path.join('/gs', 'memories.db'), 'a replica must never reuse the local database file');
  assert.equal(
    (storeConfigFrom({ syncUrl: 'libsql://a.turso.io', path: '/r.db' }, '/gs').store as { path: string }).path,
    '/r.db',
  );
});

test('the home fallback really is the home folder', () => {
  assert.equal(expandPath('x.db'), path.join(os.homedir(), 'x.db'));
});
