/** Help text, generated from the command table so it cannot drift from the flags. */
import type { OptionSpec, OptionTable } from './args';
import type { CommandGroup, CommandSpec } from './command';
import { table } from './output';

export const GLOBAL_OPTIONS = {
  db: {
    type: 'string',
    value: 'PATH',
    help: 'database file (local), or the replica file with --replica [env MNEMOS_DB]',
  },
  url: {
    type: 'string',
    value: 'URL',
    help: 'libSQL server (libsql://, https://, wss://; http:// on localhost) [env TURSO_DATABASE_URL, LIBSQL_URL]',
  },
  replica: { type: 'boolean', help: 'keep an embedded replica of --url in the --db file [env ICM_TURSO_REPLICA=1]' },
  format: { type: 'string', value: 'text|json', help: 'output format (default text)' },
  json: { type: 'boolean', help: 'same as --format json' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', short: 'V', help: 'show the version' },
} as const satisfies OptionTable;

function optionRows(options: OptionTable): string[][] {
  return Object.entries(options).map(([name, o]: [string, OptionSpec]) => [
    `  ${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    o.help,
  ]);
}

export const SYNOPSIS = 'mnemos [--db PATH] [--url URL] [--replica] [--format text|json] COMMAND [ARGS]';

export function generalHelp(version: string, commands: [string, { summary: string }][]): string {
  return [
    `mnemos ${version} — one persistent, searchable memory for you and your AI agents (ICM's format, on libSQL)`,
    '',
    `Usage: ${SYNOPSIS}`,
    '',
    'Commands:',
    table([...commands.map(([n, c]) => [`  ${n}`, c.summary]), ['  help', 'Show help for a command']]),
    '',
    'Global options (before or after the command):',
    table(optionRows(GLOBAL_OPTIONS)),
    '',
    'Environment:',
    table([
      ['  MNEMOS_DB', 'database file when --db is not given (default: the per-user data folder)'],
      ['  TURSO_DATABASE_URL, LIBSQL_URL', 'libSQL server URL when --url is not given'],
      ['  TURSO_AUTH_TOKEN, LIBSQL_AUTH_TOKEN', 'auth token for the server (never taken from flags)'],
      ['  ICM_TURSO_REPLICA=1', 'same as --replica'],
      ['  MNEMOS_DEBUG=1', 'print full stack traces on errors'],
    ]),
    '',
    'Exit codes: 0 ok, 1 not found, 2 usage or invalid input, 3 connection, 4 auth, 5 other.',
    "Run 'mnemos help COMMAND' for a command's options.",
  ].join('\n');
}

export function commandHelp(name: string, spec: CommandSpec): string {
  const out = [`Usage: mnemos ${name}${spec.usage ? ' ' + spec.usage : ''}`, '', spec.summary + '.'];
  if (spec.description) out.push('', spec.description);
  if (spec.options && Object.keys(spec.options).length) out.push('', 'Options:', table(optionRows(spec.options)));
  out.push('', 'Global options: --db PATH, --url URL, --replica, --format text|json (see mnemos --help).');
  return out.join('\n');
}

/** `mnemos help NAME` for a family of subcommands: its summary, description and subcommands. */
export function groupHelp(name: string, summary: string, group: CommandGroup): string {
  const out = [`Usage: mnemos ${name} SUBCOMMAND [ARGS]`, '', summary + '.'];
  if (group.description) out.push('', group.description);
  out.push('', 'Subcommands:', table(Object.entries(group.subcommands).map(([n, c]) => [`  ${n}`, c.summary])));
  out.push('', `Run 'mnemos help ${name} SUBCOMMAND' for a subcommand's options.`);
  return out.join('\n');
}
