/**
 * The command registry: every `mnemos` command, one line each, with its help summary and a loader.
 * A command's code is imported (plain dynamic `import()`) only when it runs or its help is shown,
 * so `mnemos --help` loads no command and `mnemos recall` never loads the MCP server.
 * A new family (`mnemos memoir …`, `mnemos hook …`) is one module exporting a Command or a
 * CommandGroup, plus one line here.
 */
import type { Command, CommandGroup, CommandSpec } from './command';

export interface RegistryEntry {
  /** One line for `mnemos --help`. */
  summary: string;
  load(): Promise<Command | CommandGroup>;
}

/** The loader of one of the memory commands (src/cli/memories.ts). */
const memory = (name: keyof (typeof import('./memories'))['commands']) => () =>
  import('./memories').then((m) => m.commands[name]);

/** A command or group of the ICM families (src/cli/memoir.ts, icmRest.ts, agents.ts). */
const memoirCli =
  <K extends keyof typeof import('./memoir')>(k: K) =>
  () =>
    import('./memoir').then((m) => m[k]);
const restCli =
  <K extends keyof typeof import('./icmRest')>(k: K) =>
  () =>
    import('./icmRest').then((m) => m[k]);
const agentCli =
  <K extends keyof typeof import('./agents')>(k: K) =>
  () =>
    import('./agents').then((m) => m[k]);

const COMMANDS: Record<string, RegistryEntry> = {
  store: { summary: 'Store a memory', load: memory('store') },
  recall: { summary: 'Search memories', load: memory('recall') },
  list: { summary: 'List memories, a page at a time', load: memory('list') },
  get: { summary: 'Show one memory in full', load: memory('get') },
  update: { summary: 'Edit a memory in place (its weight resets to 1.0)', load: memory('update') },
  forget: { summary: 'Delete a memory, or every memory in a topic', load: memory('forget') },
  topics: { summary: 'List topics with their memory counts', load: memory('topics') },
  stats: { summary: 'Show totals for the whole store', load: memory('stats') },
  health: { summary: 'Topic health: staleness and consolidation needs', load: memory('health') },
  consolidate: { summary: 'Replace every memory of a topic with one summary', load: memory('consolidate') },
  decay: { summary: 'Apply one step of weight decay now', load: memory('decay') },
  prune: { summary: 'Delete low-weight memories (never critical or high)', load: memory('prune') },
  export: { summary: 'Write every memory to a JSON file ("-" = stdout)', load: memory('export') },
  import: { summary: 'Add the memories of an export file ("-" = stdin)', load: memory('import') },
  sync: { summary: "Pull the primary's changes into the embedded replica now", load: memory('sync') },
  serve: { summary: 'Run the MCP server on stdio (for agents)', load: () => import('../mcp/cli').then((m) => m.serve) },
  embed: {
    summary: 'Compute embeddings for memories that have none (needs MNEMOS_EMBED_MODEL)',
    load: () => import('../embed/cli').then((m) => m.embed),
  },
  memoir: { summary: 'Memoirs: knowledge graphs of concepts (create, link, …)', load: memoirCli('memoir') },
  learn: { summary: 'Scan a project into a memoir', load: memoirCli('learn') },
  'extract-patterns': { summary: 'Find recurring keyword patterns in a topic', load: memoirCli('extractPatterns') },
  transcript: { summary: 'Verbatim session archive (start-session, record, search, …)', load: restCli('transcript') },
  sessions: { summary: 'The session archive (search, list, show, stats, forget)', load: restCli('sessions') },
  feedback: { summary: 'Prediction corrections (record, search, stats)', load: restCli('feedback') },
  facts: { summary: 'Exact entity/key facts (set, get, list, history, forget, stats)', load: restCli('facts') },
  hook: { summary: 'Run an agent hook (JSON on stdin)', load: agentCli('hook') },
  init: { summary: 'Wire Mnemos into your agents (instructions, hooks, MCP)', load: agentCli('init') },
};

/** Adds (or replaces) a command at run time (tests, embedders of the CLI). */
export function registerCommand(name: string, spec: CommandSpec | (CommandGroup & { summary: string })): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid command name "${name}"`);
  if (typeof spec?.summary !== 'string' || !('subcommands' in spec || typeof spec.run === 'function')) {
    throw new Error(`command "${name}" needs a summary and a run function`);
  }
  COMMANDS[name] = { summary: spec.summary, load: () => Promise.resolve(spec) };
}

export function findCommand(name: string): RegistryEntry | undefined {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Every command with its summary, in help order. */
export function listCommands(): [string, RegistryEntry][] {
  return Object.entries(COMMANDS);
}
