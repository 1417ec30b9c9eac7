/** `mnemos serve`: the MCP server on the CLI's stdin/stdout, with the CLI's store flags. */
import type { Command } from '../cli/command';
import { runStdioServer } from './stdio';

export const serve: Command = {
  usage: '[--compact | --verbose]',
  description:
    "Speaks MCP (newline-delimited JSON-RPC) on stdin/stdout with ICM's memory tools until stdin closes or SIGTERM; " +
    'logs go to stderr.\n' +
    'Agents start it as `mnemos serve` (plus --db/--url/--replica as needed; the token comes from TURSO_AUTH_TOKEN).',
  options: {
    compact: { type: 'boolean', help: "ICM's compact tool output (default; MNEMOS_MCP_COMPACT=0 turns it off)" },
    verbose: { type: 'boolean', help: 'verbose tool output' },
  },
  longRunning: true,
  async run(ctx) {
    if (ctx.positionals.length) ctx.usage(`unexpected argument "${ctx.positionals[0]}" for serve`);
    if (ctx.values.compact && ctx.values.verbose) ctx.usage('--compact and --verbose exclude each other');
    ctx.storeConfig(); // bad flags or URL: exit 2 before anything starts
    await runStdioServer({
      configOverrides: ctx.configOverrides(),
      env: ctx.io.env,
      compact: ctx.values.verbose ? false : ctx.values.compact ? true : undefined,
      stdin: ctx.io.stdin,
      stdout: ctx.io.stdout,
      log: (line) => ctx.io.stderr.write(`[mnemos-mcp] ${line}\n`),
    });
  },
};
