/** `mnemos hook EVENT --agent A` and `mnemos init`: the agent hooks and their installer (docs/HOOKS.md). */
import type { CommandContext, CommandSpec } from './command';

/** `mnemos --db FILE hook …` / `mnemos --url URL init …`: a global store option given before the command joins its own arguments. */
function withGlobalStore(ctx: CommandContext): string[] {
  const argv = [...ctx.argv];
  const has = (f: string) => argv.some((a) => a === f || a.startsWith(`${f}=`));
  if (ctx.global.db !== undefined && !has('--db')) argv.push('--db', ctx.resolvePath(ctx.global.db));
  if (ctx.global.url !== undefined && !has('--url')) argv.push('--url', ctx.global.url);
  return argv;
}

export const hook: CommandSpec = {
  summary: 'Run an agent hook (JSON on stdin); also installed as mnemos-hook',
  usage: '<event> --agent <dialect>',
  rawArgs: true,
  async run(ctx) {
    const { runHookCommand } = await import('../hooks/entry');
    const stdin = ctx.io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
    return runHookCommand(withGlobalStore(ctx), {
      stdin,
      stdout: ctx.io.stdout,
      stderr: ctx.io.stderr,
      env: ctx.io.env,
    });
  },
};

export const init: CommandSpec = {
  summary: 'Wire Mnemos into your agents (instructions, hooks, MCP)',
  usage: '[options] (see mnemos init --help)',
  rawArgs: true,
  async run(ctx) {
    const { initCommand } = await import('../init/index');
    return initCommand(withGlobalStore(ctx), {
      stdout: ctx.io.stdout,
      stderr: ctx.io.stderr,
      env: ctx.io.env,
      cwd: ctx.io.cwd ?? process.cwd(),
    });
  },
};
