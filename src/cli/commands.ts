/**
 * The command table. Built-in commands come from ./builtins; other front ends add theirs with
 * `registerCommand`, and `serve` (src/mcp) and `embed` load lazily from their own modules so the
 * CLI neither pays for them at start-up nor breaks when they are absent (docs/CLI.md, "Adding a command").
 */
import type { Readable, Writable } from 'node:stream';
import type { ConfigOverrides, MnemosStore, StoreConfig } from '../store';
import type { OptionTable, OptionValues } from './args';
import { BUILTIN_COMMANDS } from './builtins';

/** Where the CLI talks to: real process streams in the bin, captured ones in tests. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** Base for relative paths (default: process.cwd()). */
  cwd?: string;
}

export type OutputFormat = 'text' | 'json';

export interface GlobalOptions {
  db?: string;
  url?: string;
  replica: boolean;
  format: OutputFormat;
}

export interface CommandContext {
  /** The command name as typed. */
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

export interface CommandSpec {
  /** One line for `mnemos --help`. */
  summary: string;
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

const registry = new Map<string, CommandSpec>(Object.entries(BUILTIN_COMMANDS));

/** Adds (or replaces) a command. */
export function registerCommand(name: string, spec: CommandSpec): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid command name "${name}"`);
  if (typeof spec?.run !== 'function' || typeof spec.summary !== 'string') throw new Error(`command "${name}" needs a summary and a run function`);
  registry.set(name, spec);
}

function isMissing(e: unknown, request: string): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${request}'`);
}

/*
 * Commands whose code lives in another front end. The module is required only when the command
 * runs (or help lists it). It exports `cliCommand: CommandSpec`, or calls registerCommand(name, …)
 * when loaded, or (serve) exports what `adapt` wraps. Each require is a literal inside try/catch so
 * esbuild bundles the module when it exists and leaves a harmless failing require when it does not.
 */
interface OptionalCommand {
  summary: string;
  load: () => unknown;
  /** Builds the command from a module that exports no `cliCommand`. */
  adapt?: (mod: Record<string, unknown>) => CommandSpec | undefined;
}

type RunStdioServer = (opts: {
  configOverrides?: ConfigOverrides;
  env?: NodeJS.ProcessEnv;
  compact?: boolean;
  stdin?: Readable;
  stdout?: Writable;
  log?: (line: string) => void;
}) => Promise<void>;

/** `mnemos serve` over src/mcp/server.ts's `runStdioServer`. */
function serveCommand(runStdioServer: RunStdioServer): CommandSpec {
  return {
    summary: OPTIONAL.serve.summary,
    usage: '[--compact | --verbose]',
    description:
      "Speaks MCP (newline-delimited JSON-RPC) on stdin/stdout with ICM's memory tools until stdin closes or SIGTERM; logs go to stderr.\n" +
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
}

const OPTIONAL: Record<string, OptionalCommand> = {
  serve: {
    summary: 'Run the MCP server on stdio (for agents)',
    load: () => {
      try {
        return require('../mcp/server');
      } catch (e) {
        if (isMissing(e, '../mcp/server')) return undefined;
        throw e;
      }
    },
    adapt: (mod) => (typeof mod.runStdioServer === 'function' ? serveCommand(mod.runStdioServer as RunStdioServer) : undefined),
  },
  embed: {
    summary: 'Compute embeddings for memories that have none',
    load: () => {
      try {
        return require('../embed/cli');
      } catch (e) {
        if (isMissing(e, '../embed/cli')) return undefined;
        throw e;
      }
    },
  },
};

const loaded = new Map<string, CommandSpec | undefined>();

function loadOptional(name: string): CommandSpec | undefined {
  if (loaded.has(name)) return loaded.get(name);
  const before = registry.get(name);
  const mod = OPTIONAL[name].load() as ({ cliCommand?: CommandSpec } & Record<string, unknown>) | undefined;
  let spec = registry.get(name) !== before ? registry.get(name) : undefined;
  if (!spec && mod?.cliCommand && typeof mod.cliCommand.run === 'function') spec = mod.cliCommand;
  if (!spec && mod) spec = OPTIONAL[name].adapt?.(mod);
  loaded.set(name, spec);
  return spec;
}

/** The command called `name`, loading an optional one on first use; undefined if there is none. */
export function getCommand(name: string): CommandSpec | undefined {
  if (registry.has(name)) return registry.get(name);
  if (Object.prototype.hasOwnProperty.call(OPTIONAL, name)) return loadOptional(name);
  return undefined;
}

/** Every available command, for help (optional ones only if their module is present). */
export function listCommands(): [string, CommandSpec][] {
  const out = [...registry.entries()];
  for (const name of Object.keys(OPTIONAL)) {
    if (registry.has(name)) continue;
    try {
      const spec = loadOptional(name);
      if (spec) out.push([name, spec]);
    } catch {
      /* a broken optional module is reported when it is run, not in help */
    }
  }
  return out;
}

/** True for a command that exists in some builds but whose module is missing from this one. */
export function isOptionalCommand(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPTIONAL, name);
}

export function commandNames(): string[] {
  return [...new Set([...registry.keys(), ...Object.keys(OPTIONAL)])];
}
