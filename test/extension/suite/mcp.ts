/**
 * The MCP server definition in the real host: what VS Code is told (command, arguments, store
 * environment, never the token), what it starts (the token in the environment only), that it follows
 * settings and token changes, and that the definition really runs: an MCP client spawns it exactly as
 * VS Code would and stores a memory the extension then sees.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as vscode from 'vscode';
import { api, EXT_ID, figure, nextEvent, run, servers, setSettings, test, waitFor } from './harness';

async function definition(): Promise<vscode.McpStdioServerDefinition> {
  const defs = (await api()).mcp.provideMcpServerDefinitions();
  assert.equal(defs?.length, 1);
  return defs[0];
}

async function resolved(): Promise<vscode.McpStdioServerDefinition> {
  const a = await api();
  const r = await a.mcp.resolveMcpServerDefinition(await definition());
  assert.ok(r);
  return r;
}

async function waitOpen(mode: string): Promise<void> {
  const a = await api();
  await a.getStore().catch(() => undefined);
  await waitFor(() => a.status().mode === mode && a.status().state === 'open', 10_000, `store open in ${mode} mode`);
}

/** The environment VS Code gives the process: the extension host's, overridden (null = removed) by the definition's. */
function processEnv(def: vscode.McpStdioServerDefinition): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(def.env)) {
    if (v === null) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

test('the MCP server provider is contributed and registered', async () => {
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  assert.deepEqual(ext.packageJSON.contributes.mcpServerDefinitionProviders, [
    { id: 'mnemos.mcpServer', label: 'Mnemos memory' },
  ]);
  assert.match((await api()).logText(), /activated in/);
  assert.doesNotMatch((await api()).logText(), /no MCP server API/);
});

test('the definition runs dist/cli.js serve on the editor runtime, on the local store from settings', async () => {
  const a = await api();
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const def = await definition();
  assert.equal(def.label, 'Mnemos memory');
  assert.equal(def.command, process.execPath);
  assert.deepEqual(def.args, [path.join(ext.extensionPath, 'dist', 'cli.js'), 'serve']);
  const dbPath = (a.settings().store as { path: string }).path;
  assert.equal(def.env.MNEMOS_DB, dbPath);
  for (const k of ['TURSO_DATABASE_URL', 'LIBSQL_URL', 'ICM_TURSO_REPLICA'])
    assert.equal(def.env[k], null, `${k} is removed, so the editor's environment cannot redirect the server`);
  // code-server's extension host is Node; desktop VS Code's is Electron and needs ELECTRON_RUN_AS_NODE.
  assert.equal(def.env.ELECTRON_RUN_AS_NODE, process.versions.electron ? '1' : undefined);
  const r = await resolved();
  assert.equal(r.env.TURSO_AUTH_TOKEN, null);
  assert.equal(r.env.LIBSQL_AUTH_TOKEN, null);
});

test('a remote store: the URL is in the definition, the token only in the started server environment', async () => {
  const { auth } = servers();
  const a = await api();
  const changed = nextEvent(a.mcp.onDidChangeMcpServerDefinitions, 5000, 'definition change on the URL setting');
  await setSettings({ 'database.url': auth.url });
  await changed.fired;
  try {
    const tokenChanged = nextEvent(a.mcp.onDidChangeMcpServerDefinitions, 5000, 'definition change on the token');
    await run('mnemos.setAuthToken', auth.token);
    await tokenChanged.fired;
    const def = await definition();
    assert.equal(def.env.TURSO_DATABASE_URL, auth.url);
    assert.equal(def.env.MNEMOS_DB, null);
    const listed = JSON.stringify({
      label: def.label,
      command: def.command,
      args: def.args,
      env: def.env,
      version: def.version,
    });
    assert.ok(!listed.includes(auth.token), 'the listed definition holds no token');
    const r = await resolved();
    assert.equal(r.env.TURSO_AUTH_TOKEN, auth.token);
    assert.ok(
      !r.args.join(' ').includes(auth.token) &&
        !r.label.includes(auth.token) &&
        !String(r.version).includes(auth.token),
    );
    assert.ok(!a.logText().includes(auth.token), 'the token never reaches the log');
  } finally {
    await run('mnemos.clearAuthToken');
    await setSettings({ 'database.url': undefined });
    await waitOpen('local');
  }
});

test('a replica: the server keeps its own replica file of the same primary', async () => {
  const { plain } = servers();
  const a = await api();
  await setSettings({ 'database.syncUrl': plain.url, 'database.syncInterval': 0 });
  try {
    const def = await definition();
    const mine = (a.settings().store as { path: string }).path;
    assert.equal(def.env.TURSO_DATABASE_URL, plain.url);
    assert.equal(def.env.ICM_TURSO_REPLICA, '1');
    assert.equal(def.env.MNEMOS_DB, mine.replace(/\.db$/, '.mcp.db'));
    assert.notEqual(def.env.MNEMOS_DB, mine);
    assert.equal(
      def.env.MNEMOS_SYNC_INTERVAL,
      '60',
      'sync on demand in the editor; the server has no Sync Now, so it pulls every minute',
    );
  } finally {
    await setSettings({ 'database.syncUrl': undefined, 'database.syncInterval': undefined });
    await waitOpen('local');
  }
});

test('the definition really runs: an MCP client starts it and stores a memory the extension sees', async () => {
  const a = await api();
  await waitOpen('local');
  const def = await resolved();
  const t0 = Date.now();
  const transport = new StdioClientTransport({
    command: def.command,
    args: def.args,
    env: processEnv(def),
    cwd: def.cwd?.fsPath,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'mnemos-ext-test', version: '0' });
  try {
    await client.connect(transport);
    figure('MCP server start + initialize (from the definition)', `${Date.now() - t0} ms`);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes('icm_memory_store') && tools.includes('icm_memory_recall'), tools.join(', '));
    const seen = nextEvent(a.onDidChangeData, 5000, 'the extension to notice the MCP write');
    const res = (await client.callTool({
      name: 'icm_memory_store',
      arguments: {
        topic: 'mcp-from-definition',
        content: 'Stored by an agent through the Mnemos MCP server',
        importance: 'high',
      },
    })) as {
      content: { type: string; text: string }[];
      isError?: boolean;
    };
    assert.ok(!res.isError, JSON.stringify(res));
    const id = /(?:ok:|memory: )(\S+)/.exec(res.content[0].text)?.[1];
    assert.ok(id, res.content[0].text);
    await seen.fired;
    const m = await (await a.getStore()).get(id);
    assert.equal(m?.summary, 'Stored by an agent through the Mnemos MCP server');
    assert.equal(m?.topic, 'mcp-from-definition');
    const r = await run<{ items: { id: string }[] }>('mnemos.recall', {
      query: 'agent MCP server',
      topic: 'mcp-from-definition',
    });
    assert.deepEqual(
      r.items.map((i) => i.id),
      [id],
    );
    await (await a.getStore()).forgetTopic('mcp-from-definition');
  } catch (e) {
    throw new Error(`${(e as Error).message}\nserver stderr:\n${stderr}`, { cause: e });
  } finally {
    await client.close().catch(() => undefined);
  }
});
