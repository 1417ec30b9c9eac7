/**
 * Process helpers for the bad-input tests: an MCP server that may refuse to start (the SDK client over
 * stdio, with the server's stderr kept), and a child Node process for cases that could take the test
 * runner down with them (a native abort).
 */
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { baseEnv, NODE_ARGS, ROOT, type Served, type ToolReply } from '../mcp/harness';

export type Started =
  { ok: true; served: Served } | { ok: false; error: string; stderr: string; exitCode: number | null };

/** Starts `src/mcp/stdio-entry.ts` with this environment; resolves either way, with the server's stderr. */
export async function tryServe(env: Record<string, string>, timeoutMs = 30_000): Promise<Started> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: NODE_ARGS,
    env: baseEnv(env),
    cwd: ROOT,
    stderr: 'pipe',
  });
  let err = '';
  let exitCode: number | null = null;
  const stderrDone = new Promise<void>((resolve) => {
    transport.stderr?.on('data', (d) => (err += String(d)));
    transport.stderr?.on('end', () => resolve());
    transport.stderr?.on('close', () => resolve());
  });
  const client = new Client({ name: 'mnemos-badinput', version: '0.0.0' });
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (e) {
    await Promise.race([stderrDone, new Promise((r) => setTimeout(r, 5000))]);
    const pid = transport.pid;
    if (pid) {
      try {
        process.kill(pid, 0);
        exitCode = null; // still running
      } catch {
        exitCode = 1;
      }
    }
    await client.close().catch(() => undefined);
    return { ok: false, error: (e as Error).message, stderr: err, exitCode };
  }
  return {
    ok: true,
    served: {
      client,
      stderr: () => err,
      async call(name, args = {}): Promise<ToolReply> {
        const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 });
        const content = r.content as { type: string; text?: string }[];
        return { text: content.map((c) => c.text ?? '').join('\n'), isError: r.isError === true };
      },
      close: () => client.close(),
    },
  };
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript file under tsx in its own process (argv and environment as given). */
export function runChild(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
