import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configFromEnv, defaultDbPath, describeConfig, InvalidInputError, validateRemoteUrl } from '../../src/store';

const env = { HOME: '/home/u', XDG_DATA_HOME: '/data' } as NodeJS.ProcessEnv;

test('no flags and no environment: the default local file', () => {
  assert.deepEqual(configFromEnv({}, env), { mode: 'local', path: defaultDbPath(env) });
});
test('MNEMOS_DB and --db choose the local file; --db wins', () => {
  assert.equal((configFromEnv({}, { ...env, MNEMOS_DB: '/x.db' }) as { path: string }).path, '/x.db');
  assert.equal((configFromEnv({ db: '/y.db' }, { ...env, MNEMOS_DB: '/x.db' }) as { path: string }).path, '/y.db');
});
test('TURSO_DATABASE_URL / LIBSQL_URL and their tokens select a remote store', () => {
  assert.deepEqual(
    configFromEnv({}, { ...env, TURSO_DATABASE_URL: 'libsql://db.example.io', TURSO_AUTH_TOKEN: 'tok' }),
    {
      mode: 'remote',
      url: 'libsql://db.example.io',
      authToken: 'tok',
    },
  );
  assert.deepEqual(configFromEnv({}, { ...env, LIBSQL_URL: 'https://db.example.io', LIBSQL_AUTH_TOKEN: 't2' }), {
    mode: 'remote',
    url: 'https://db.example.io',
    authToken: 't2',
  });
});
test('an explicit --db means a local file even when the environment names a server', () => {
  assert.equal(configFromEnv({ db: '/y.db' }, { ...env, TURSO_DATABASE_URL: 'libsql://db.example.io' }).mode, 'local');
});
test('ICM_TURSO_REPLICA=1 makes a replica that never reuses the local default file', () => {
  const c = configFromEnv({}, { ...env, TURSO_DATABASE_URL: 'libsql://db.example.io', ICM_TURSO_REPLICA: '1' }) as {
    mode: string;
    path: string;
    syncUrl: string;
  };
  assert.equal(c.mode, 'replica');
  assert.equal(c.syncUrl, 'libsql://db.example.io');
  assert.notEqual(c.path, defaultDbPath(env));
  assert.match(c.path, /replicas\/db\.example\.io\.db$/);
  const d = configFromEnv({ db: '/r.db', replica: true }, { ...env, TURSO_DATABASE_URL: 'libsql://db.example.io' }) as {
    path: string;
  };
  assert.equal(d.path, '/r.db');
  assert.throws(() => configFromEnv({ replica: true }, env), InvalidInputError);
});
test('remote URLs: TLS schemes anywhere, plain http only on loopback, never a token in the URL', () => {
  for (const ok of [
    'libsql://a.turso.io',
    'https://a.example',
    'wss://a.example',
    'http://127.0.0.1:8080',
    'http://localhost:1',
    'http://[::1]:5',
  ]) {
    assert.doesNotThrow(() => validateRemoteUrl(ok), ok);
  }
  for (const bad of [
    'http://10.0.0.1:8080',
    'ftp://x',
    'not a url',
    'libsql://',
    'https://u:p@x.io',
    'libsql://x.io?authToken=abc',
    'file:///tmp/x',
  ]) {
    assert.throws(() => validateRemoteUrl(bad), InvalidInputError, bad);
  }
});
test('descriptions never include the token', () => {
  const c = configFromEnv(
    {},
    { ...env, TURSO_DATABASE_URL: 'libsql://db.example.io', TURSO_AUTH_TOKEN: 'secret-token-123' },
  );
  assert.doesNotMatch(describeConfig(c), /secret-token-123/);
});
