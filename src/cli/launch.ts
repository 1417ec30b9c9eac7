/**
 * dist/cli.js, the `mnemos` bin: a few kilobytes that decide where a command runs. `mnemos hook …` and
 * the read-only commands (`recall`, `get`, `list`, `topics`, `stats`) go to the warm helper when one is
 * up (src/hooks/client.ts: no libsql, no CLI parsing in this process); everything else, and whatever the
 * helper cannot serve, loads the whole CLI (dist/cli-main.js, src/cli/full.ts) and runs it here.
 * `mnemos serve` starts with its front (src/mcp/front.ts, dist/mcp-front.js).
 */
import * as path from 'node:path';
import { cliClient, hookClient } from '../hooks/client';
import type * as Front from '../mcp/front';
import type * as Full from './full';

const FULL = path.join(__dirname, 'cli-main.js');
const HELPED = new Set(['recall', 'get', 'list', 'topics', 'stats']);

// Node ≥ 22.1 keeps compiled code on disk: dist/cli-main.js and dist/mcp.js are then compiled once per
// version. Node 20 has no such API (nothing happens there; the warm helper is what makes it fast).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an API Node 20's typings lack, probed at run time
(require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const argv = process.argv.slice(2);
const done = (p: Promise<void>) =>
  p.catch((e: unknown) => {
    process.stderr.write(`mnemos: ${String((e as Error)?.message ?? e)}\n`);
    process.exit(1);
  });

if (argv[0] === 'serve') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the MCP front, only on this path
  (require(path.join(__dirname, 'mcp-front.js')) as typeof Front).runFront(
    argv,
    FULL,
    path.join(__dirname, 'mcp-tools.json'),
  );
} else if (argv[0] === 'hook') void done(hookClient(argv.slice(1), FULL));
else if (HELPED.has(argv[0] ?? '')) void done(cliClient(argv, FULL));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the whole CLI, only on this path
else void done((require(FULL) as typeof Full).runAsProcess(argv));
