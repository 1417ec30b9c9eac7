/** `mnemos hook EVENT --agent A` and `mnemos init`: the agent hooks and their installer (docs/HOOKS.md). */
import type { CommandSpec } from './command';

export const hook: CommandSpec = {
  summary: 'Run an agent hook (JSON on stdin); also installed as mnemos-hook',
  usage: '<event> --agent <dialect>',
  rawArgs: true,
  async run(ctx) {
    const { runHookCommand } = await import('../hooks/entry');
    const stdin = ctx.io.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
    return runHookCommand(ctx.argv, { stdin, stdout: ctx.io.stdout, stderr: ctx.io.stderr, env: ctx.io.env });
  },
};

export const init: CommandSpec = {
  summary: 'Wire Mnemos into your agents (instructions, hooks, MCP)',
  usage: '[options] (see mnemos init --help)',
  rawArgs: true,
  async run(ctx) {
    const { initCommand } = await import('../init/index');
    return initCommand(ctx.argv, {
      stdout: ctx.io.stdout,
      stderr: ctx.io.stderr,
      env: ctx.io.env,
      cwd: ctx.io.cwd ?? process.cwd(),
    });
  },
};
