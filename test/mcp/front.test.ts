/**
 * `mnemos serve`'s front (src/mcp/front.ts): its early answers to initialize and tools/list must be the
 * real server's, schemas included — compared with the server run from source (src/mcp/stdio-entry.ts)
 * and with the built server without the front (MNEMOS_MCP_FRONT=0); and work sent before the real server
 * has loaded (in the same write as initialize) must be answered by it, correctly and once.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { baseEnv, NODE_ARGS, ROOT, tmpDir } from './harness';

type Reply = { id?: unknown; result?: Record<string, unknown>; error?: unknown };

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'front-test', version: '0' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

/** Writes every message at once, reads until each id has its answer, then closes stdin. */
function exchange(args: string[], env: Record<string, string>, msgs: object[]): Promise<Map<unknown, Reply>> {
  const want = msgs.filter((m) => 'id' in m).map((m) => (m as { id: unknown }).id);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { cwd: ROOT, env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    const got = new Map<unknown, Reply>();
    const extra: Reply[] = [];
    let buf = '';
    let err = '';
    const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stderr.on('data', (d) => (err += String(d)));
    p.stdout.on('data', (d) => {
      buf += String(d);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const r = JSON.parse(buf.slice(0, nl)) as Reply;
        buf = buf.slice(nl + 1);
        if (got.has(r.id)) extra.push(r);
        got.set(r.id, r);
      }
      if (want.every((id) => got.has(id))) p.stdin.end();
    });
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(kill);
      if (extra.length) return reject(new Error(`answered twice: ${JSON.stringify(extra).slice(0, 300)}`));
      if (!want.every((id) => got.has(id))) return reject(new Error(`missing answers; stderr: ${err}`));
      resolve(got);
    });
    p.stdin.write(msgs.map((m) => JSON.stringify(m)).join('\n') + '\n');
  });
}

describe("serve's front", () => {
  before(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  });
  const CLI = path.join(ROOT, 'dist/cli.js');
  const db = () => path.join(tmpDir(), 'm.db');

  test('initialize and tools/list: the same as the server from source and the built server without the front', async () => {
    const msgs = [INIT, INITIALIZED, { jsonrpc: '2.0', id: 2, method: 'tools/list' }];
    const front = await exchange([CLI, 'serve', '--db', db()], {}, msgs);
    const source = await exchange(NODE_ARGS, { MNEMOS_DB: db() }, msgs);
    const direct = await exchange([CLI, 'serve', '--db', db()], { MNEMOS_MCP_FRONT: '0' }, msgs);
    const tools = (m: Map<unknown, Reply>) => m.get(2)?.result?.tools as { name: string; inputSchema: unknown }[];
    assert.equal(tools(front).length, 31);
    assert.ok(tools(front).every((t) => t.inputSchema && typeof t.inputSchema === 'object'));
    assert.deepEqual(front.get(2), source.get(2), 'tools/list, schemas included, equals the source server');
    assert.deepEqual(front.get(2), direct.get(2));
    assert.deepEqual(front.get(1), source.get(1), 'initialize equals the source server');
    assert.deepEqual(front.get(1), direct.get(1));
    // An older protocol version the SDK supports is echoed; an unknown one gets the latest, as the SDK does.
    for (const v of ['2024-11-05', '1999-01-01']) {
      const m = [{ ...INIT, params: { ...INIT.params, protocolVersion: v } }];
      const a = await exchange([CLI, 'serve', '--db', db()], {}, m);
      const b = await exchange([CLI, 'serve', '--db', db()], { MNEMOS_MCP_FRONT: '0' }, m);
      assert.deepEqual(a.get(1), b.get(1), v);
    }
  });

  test('calls sent before the real server has loaded are answered by it, correctly and once', async () => {
    const file = db();
    const call = (id: number, name: string, args: object) => ({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name, arguments: args },
    });
    const r = await exchange([CLI, 'serve', '--db', file], {}, [
      INIT,
      INITIALIZED,
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      call(3, 'icm_memory_store', { topic: 'front-test', content: 'The front holds calls until the server is loaded' }),
      { jsonrpc: '2.0', id: 4, method: 'ping' },
      { jsonrpc: '2.0', id: 5, method: 'tools/list' },
      { jsonrpc: '2.0', id: 6, method: 'no/such/method' },
    ]);
    assert.ok(!r.get(3)?.error, JSON.stringify(r.get(3)));
    assert.equal((r.get(3)?.result as { isError?: boolean }).isError, undefined);
    assert.deepEqual(r.get(4)?.result, {});
    assert.deepEqual(r.get(5), { ...r.get(2), id: 5 });
    assert.ok(r.get(6)?.error, "an unknown method gets the real server's error");
    // The memory is in the store: a second session (through the front again) recalls it.
    const again = await exchange([CLI, 'serve', '--db', file], {}, [
      INIT,
      INITIALIZED,
      call(2, 'icm_memory_recall', { query: 'front holds calls' }),
    ]);
    const text = JSON.stringify(again.get(2)?.result);
    assert.match(text, /The front holds calls until the server is loaded/);
  });
});
