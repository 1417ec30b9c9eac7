/**
 * Drives the real MCP server: a child process (`node --import tsx src/mcp/stdio-entry.ts`) spoken to
 * through the SDK's Client over a real stdio transport, on a local file or a real sqld.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type MnemosStore, openStore, type StoreConfig } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';

export const ROOT = path.resolve(__dirname, '../..');
export const ENTRY = path.join(ROOT, 'src/mcp/stdio-entry.ts');
export const NODE_ARGS = ['--import', 'tsx', ENTRY];

const CALL_TIMEOUT_MS = 20_000;

export type McpMode = 'local' | 'sqld';
export const MODES: McpMode[] = process.env.MNEMOS_TEST_MODES?.split(',').filter(
  (m) => m === 'local' || m === 'sqld',
) ?? ['local', 'sqld'];

export function tmpDir(prefix = 'mnemos-mcp-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Only what the server needs: no inherited store variables from the developer's shell. */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...extra };
  if (process.env.NODE_OPTIONS) env.NODE_OPTIONS = process.env.NODE_OPTIONS;
  return env;
}

export interface ToolReply {
  text: string;
  isError: boolean;
}

export interface Served {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  call(name: string, args?: Record<string, unknown>): Promise<ToolReply>;
  close(): Promise<void>;
}

export async function serve(env: Record<string, string>): Promise<Served> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: NODE_ARGS,
    env: baseEnv(env),
    cwd: ROOT,
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (d) => (err += String(d)));
  const client = new Client({ name: 'mnemos-test', version: '0.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => err,
    async call(name, args = {}) {
      const r = await client
        .callTool({ name, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS })
        .catch((e: Error) => {
          throw new Error(`${name} failed: ${e.message}\nserver stderr:\n${err}`);
        });
      const content = r.content as { type: string; text?: string }[];
      return { text: content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
    },
    close: () => client.close(),
  };
}

export interface ModeFixture {
  mode: McpMode;
  /** Environment that points a server at this mode's database. */
  env(): Record<string, string>;
  config(): StoreConfig;
  /** A direct store on the same database (another writer, and the test's eyes). */
  direct(): MnemosStore;
  /** Empties the database between tests. */
  wipe(): Promise<void>;
  sqld?: Sqld;
  token?: string;
}

/** One database per mode (a local file, or a real sqld with JWT auth), shared by the tests in `body`. */
export function forEachMcpMode(title: string, body: (fx: ModeFixture) => void, modes: McpMode[] = MODES): void {
  for (const mode of modes) {
    describe(`${title} [${mode}]`, () => {
      let sqld: Sqld | undefined;
      let cfg: StoreConfig;
      let store: MnemosStore;
      let env: Record<string, string>;
      const fx: ModeFixture = {
        mode,
        env: () => env,
        config: () => cfg,
        direct: () => store,
        async wipe() {
          await store.sql(`DELETE FROM memories`);
          await store.sql(`DELETE FROM icm_metadata WHERE key = 'last_decay_at'`);
        },
      };
      before(async () => {
        if (mode === 'sqld') {
          sqld = await startSqld({ auth: true });
          cfg = { mode: 'remote', url: sqld.url, authToken: sqld.token };
          env = { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token! };
          fx.sqld = sqld;
          fx.token = sqld.token;
        } else {
          const file = path.join(tmpDir(), 'memories.db');
          cfg = { mode: 'local', path: file };
          env = { MNEMOS_DB: file };
        }
        store = await openStore(cfg);
      });
      after(async () => {
        await store?.close().catch(() => undefined);
        await sqld?.stop();
      });
      body(fx);
    });
  }
}

export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function idOf(reply: ToolReply): string {
  const m = /^ok:([0-9A-HJKMNP-TV-Z]{26})/.exec(reply.text);
  if (!m) throw new Error(`not a compact store reply: ${reply.text}`);
  return m[1];
}

export async function waitFor(cond: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}
