/**
 * What a command is, and what it gets when it runs. No runtime imports: command modules (src/cli/memories.ts,
 * src/mcp/cli.ts, src/embed/cli.ts …) import this file and nothing of the CLI's machinery.
 */
import type { Readable, Writable } from 'node:stream';
import type { ConfigOverrides, MnemosStore, StoreConfig } from '../store';
import type { OptionTable, OptionValues } from './args';

/** Where the CLI talks to: real process streams in the bin, captured ones in tests. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
  /** A store the caller keeps open (the warm helper, src/hooks/helper.ts): used, never closed by the command. */
  sharedStore?: (config: StoreConfig) => Promise<MnemosStore>;
}

export type OutputFormat = 'text' | 'json';

export interface GlobalOptions {
  db?: string;
  url?: string;
  replica: boolean;
  format: OutputFormat;
}

export interface CommandContext {
  /** The command name as typed (`recall`, or `memoir create` for a subcommand). */
  command: string;
  /** Parsed command options (global options included). Empty for `rawArgs` commands. */
  values: OptionValues;
  positionals: string[];
  /** The arguments after the command name, unparsed. */
  argv: string[];
  global: GlobalOptions;
  io: CliIo;
  json: boolean;
  debug: boolean;
  /** Store config from --db/--url/--replica and the environment (token from the environment only). */
  storeConfig(): StoreConfig;
  /** The flags part of that config, for code that calls configFromEnv(overrides, env) itself. */
  configOverrides(): ConfigOverrides;
  /** Opens the store once; main() closes (and flushes) it after the command, whatever happens. */
  openStore(): Promise<MnemosStore>;
  /** Prints the command's result: `json` as one JSON document in JSON mode, else `text`. */
  output(json: unknown, text: string | (() => string)): void;
  /** A hint for people on stderr; silent in JSON mode. */
  note(text: string): void;
  /** Text of a file, or of stdin for "-". */
  readInput(file: string): Promise<string>;
  resolvePath(file: string): string;
  /** Throws a usage error that points at this command's help (exit 2). */
  usage(message: string): never;
}

/** A command as its module exports it; its one-line summary is in the registry (src/cli/registry.ts). */
export interface Command {
  /** Arguments after `mnemos NAME`, e.g. `-t TOPIC -c CONTENT [-i IMPORTANCE]`. */
  usage?: string;
  /** More text for `mnemos help NAME`. */
  description?: string;
  options?: OptionTable;
  /** Give the command its argv unparsed (it parses its own flags); global flags then only work before the command. */
  rawArgs?: boolean;
  /** Runs until stopped (a server): a replica keeps syncing in the background. */
  longRunning?: boolean;
  /** Exit code (default 0). Throw StoreError/CliError for failures. */
  run(ctx: CommandContext): Promise<number | void>;
}

/** A command with its summary, as help shows it. */
export interface CommandSpec extends Command {
  /** One line for `mnemos --help`. */
  summary: string;
}

/** `mnemos NAME SUB …`: a family of subcommands in one module (e.g. `mnemos memoir create`). */
export interface CommandGroup {
  /** More text for `mnemos help NAME`, above the list of subcommands. */
  description?: string;
  subcommands: Record<string, CommandSpec>;
}

export function isGroup(c: Command | CommandGroup): c is CommandGroup {
  return 'subcommands' in c;
}

/** A string option's value (undefined when absent or given as a flag). */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string option the command cannot run without: absent, it is a usage error naming `flag`. */
export function need(ctx: CommandContext, name: string, flag: string): string {
  const v = str(ctx, name);
  if (v === undefined) ctx.usage(`${ctx.command} needs ${flag}`);
  return v;
}
