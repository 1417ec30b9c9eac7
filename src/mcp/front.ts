/**
 * `mnemos serve`'s front (dist/mcp-front.js, required by dist/cli.js for `serve`): answers the client's
 * `initialize` and first `tools/list` at once, from dist/mcp-tools.json — the real server's own answers,
 * recorded by scripts/build.mjs from the built server, so they are the same by construction (and
 * test/mcp/front.test.ts compares them with the source's server) — while the whole server (the MCP SDK,
 * zod, the store: dist/cli-main.js + dist/mcp.js) loads. Then it hands over: the real server is given
 * the client's `initialize` again (its answer, under a private id, is dropped), then every line the
 * front held back (tool calls made meanwhile, `notifications/initialized`…) in order, then stdin as it
 * comes; from then on the front only copies bytes.
 * MNEMOS_MCP_FRONT=0 (or a missing tool file, `--help`) runs the server directly.
 */
import * as fs from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import type * as Full from '../cli/full';

/** What scripts/build.mjs records (dist/mcp-tools.json). */
export interface FrontData {
  /** The real server's initialize result for a client asking for `latest`. */
  initialize: { protocolVersion: string; [k: string]: unknown };
  supportedVersions: string[];
  latestVersion: string;
  tools: unknown[];
}

const REPLAY_ID = 'mnemos-front-initialize';
/** The transport's own cap on a line (src/mcp/transport.ts refuses longer ones); the front holds no more. */
const MAX_HELD_BYTES = 64 * 1024 * 1024;

type Msg = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };

function loadData(file: string): FrontData | undefined {
  try {
    const d = JSON.parse(fs.readFileSync(file, 'utf8')) as FrontData;
    if (!Array.isArray(d.tools) || !d.initialize || !Array.isArray(d.supportedVersions)) return undefined;
    return d;
  } catch {
    return undefined;
  }
}

function validInitialize(m: Msg): boolean {
  const p = m.params as Record<string, unknown> | undefined;
  return (
    (typeof m.id === 'string' || typeof m.id === 'number') &&
    !!p &&
    typeof p === 'object' &&
    typeof p.protocolVersion === 'string' &&
    !!p.capabilities &&
    typeof p.capabilities === 'object' &&
    !!p.clientInfo &&
    typeof p.clientInfo === 'object'
  );
}

export function runFront(argv: string[], fullFile: string, dataFile: string): void {
  const env = process.env;
  const loadFull = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the whole CLI, computed path
    return require(fullFile) as typeof Full;
  };
  const off = env.MNEMOS_MCP_FRONT === '0' || env.MNEMOS_MCP_FRONT === 'off';
  const data = off || argv.some((a) => a === '--help' || a === '-h') ? undefined : loadData(dataFile);
  if (!data) {
    void loadFull().runAsProcess(argv);
    return;
  }
  if (env.RUST_LOG === undefined && env.MNEMOS_DEBUG !== '1') env.RUST_LOG = 'off';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const out = (m: unknown) => process.stdout.write(JSON.stringify(m) + '\n');

  let buf = '';
  const held: string[] = [];
  let heldBytes = 0;
  let initParams: unknown;
  let answeredInit = false;
  let ended = false;
  let toServer: PassThrough | undefined;
  let loadTimer: NodeJS.Timeout | undefined;

  const handOver = () => {
    if (toServer) return;
    clearTimeout(loadTimer);
    toServer = new PassThrough();
    const sink = filterOutput();
    if (initParams !== undefined)
      toServer.write(
        JSON.stringify({ jsonrpc: '2.0', id: REPLAY_ID, method: 'initialize', params: initParams }) + '\n',
      );
    for (const l of held) toServer.write(l + '\n');
    held.length = 0;
    if (buf) toServer.write(buf);
    buf = '';
    if (ended) toServer.end();
    const full = loadFull();
    void full.main(argv, { stdin: toServer, stdout: sink, stderr: process.stderr, env }).then((code) => {
      process.exitCode = code;
      process.stdout.write('', () => setTimeout(() => process.exit(code), 500).unref());
    });
  };
  // Loading blocks this thread for a while: start it once the client has its answers, when a line needs
  // the real server, or after a short wait for a client that says nothing.
  const soon = () => {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(handOver, 0);
  };
  loadTimer = setTimeout(handOver, 150);

  const onLine = (line: string) => {
    let m: Msg | undefined;
    try {
      m = JSON.parse(line) as Msg;
    } catch {
      m = undefined;
    }
    if (m && typeof m === 'object' && m.jsonrpc === '2.0') {
      if (m.method === 'initialize' && !answeredInit && validInitialize(m)) {
        const asked = (m.params as { protocolVersion: string }).protocolVersion;
        const protocolVersion = data.supportedVersions.includes(asked) ? asked : data.latestVersion;
        initParams = m.params;
        answeredInit = true;
        return void out({ jsonrpc: '2.0', id: m.id, result: { ...data.initialize, protocolVersion } });
      }
      if (
        m.method === 'tools/list' &&
        answeredInit &&
        (typeof m.id === 'string' || typeof m.id === 'number') &&
        !(m.params && typeof m.params === 'object' && 'cursor' in m.params)
      ) {
        out({ jsonrpc: '2.0', id: m.id, result: { tools: data.tools } });
        return soon();
      }
      if (m.method === 'ping' && (typeof m.id === 'string' || typeof m.id === 'number'))
        return void out({ jsonrpc: '2.0', id: m.id, result: {} });
      if (m.method === 'notifications/initialized') return void held.push(line);
    }
    held.push(line);
    heldBytes += line.length;
    soon();
  };

  const onData = (chunk: Buffer | string) => {
    if (toServer) return void toServer.write(chunk);
    buf += chunk.toString();
    let nl: number;
    while (!toServer && (nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
    // A line too long to judge here: the real server's transport decides what to do with it.
    if (!toServer && (buf.length > MAX_HELD_BYTES || heldBytes > MAX_HELD_BYTES)) handOver();
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', () => {
    ended = true;
    if (toServer) toServer.end();
    else handOver();
  });
}

/** The real server's output, minus its answer to the replayed initialize (the client already has one). */
function filterOutput(): Writable {
  let pending = '';
  let dropped = false;
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (dropped) return void process.stdout.write(chunk, () => cb());
      pending += chunk.toString();
      let nl: number;
      let pass = '';
      while (!dropped && (nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl + 1);
        pending = pending.slice(nl + 1);
        if (line.includes(REPLAY_ID)) {
          try {
            if ((JSON.parse(line) as Msg).id === REPLAY_ID) {
              dropped = true;
              continue;
            }
          } catch {
            /* not that line */
          }
        }
        pass += line;
      }
      if (dropped && pending) {
        pass += pending;
        pending = '';
      }
      if (pass) process.stdout.write(pass, () => cb());
      else cb();
    },
  });
}
