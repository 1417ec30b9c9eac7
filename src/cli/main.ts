/**
 * `mnemos` entry point. `main(argv, io)` runs one command against injected streams and returns the
 * exit code (tests call it in-process); executed as the bundle dist/cli.js it runs on the process.
 */
import { embedderFromEnv } from '../embed/config';
import type { Embedder } from '../embed/embedder';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { version } from '../../package.json';
import { configFromEnv, type MnemosStore, openStore, redactSecrets, type StoreConfig } from '../store';
import { textOf } from '../shared/text';
import { type OptionTable, type Parsed, parseArgs } from './args';
import {
  type CliIo,
  type CommandContext,
  type CommandGroup,
  type CommandSpec,
  type GlobalOptions,
  isGroup,
  type OutputFormat,
} from './command';
import { CliError, EXIT, renderError } from './errors';
import { commandHelp, generalHelp, GLOBAL_OPTIONS, groupHelp } from './help';
import { jsonLine } from './output';
import { findCommand, listCommands } from './registry';

export type { CliIo, Command, CommandContext, CommandGroup, CommandSpec } from './command';
export { registerCommand } from './registry';

/** `--format json` / `--json` anywhere in argv, so even an argument error is reported as JSON. */
function sniffFormat(argv: readonly string[]): OutputFormat {
  let f: OutputFormat = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--json' || a === '--format=json' || (a === '--format' && argv[i + 1] === 'json')) f = 'json';
    else if (a === '--format=text' || (a === '--format' && argv[i + 1] === 'text')) f = 'text';
  }
  return f;
}

function globalsFrom(values: Parsed['values']): GlobalOptions {
  const format = values.json === true ? 'json' : ((values.format as string | undefined) ?? 'text');
  if (format !== 'text' && format !== 'json')
    throw new CliError('usage', `--format must be text or json (got ${JSON.stringify(format)})`, '');
  if (values.url === '') throw new CliError('usage', '--url needs a server URL (leave it out for the local file)', '');
  if (values.db === '') throw new CliError('usage', '--db needs a file path', '');
  return {
    db: values.db as string | undefined,
    url: values.url as string | undefined,
    replica: values.replica === true,
    format,
  };
}

function suggest(name: string, names: readonly string[]): string {
  const near = names.find((c) => c.startsWith(name.slice(0, 3)) || name.startsWith(c));
  return near ? `; did you mean "${near}"?` : '';
}

type Resolved =
  { name: string; spec: CommandSpec; rest: string[] } | { name: string; summary: string; group: CommandGroup };

/**
 * The command that `words` name, loaded: `recall …`, or `memoir create …` inside a family of
 * subcommands (a family without a valid subcommand resolves to the family itself, for its help).
 */
async function resolve(words: readonly string[]): Promise<Resolved> {
  const [name, ...rest] = words;
  const entry = findCommand(name);
  const known = listCommands().map(([n]) => n);
  if (!entry) throw new CliError('usage', `unknown command "${name}"${suggest(name, known)}`, '');
  const loaded = await entry.load();
  if (!isGroup(loaded)) return { name, spec: { ...loaded, summary: entry.summary }, rest };
  const [sub, ...subRest] = rest;
  if (sub === undefined || sub.startsWith('-')) return { name, summary: entry.summary, group: loaded };
  const spec = Object.prototype.hasOwnProperty.call(loaded.subcommands, sub) ? loaded.subcommands[sub] : undefined;
  const names = Object.keys(loaded.subcommands);
  if (!spec) throw new CliError('usage', `unknown ${name} subcommand "${sub}"${suggest(sub, names)}`, name);
  return { name: `${name} ${sub}`, spec, rest: subRest };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const env = io.env;
  const debug = env.MNEMOS_DEBUG === '1';
  const secrets = [env.TURSO_AUTH_TOKEN, env.LIBSQL_AUTH_TOKEN];
  let format = sniffFormat(argv);
  let store: MnemosStore | undefined;
  let shared = false;
  let embedder: Embedder | undefined;
  let code: number = EXIT.ok;
  const write = (stream: 'stdout' | 'stderr', text: string) =>
    io[stream].write(text.endsWith('\n') ? text : text + '\n');

  const fail = (e: unknown): number => {
    const r = renderError(e, secrets);
    if (format === 'json') write('stderr', jsonLine({ error: { code: r.code, message: r.message } }));
    else write('stderr', `mnemos: ${r.message}`);
    if (debug) {
      let cur: unknown = e;
      for (let depth = 0; cur && depth < 5; depth++, cur = (cur as Error).cause) {
        write('stderr', (depth ? 'caused by: ' : '') + redactSecrets((cur as Error)?.stack ?? textOf(cur), secrets));
      }
    }
    return r.exitCode;
  };

  try {
    const g = parseArgs(argv, GLOBAL_OPTIONS, { stopAtPositional: true });
    const global0 = globalsFrom(g.values);
    format = global0.format;
    if (g.values.version) {
      write('stdout', format === 'json' ? jsonLine({ version }) : `mnemos ${version}`);
      return EXIT.ok;
    }
    const [first, ...afterFirst] = g.rest;
    if (first === undefined || first === 'help') {
      const topic = first === 'help' ? afterFirst.filter((a) => !a.startsWith('-')) : [];
      if (topic.length) {
        const r = await resolve(topic);
        write('stdout', 'group' in r ? groupHelp(r.name, r.summary, r.group) : commandHelp(r.name, r.spec));
        return EXIT.ok;
      }
      const text = generalHelp(version, listCommands());
      if (first === undefined && !g.values.help) {
        write('stderr', text);
        return EXIT.usage;
      }
      write('stdout', text);
      return EXIT.ok;
    }
    const resolved = await resolve(g.rest);
    if ('group' in resolved) {
      // `mnemos memoir --help` shows the family; `mnemos memoir` alone is a usage error, as `mnemos` alone is.
      const asked = g.rest.slice(1).some((a) => a === '--help' || a === '-h');
      write(asked ? 'stdout' : 'stderr', groupHelp(resolved.name, resolved.summary, resolved.group));
      return asked ? EXIT.ok : EXIT.usage;
    }
    const { name, spec, rest } = resolved;

    let parsed: Parsed = { values: {}, positionals: [] };
    let global = global0;
    if (!spec.rawArgs) {
      const table: OptionTable = { ...GLOBAL_OPTIONS, ...(spec.options ?? {}) };
      try {
        parsed = parseArgs(rest, table);
      } catch (e) {
        throw e instanceof CliError ? new CliError(e.code, e.message, name) : e;
      }
      const merged = {
        ...g.values,
        ...Object.fromEntries(Object.entries(parsed.values).filter(([k]) => k in GLOBAL_OPTIONS)),
      };
      global = globalsFrom(merged);
      format = global.format;
      if (parsed.values.version === true && !(spec.options && 'version' in spec.options)) {
        write('stdout', format === 'json' ? jsonLine({ version }) : `mnemos ${version}`);
        return EXIT.ok;
      }
      if (parsed.values.help === true && !(spec.options && 'help' in spec.options)) {
        write('stdout', commandHelp(name, spec));
        return EXIT.ok;
      }
    }

    let config: StoreConfig | undefined;
    const ctx: CommandContext = {
      command: name,
      values: parsed.values,
      positionals: parsed.positionals,
      argv: rest,
      global,
      io,
      json: format === 'json',
      debug,
      configOverrides() {
        if (global.db !== undefined && global.url !== undefined && !global.replica) {
          throw new CliError(
            'usage',
            '--db with --url needs --replica (a local replica of the server); give one of them otherwise',
            '',
          );
        }
        let url = global.url;
        // --db names the replica file; the primary may still come from the environment.
        if (global.replica && !url && global.db) url = env.TURSO_DATABASE_URL || env.LIBSQL_URL || undefined;
        return {
          db: global.db === undefined ? undefined : ctx.resolvePath(global.db),
          url,
          replica: global.replica || undefined,
          syncIntervalSec: spec.longRunning ? undefined : 0,
        };
      },
      storeConfig() {
        config ??= configFromEnv(ctx.configOverrides(), env);
        return config;
      },
      async openStore() {
        if (!store && io.sharedStore) {
          store = await io.sharedStore(ctx.storeConfig());
          shared = true;
        }
        if (!store) {
          store = await openStore(ctx.storeConfig());
          // Embeddings when MNEMOS_EMBED_MODEL names a model; a CLI waits for it (no background to finish later).
          embedder = embedderFromEnv(io.env);
          if (embedder) store.setEmbedder(embedder, { waitForModel: true, backgroundIndex: false });
        }
        return store;
      },
      output(json, text) {
        if (format === 'json') write('stdout', jsonLine(json));
        else write('stdout', typeof text === 'function' ? text() : text);
      },
      note(text) {
        if (format !== 'json') write('stderr', text);
      },
      async readInput(file) {
        if (file === '-') return readAll(io.stdin);
        const abs = ctx.resolvePath(file);
        try {
          return await fs.promises.readFile(abs, 'utf8');
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          const why =
            err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
          throw new CliError('invalid_input', `cannot read ${abs}: ${why}`);
        }
      },
      resolvePath(file) {
        return path.resolve(io.cwd ?? process.cwd(), file);
      },
      usage(message): never {
        throw new CliError('usage', message, name);
      },
    };
    code = (await spec.run(ctx)) ?? EXIT.ok;
  } catch (e) {
    code = fail(e);
  } finally {
    if (store && !shared) {
      try {
        await store.close();
      } catch (e) {
        if (code === EXIT.ok) code = fail(e);
      }
    }
    await embedder?.dispose();
  }
  return code;
}

/** The bin (src/cli/launch.ts calls it): real streams, exit code on the process, nothing left running. */
export async function runAsProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // Node ≥ 22.1 keeps compiled code on disk (NODE_COMPILE_CACHE's default dir): `serve` then loads its
  // 1.5 MB dist/mcp.js without recompiling it. Node 20 has no such API; nothing changes there.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an API Node 20's typings lack, probed at run time
  (require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  // libsql's native replica code logs to fd 1 (stdout), which would corrupt JSON output; MNEMOS_DEBUG keeps its logs.
  if (process.env.RUST_LOG === undefined && process.env.MNEMOS_DEBUG !== '1') process.env.RUST_LOG = 'off';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); // `mnemos list | head`
  });
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
  process.exitCode = code;
  // Once stdout has drained, a driver's idle socket must not keep a one-shot command alive.
  process.stdout.write('', () => setTimeout(() => process.exit(code), 500).unref());
}
