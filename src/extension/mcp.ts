/**
 * Publishes Mnemos's MCP server (`dist/cli.js serve`) to VS Code's MCP support, so agent modes that
 * speak MCP get ICM's memory tools on the same store as the sidebar. The server runs on the editor's
 * own runtime (no Node install needed) and gets the store from the environment, as ICM reads it.
 * The auth token is added only when VS Code starts the server (resolveMcpServerDefinition): it lives
 * in that process's environment, never in the listed definition, settings, a file or a log.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Log } from './log';
import { embeddingEnv, type McpEnv, runtime, storeEnv, tokenEnv } from './mcpEnv';
import type { TokenSource } from './secrets';
import type { StoreHost } from './storeHost';

export const MCP_PROVIDER_ID = 'mnemos.mcpServer';
export const MCP_SERVER_LABEL = 'Mnemos memory';

export class McpServerProvider
  implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition>, vscode.Disposable
{
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeMcpServerDefinitions = this.emitter.event;
  private lastKey = '';

  constructor(
    private readonly extensionPath: string,
    private readonly host: StoreHost,
    private readonly tokens: TokenSource,
    private readonly log: Log,
    private readonly version: string,
    /** The editor's model download cache (globalStorage/models), shared with the server. */
    private readonly modelCache: string = path.join(extensionPath, '.models'),
  ) {
    this.lastKey = this.key();
  }

  /** Settings or token may have changed: tell VS Code if the definition did (it restarts a running server). */
  changed(tokenChanged = false): void {
    const k = this.key();
    if (k === this.lastKey && !tokenChanged) return;
    this.lastKey = k;
    this.log.info('MCP server definition changed; VS Code restarts the Mnemos MCP server when it next needs it');
    this.emitter.fire();
  }

  private key(): string {
    const s = this.host.settings();
    return JSON.stringify({ ...storeEnv(s.store, s.syncIntervalSec), ...this.embedEnv() });
  }

  private embedEnv(): McpEnv {
    return embeddingEnv(
      this.host.settings().embeddings,
      this.modelCache,
      process.env.MNEMOS_MODEL_DIR?.trim() || undefined,
    );
  }

  /** Listed eagerly by VS Code: command, arguments and the store's location; no token. */
  provideMcpServerDefinitions(): vscode.McpStdioServerDefinition[] {
    const s = this.host.settings();
    const rt = runtime();
    const env: McpEnv = { ...storeEnv(s.store, s.syncIntervalSec), ...this.embedEnv(), ...rt.env };
    // The version changes with the store, so VS Code re-reads the tools of a server that now points elsewhere.
    const version = `${this.version}+${crypto.createHash('sha256').update(this.key()).digest('hex').slice(0, 8)}`;
    const def = new vscode.McpStdioServerDefinition(
      MCP_SERVER_LABEL,
      rt.command,
      [path.join(this.extensionPath, 'dist', 'cli.js'), 'serve'],
      env,
      version,
    );
    def.cwd = vscode.Uri.file(this.extensionPath);
    return [def];
  }

  /** Called when VS Code starts the server: the token joins the process environment here, and only here. */
  async resolveMcpServerDefinition(def: vscode.McpStdioServerDefinition): Promise<vscode.McpStdioServerDefinition> {
    const s = this.host.settings();
    const env: McpEnv = { ...def.env } as McpEnv;
    if (s.store.mode !== 'local') {
      const t = await this.tokens.get();
      Object.assign(env, tokenEnv(t.token));
      this.log.info(`starting the Mnemos MCP server on ${this.host.status().description} (token: ${t.origin})`);
    } else {
      Object.assign(env, tokenEnv(undefined));
      this.log.info(`starting the Mnemos MCP server on ${this.host.status().description}`);
    }
    def.env = env;
    return def;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export function registerMcpProvider(provider: McpServerProvider, log: Log): vscode.Disposable[] {
  if (typeof vscode.lm?.registerMcpServerDefinitionProvider !== 'function') {
    log.warn('this editor has no MCP server API; agents can still start `mnemos serve` themselves');
    return [];
  }
  return [vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider)];
}
