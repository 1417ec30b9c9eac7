/**
 * `mnemos memoir …`, `mnemos learn`, `mnemos extract-patterns`: ICM's memoir commands and flags
 * (`icm memoir create -n NAME -d DESC`, `icm memoir link -m M --from A --to B -r REL` …), the texts ICM's
 * MCP tools print, and `--format json` documents of the store's objects.
 */
import { memoirsOf } from '../store/families';
import type { MemoirStore } from '../store/memoirs';
import {
  icmInt,
  learnText,
  renderConceptHits,
  renderInspect,
  renderMemoirList,
  renderMemoirShow,
  renderPatterns,
} from '../mcp/memoirText';
import type { OptionTable } from './args';
import { type CommandContext, type CommandGroup, type CommandSpec, need, str } from './command';
import { CliError } from './errors';

function positional(ctx: CommandContext, what: string): string {
  if (ctx.positionals.length !== 1) ctx.usage(`${ctx.command} takes one ${what}`);
  return ctx.positionals[0];
}
function int(ctx: CommandContext, name: string, dflt: number): number {
  const v = str(ctx, name);
  if (v === undefined) return dflt;
  if (!/^\s*\d+\s*$/.test(v))
    throw new CliError('invalid_input', `--${name} must be a whole number (got ${JSON.stringify(v)})`);
  return Number(v);
}
const memoirs = async (ctx: CommandContext): Promise<MemoirStore> => memoirsOf(await ctx.openStore());

const O = {
  memoir: { type: 'string', short: 'm', value: 'MEMOIR', help: 'memoir name' },
  name: { type: 'string', short: 'n', value: 'NAME', help: 'name' },
  definition: { type: 'string', short: 'd', value: 'TEXT', help: 'definition' },
  limit: { type: 'string', short: 'l', value: 'N', help: 'maximum results (default 10, 1..100)' },
} as const satisfies OptionTable;

const create: CommandSpec = {
  summary: 'Create a memoir (a named knowledge graph)',
  usage: '-n NAME [-d DESCRIPTION]',
  options: { name: O.name, description: { type: 'string', short: 'd', value: 'TEXT', help: 'description' } },
  async run(ctx) {
    const name = need(ctx, 'name', '-n NAME');
    const m = await (await memoirs(ctx)).createMemoir(name, str(ctx, 'description') ?? '');
    ctx.output({ memoir: m }, `Created memoir '${m.name}': ${m.id}`);
  },
};

const list: CommandSpec = {
  summary: 'List memoirs with their concept counts',
  async run(ctx) {
    const all = await (await memoirs(ctx)).listMemoirs();
    ctx.output({ memoirs: all }, () => renderMemoirList(all).trimEnd());
  },
};

const show: CommandSpec = {
  summary: "Show a memoir's stats, labels and concepts",
  usage: 'NAME',
  async run(ctx) {
    const ms = await memoirs(ctx);
    const m = await ms.getMemoir(positional(ctx, 'memoir name'));
    if (!m) throw new CliError('not_found', `memoir not found: ${ctx.positionals[0]}`);
    const [stats, concepts] = await Promise.all([ms.stats(m.id), ms.listConcepts(m.id)]);
    ctx.output({ memoir: m, stats, concepts }, () => renderMemoirShow(m, stats, concepts).trimEnd());
  },
};

const del: CommandSpec = {
  summary: 'Delete a memoir with its concepts and links',
  usage: 'NAME',
  async run(ctx) {
    const name = positional(ctx, 'memoir name');
    await (await memoirs(ctx)).deleteMemoir(name);
    ctx.output({ deleted: name }, `Deleted memoir: ${name}`);
  },
};

const addConcept: CommandSpec = {
  summary: 'Add a concept to a memoir',
  usage: '-m MEMOIR -n NAME -d DEFINITION [-l LABELS]',
  options: {
    memoir: O.memoir,
    name: O.name,
    definition: O.definition,
    labels: { type: 'string', short: 'l', value: 'NS:V,TAG', help: 'labels, comma-separated' },
  },
  async run(ctx) {
    const memoir = need(ctx, 'memoir', '-m MEMOIR');
    const name = need(ctx, 'name', '-n NAME');
    const definition = need(ctx, 'definition', '-d DEFINITION');
    const labels = (str(ctx, 'labels') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const c = await (await memoirs(ctx)).addConcept(memoir, { name, definition, labels });
    ctx.output({ concept: c }, `Added concept '${name}' to memoir '${memoir}': ${c.id}`);
  },
};

const refine: CommandSpec = {
  summary: 'Refine a concept (revision + 1, confidence + 0.1)',
  usage: '-m MEMOIR -n NAME -d DEFINITION',
  options: { memoir: O.memoir, name: O.name, definition: O.definition },
  async run(ctx) {
    const memoir = need(ctx, 'memoir', '-m MEMOIR');
    const name = need(ctx, 'name', '-n NAME');
    const c = await (await memoirs(ctx)).refineConcept(memoir, name, need(ctx, 'definition', '-d DEFINITION'));
    ctx.output({ concept: c }, `Refined '${name}' (r${c.revision}, confidence=${c.confidence.toFixed(2)})`);
  },
};

const search: CommandSpec = {
  summary: "Search a memoir's concepts",
  usage: '-m MEMOIR QUERY [-L LABEL] [-l LIMIT]',
  options: {
    memoir: O.memoir,
    label: { type: 'string', short: 'L', value: 'NS:V', help: 'label filter' },
    limit: O.limit,
  },
  async run(ctx) {
    const memoir = need(ctx, 'memoir', '-m MEMOIR');
    const query = ctx.positionals.join(' ');
    const limit = icmInt(int(ctx, 'limit', 10), 10, 1, 100);
    const hits = await (await memoirs(ctx)).searchConcepts(memoir, query, { limit, label: str(ctx, 'label') });
    ctx.output({ concepts: hits }, () => renderConceptHits(hits).trimEnd());
  },
};

const searchAll: CommandSpec = {
  summary: 'Search concepts across every memoir',
  usage: 'QUERY [-l LIMIT]',
  options: { limit: O.limit },
  async run(ctx) {
    const limit = icmInt(int(ctx, 'limit', 10), 10, 1, 100);
    const hits = await (await memoirs(ctx)).searchAllConcepts(ctx.positionals.join(' '), { limit });
    ctx.output({ concepts: hits }, () => renderConceptHits(hits).trimEnd());
  },
};

const link: CommandSpec = {
  summary: 'Link two concepts (refused: self-link, duplicate, cycle)',
  usage: '-m MEMOIR --from A --to B -r RELATION',
  options: {
    memoir: O.memoir,
    from: { type: 'string', value: 'A', help: 'source concept' },
    to: { type: 'string', value: 'B', help: 'target concept' },
    relation: { type: 'string', short: 'r', value: 'RELATION', help: 'part_of, depends_on, related_to, …' },
  },
  async run(ctx) {
    const memoir = need(ctx, 'memoir', '-m MEMOIR');
    const from = need(ctx, 'from', '--from A');
    const to = need(ctx, 'to', '--to B');
    const l = await (await memoirs(ctx)).link(memoir, from, to, need(ctx, 'relation', '-r RELATION'));
    ctx.output({ link: l }, `Linked: ${from} --${l.relation}--> ${to} (${l.id})`);
  },
};

const inspect: CommandSpec = {
  summary: 'Show a concept and its neighbourhood',
  usage: '-m MEMOIR NAME [-D DEPTH]',
  options: { memoir: O.memoir, depth: { type: 'string', short: 'D', value: 'N', help: 'depth (default 1, 1..3)' } },
  async run(ctx) {
    const memoir = need(ctx, 'memoir', '-m MEMOIR');
    const name = positional(ctx, 'concept name');
    const depth = icmInt(int(ctx, 'depth', 1), 1, 1, 3);
    const ms = await memoirs(ctx);
    const c = await ms.getConcept(memoir, name);
    if (!c) {
      if (!(await ms.getMemoir(memoir))) throw new CliError('not_found', `memoir not found: ${memoir}`);
      throw new CliError('not_found', `concept not found: ${name}`);
    }
    const hood = await ms.neighborhood(memoir, c.id, depth);
    ctx.output({ concept: c, depth, neighborhood: hood }, () => renderInspect(c, hood, depth).trimEnd());
  },
};

const exportCmd: CommandSpec = {
  summary: 'Export a memoir (json, dot, ascii, ai)',
  usage: '-m MEMOIR [-f json|dot|ascii|ai]',
  options: {
    memoir: O.memoir,
    as: { type: 'string', short: 'f', value: 'FORMAT', help: 'json (default), dot, ascii, ai' },
  },
  async run(ctx) {
    const text = await (await memoirs(ctx)).export(need(ctx, 'memoir', '-m MEMOIR'), str(ctx, 'as') ?? 'json');
    ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
};

const distill: CommandSpec = {
  summary: "Turn a topic's memories into concepts of a memoir",
  usage: '--from-topic TOPIC --into MEMOIR',
  options: {
    'from-topic': { type: 'string', value: 'TOPIC', help: 'topic to distill' },
    into: { type: 'string', value: 'MEMOIR', help: 'memoir to fill' },
  },
  async run(ctx) {
    const topic = need(ctx, 'from-topic', '--from-topic TOPIC');
    const into = need(ctx, 'into', '--into MEMOIR');
    const r = await (await memoirs(ctx)).distill(topic, into);
    ctx.output(
      { memories: r.memories, created: r.created.length, refined: r.refined.length, unchanged: r.unchanged },
      `Distilled ${r.memories} memories from '${topic}' into '${into}': ${r.created.length} created, ` +
        `${r.refined.length} refined, ${r.unchanged} unchanged`,
    );
  },
};

export const memoir: CommandGroup = {
  description: "ICM's memoirs: named graphs of concepts joined by typed links (a DAG).",
  subcommands: {
    create,
    list,
    show,
    delete: del,
    'add-concept': addConcept,
    refine,
    search,
    'search-all': searchAll,
    link,
    inspect,
    export: exportCmd,
    distill,
  },
};

export const learn: CommandSpec = {
  summary: 'Scan a project into a memoir',
  usage: '[-d DIR] [-n NAME]',
  options: {
    dir: { type: 'string', short: 'd', value: 'DIR', help: 'project folder (default .)' },
    name: { type: 'string', short: 'n', value: 'NAME', help: "memoir name (default: the folder's name)" },
  },
  async run(ctx) {
    const dir = ctx.resolvePath(str(ctx, 'dir') ?? '.');
    const r = await (await memoirs(ctx)).learn(dir, str(ctx, 'name'));
    const { plan: _plan, ...summary } = r;
    ctx.output(summary, learnText(r));
  },
};

export const extractPatterns: CommandSpec = {
  summary: "Find recurring keyword patterns in a topic (optionally as a memoir's concepts)",
  usage: '-t TOPIC [-m MEMOIR] [--min-cluster-size N]',
  options: {
    topic: { type: 'string', short: 't', value: 'TOPIC', help: 'topic to analyse' },
    memoir: { ...O.memoir, help: 'memoir to create concepts in' },
    'min-cluster-size': { type: 'string', value: 'N', help: 'memories per pattern (default 3, 2..50)' },
  },
  async run(ctx) {
    const topic = need(ctx, 'topic', '-t TOPIC');
    const min = icmInt(int(ctx, 'min-cluster-size', 3), 3, 2, 50);
    const memoirName = str(ctx, 'memoir');
    const ms = await memoirs(ctx);
    const r = await ms.extractPatterns(topic, { memoir: memoirName, minClusterSize: min });
    const made =
      memoirName === undefined || !r.clusters.length
        ? undefined
        : {
            memoir: memoirName,
            concepts: r.concepts.map((c) => ({ id: c.concept.id, action: c.action })),
          };
    ctx.output(r, () => renderPatterns(topic, min, r.clusters, made).trimEnd());
  },
};
