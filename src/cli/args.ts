/**
 * getopt-style argument parsing. Not node:util parseArgs: that rejects `-c "- a list item"` as
 * ambiguous, and memory content often starts with a dash. Here an option that takes a value
 * always takes the next argument verbatim, as GNU getopt does.
 */
import { CliError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable: values accumulate in a list. */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. TOPIC. */
  value?: string;
  help: string;
}
export type OptionTable = Record<string, OptionSpec>;
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: OptionValues;
  positionals: string[];
}

function suggestDash(arg: string): string {
  return ` (text that starts with "-" goes after --, as in: -- ${JSON.stringify(arg)})`;
}

/**
 * Parses `args` against `table`. With `stopAtPositional`, parsing stops at the first positional
 * and the rest is returned untouched in `rest` (used to find the command after global options).
 */
export function parseArgs(
  args: readonly string[],
  table: OptionTable,
  opts: { stopAtPositional?: boolean } = {},
): Parsed & { rest: string[] } {
  const values: OptionValues = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(table)) if (spec.short) byShort.set(spec.short, name);

  const set = (name: string, v: string | boolean) => {
    const spec = table[name];
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), String(v)];
    else values[name] = v;
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      if (opts.stopAtPositional) return { values, positionals: [], rest: args.slice(i + 1) };
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const spec = table[name];
      if (!spec) throw new CliError('usage', `unknown option --${name}${suggestDash(a)}`);
      if (spec.type === 'boolean') {
        if (eq !== -1) throw new CliError('usage', `option --${name} takes no value`);
        set(name, true);
      } else if (eq !== -1) {
        set(name, a.slice(eq + 1));
      } else {
        if (i + 1 >= args.length)
          throw new CliError('usage', `option --${name} needs a value (${spec.value ?? 'VALUE'})`);
        set(name, args[++i]);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // Bundled short flags: -aq, or a short option with its value attached: -tfoo.
      for (let j = 1; j < a.length; j++) {
        const ch = a[j];
        const name = byShort.get(ch);
        if (!name) throw new CliError('usage', `unknown option -${ch}${j === 1 ? suggestDash(a) : ` in ${a}`}`);
        const spec = table[name];
        if (spec.type === 'boolean') {
          set(name, true);
          continue;
        }
        const attached = a.slice(j + 1);
        if (attached) set(name, attached);
        else if (i + 1 < args.length) set(name, args[++i]);
        else throw new CliError('usage', `option -${ch} (--${name}) needs a value (${spec.value ?? 'VALUE'})`);
        break;
      }
      continue;
    }
    if (opts.stopAtPositional) return { values, positionals: [], rest: args.slice(i) };
    positionals.push(a);
  }
  return { values, positionals, rest: [] };
}
