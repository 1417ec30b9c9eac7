/** Plain-Node tests of the MCP server's environment: the store from settings, the token only when started, the runtime. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mcpReplicaPath, runtime, storeEnv, tokenEnv } from '../../../src/extension/mcpEnv';
import { configFromEnv } from '../../../src/store';

/** What `mnemos serve` makes of the environment VS Code gives it (the editor's, overridden by the definition's). */
function serverConfig(inherited: NodeJS.ProcessEnv, env: Record<string, string | null>) {
  const merged: NodeJS.ProcessEnv = { ...inherited };
  for (const [k, v] of Object.entries(env))
    if (v === null) delete merged[k];
    else merged[k] = v;
  return configFromEnv({}, merged);
}

test('a local store: the server opens the same file, whatever the editor environment says', () => {
  const env = storeEnv({ mode: 'local', path: '/data/memories.db' }, 10);
  assert.deepEqual(env, {
    MNEMOS_DB: '/data/memories.db',
    TURSO_DATABASE_URL: null,
    LIBSQL_URL: null,
    ICM_TURSO_REPLICA: null,
    MNEMOS_SYNC_INTERVAL: null,
  });
  const inherited = {
    TURSO_DATABASE_URL: 'libsql://elsewhere.turso.io',
    ICM_TURSO_REPLICA: '1',
    TURSO_AUTH_TOKEN: 'secret',
  };
  assert.deepEqual(serverConfig(inherited, { ...env, ...tokenEnv(undefined) }), {
    mode: 'local',
    path: '/data/memories.db',
  });
});

test('a remote store: the URL from settings, the token from the token source', () => {
  const env = { ...storeEnv({ mode: 'remote', url: 'libsql://team.turso.io' }, 10), ...tokenEnv('tok') };
  assert.deepEqual(serverConfig({ LIBSQL_AUTH_TOKEN: 'stale' }, env), {
    mode: 'remote',
    url: 'libsql://team.turso.io',
    authToken: 'tok',
  });
  assert.ok(
    !JSON.stringify(storeEnv({ mode: 'remote', url: 'libsql://team.turso.io', authToken: 'tok' }, 10)).includes('tok'),
    'the store env never carries the token',
  );
});

test('a replica: its own file beside the editor replica, and an interval even when the editor syncs on demand', () => {
  const env = storeEnv(
    { mode: 'replica', path: '/g/replica-abc.db', syncUrl: 'https://team.turso.io', syncIntervalSec: 0 },
    0,
  );
  assert.deepEqual(serverConfig({}, env), {
    mode: 'replica',
    path: '/g/replica-abc.mcp.db',
    syncUrl: 'https://team.turso.io',
    authToken: undefined,
    syncIntervalSec: 60,
  });
  assert.equal(storeEnv({ mode: 'replica', path: '/g/r.db', syncUrl: 'https://t.io' }, 5).MNEMOS_SYNC_INTERVAL, '5');
  assert.equal(mcpReplicaPath('/g/replica'), '/g/replica.mcp.db');
});

test('the editor runtime runs the server as Node: Electron needs ELECTRON_RUN_AS_NODE, Node does not', () => {
  assert.deepEqual(runtime('/opt/code/code', { ...process.versions, electron: '39.2.0' }), {
    command: '/opt/code/code',
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const v = { ...process.versions } as NodeJS.ProcessVersions & { electron?: string };
  delete v.electron;
  assert.deepEqual(runtime('/usr/bin/node', v), { command: '/usr/bin/node', env: {} });
});

test('the MCP server gets the editor model and download cache, or nothing when embeddings are off', async () => {
  const { embeddingEnv } = await import('../../../src/extension/mcpEnv');
  assert.deepEqual(embeddingEnv({ enabled: true, model: 'Xenova/all-MiniLM-L6-v2' }, '/gs/models'), {
    MNEMOS_EMBED_MODEL: 'Xenova/all-MiniLM-L6-v2',
    MNEMOS_MODEL_CACHE: '/gs/models',
    MNEMOS_MODEL_DIR: null,
    MNEMOS_EMBED_OFFLINE: null,
  });
  const off = embeddingEnv({ enabled: false, model: 'x' }, '/gs/models');
  assert.ok(
    Object.values(off).every((v) => v === null),
    'every variable removed, so the editor environment cannot turn it on',
  );
  assert.equal(embeddingEnv({ enabled: true, model: 'tiny-bert' }, '/c', '/models').MNEMOS_EMBED_OFFLINE, '1');
});
