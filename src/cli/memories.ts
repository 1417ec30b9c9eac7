/**
 * The memory commands, with ICM's flags (`icm store -t -c -i -k -r`, `icm recall QUERY -t -l`…).
 * Arguments are validated before the store is opened, so bad input never creates or touches a database.
 */
import * as fs from 'node:fs';
import {
  type Importance,
  IMPORTANCES,
  MAX_SUMMARY_BYTES,
  type MemoryPatch,
  NotFoundError,
  parseImportance,
  validateId,
  validateKeywords,
  validateRawExcerpt,
  validateSummary,
  validateTopic,
} from '../store';
import type { OptionTable } from './args';
import { type Command, type CommandContext, need, str } from './command';
import { CliError } from './errors';
import { oneLine, plural } from '../shared/text';
import {
  healthJson,
  jsonLine,
  localTime,
  memoryDetail,
  memoryJson,
  memoryLine,
  safeText,
  scoredJson,
  table,
} from './output';

// ------------------------------------------------------------------------------ argument helpers

const list = (ctx: CommandContext, name: string): string[] | undefined => {
  const v = ctx.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
};
const flag = (ctx: CommandContext, name: string): boolean => ctx.values[name] === true;

function required(ctx: CommandContext, name: string, short: string): string {
  return need(ctx, name, `-${short} ${name.toUpperCase()}`);
}

function noPositionals(ctx: CommandContext): void {
  if (ctx.positionals.length)
    ctx.usage(`unexpected argument "${safeText(oneLine(ctx.positionals[0], 40))}" for ${ctx.command}`);
}

function onePositional(ctx: CommandContext, what: string): string {
  if (ctx.positionals.length === 0) ctx.usage(`${ctx.command} needs ${what}`);
  if (ctx.positionals.length > 1)
    ctx.usage(`${ctx.command} takes one ${what} (got ${ctx.positionals.length} arguments)`);
  return ctx.positionals[0];
}

/** `-k a,b -k c` → [a, b, c]; an empty value means "no keywords". */
function keywords(ctx: CommandContext): string[] | undefined {
  const raw = list(ctx, 'keywords');
  if (raw === undefined) return undefined;
  return validateKeywords(raw.flatMap((k) => k.split(',')));
}

function importances(ctx: CommandContext): Importance[] | undefined {
  const raw = list(ctx, 'importance');
  if (raw === undefined) return undefined;
  return raw.flatMap((v) => v.split(',')).map((v) => parseImportance(v.trim()));
}

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(v) || Number(v) < 1)
    throw new CliError('invalid_input', `${what} must be a whole number ≥ 1 (got ${JSON.stringify(v)})`);
  return Number(v);
}

function fraction(v: string | undefined, what: string, ok: (n: number) => boolean, range: string): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || !ok(n))
    throw new CliError('invalid_input', `${what} must be a number in ${range} (got ${JSON.stringify(v)})`);
  return n;
}

/** `-c -` / `-r -` read stdin; only one of them may. */
async function textArg(ctx: CommandContext, name: string, used: { stdin: boolean }): Promise<string | undefined> {
  const v = str(ctx, name);
  if (v !== '-') return v;
  if (used.stdin) ctx.usage('only one option can read stdin ("-")');
  used.stdin = true;
  return ctx.readInput('-');
}

const memories = (n: number) => plural(n, 'memory', 'memories');

// ------------------------------------------------------------------------------------- options

const O = {
  topic: { type: 'string', short: 't', value: 'TOPIC', help: 'topic (category), e.g. decisions-myproject' },
  content: { type: 'string', short: 'c', value: 'CONTENT', help: 'the memory text ("-" reads stdin)' },
  importance: { type: 'string', short: 'i', value: 'IMPORTANCE', help: `${IMPORTANCES.join(' | ')}` },
  keywords: {
    type: 'string',
    short: 'k',
    multiple: true,
    value: 'KW1,KW2',
    help: 'keywords, comma-separated (repeatable)',
  },
  raw: {
    type: 'string',
    short: 'r',
    value: 'RAW',
    help: 'verbatim excerpt: code, an error message… ("-" reads stdin)',
  },
  limit: { type: 'string', short: 'l', value: 'N', help: 'maximum results' },
} as const satisfies OptionTable;

// ------------------------------------------------------------------------------------ commands

const store: Command = {
  usage: '-t TOPIC -c CONTENT [-i IMPORTANCE] [-k KW1,KW2] [-r RAW]',
  description:
    'Same topic and content (case and whitespace aside) as an existing memory merges into it: importance is raised, keywords are added, and its id is returned.',
  options: {
    topic: O.topic,
    content: O.content,
    importance: { ...O.importance, help: `${IMPORTANCES.join(' | ')} (default medium)` },
    keywords: O.keywords,
    raw: O.raw,
  },
  async run(ctx) {
    noPositionals(ctx);
    const used = { stdin: false };
    const topic = validateTopic(required(ctx, 'topic', 't'));
    if (str(ctx, 'content') === undefined) ctx.usage('store needs -c CONTENT');
    const summary = validateSummary(await textArg(ctx, 'content', used));
    const importance = str(ctx, 'importance') === undefined ? undefined : parseImportance(str(ctx, 'importance'));
    const kws = keywords(ctx);
    const rawExcerpt = validateRawExcerpt(await textArg(ctx, 'raw', used));
    const s = await ctx.openStore();
    const res = await s.store({ topic, summary, importance, keywords: kws, rawExcerpt });
    ctx.output({ id: res.id, action: res.action }, () =>
      res.action === 'created'
        ? `Stored memory: ${res.id}`
        : res.action === 'merged'
          ? `Merged into existing memory: ${res.id} (same topic and content)`
          : `Already stored: ${res.id} (same topic and content)`,
    );
  },
};

const recall: Command = {
  usage: 'QUERY... [-t TOPIC] [-l LIMIT] [-i IMPORTANCE]',
  description:
    'Words are searched as words: quotes, OR, parentheses, * and - are never query syntax. Put a query that starts with "-" after --.\n' +
    "A topic ending in * matches every topic with that prefix. Results count as accesses (they slow the memory's decay).",
  options: {
    topic: { ...O.topic, help: 'only this topic ("prefix*" for a prefix)' },
    limit: { ...O.limit, help: 'maximum results (default 5)' },
    importance: {
      ...O.importance,
      multiple: true,
      help: `only these importances, comma-separated (${IMPORTANCES.join(', ')})`,
    },
  },
  async run(ctx) {
    const query = ctx.positionals.join(' ');
    if (!query.trim()) ctx.usage('recall needs a QUERY');
    const topic = str(ctx, 'topic');
    if (topic !== undefined && !topic.trim()) throw new CliError('invalid_input', 'topic must not be empty');
    const limit = positiveInt(str(ctx, 'limit'), 'limit') ?? 5;
    const importance = importances(ctx);
    const s = await ctx.openStore();
    const res = await s.recall(query, { topic, limit, importance });
    if (res.note) ctx.note(`note: ${res.note}`);
    ctx.output({ mode: res.mode, note: res.note ?? null, items: res.items.map(scoredJson) }, () =>
      res.items.length ? res.items.map((i) => memoryLine(i.memory)).join('\n') : 'No memories found.',
    );
  },
};

const listCmd: Command = {
  usage: '[-t TOPIC] [-l LIMIT] [--cursor CURSOR] [--all] [-s weight|recent] [-i IMPORTANCE]',
  description: 'Pages are keyset-paginated: pass the printed cursor to get the next page. --all prints every memory.',
  options: {
    topic: { ...O.topic, help: 'only this topic ("prefix*" for a prefix)' },
    limit: { ...O.limit, help: 'page size (default 50)' },
    cursor: { type: 'string', value: 'CURSOR', help: 'continue after the previous page (its nextCursor)' },
    all: { type: 'boolean', short: 'a', help: 'every memory, no paging' },
    sort: {
      type: 'string',
      short: 's',
      value: 'weight|recent',
      help: 'heaviest first (default, as ICM) or newest first',
    },
    importance: { ...O.importance, multiple: true, help: 'only these importances, comma-separated' },
  },
  async run(ctx) {
    noPositionals(ctx);
    const topic = str(ctx, 'topic');
    if (topic !== undefined && !topic.trim()) throw new CliError('invalid_input', 'topic must not be empty');
    const limit = positiveInt(str(ctx, 'limit'), 'limit');
    const cursor = str(ctx, 'cursor');
    const all = flag(ctx, 'all');
    if (all && (limit !== undefined || cursor !== undefined))
      ctx.usage('--all lists everything; it does not combine with --limit or --cursor');
    const sort = str(ctx, 'sort') ?? 'weight';
    if (sort !== 'weight' && sort !== 'recent')
      throw new CliError('invalid_input', `sort must be weight or recent (got ${JSON.stringify(sort)})`);
    const importance = importances(ctx);
    const s = await ctx.openStore();
    let items;
    let nextCursor: string | null = null;
    if (all) {
      items = [];
      for await (const m of s.iterate({ topic, order: sort, importance })) items.push(m);
    } else {
      const page = await s.list({ topic, order: sort, importance, limit: limit ?? 50, cursor: cursor ?? null });
      items = page.items;
      nextCursor = page.nextCursor;
    }
    if (nextCursor) ctx.note(`(more: repeat with --cursor ${nextCursor})`);
    ctx.output({ items: items.map(memoryJson), nextCursor }, () =>
      items.length ? items.map(memoryLine).join('\n') : 'No memories.',
    );
  },
};

const topics: Command = {
  async run(ctx) {
    noPositionals(ctx);
    const s = await ctx.openStore();
    const rows = await s.topics();
    ctx.output({ topics: rows.map((t) => ({ topic: t.topic, count: t.count })) }, () =>
      rows.length
        ? table(
            rows.map((t) => [String(t.count), safeText(oneLine(t.topic, 200))]),
            ['r', 'l'],
          )
        : 'No topics.',
    );
  },
};

const stats: Command = {
  async run(ctx) {
    noPositionals(ctx);
    const s = await ctx.openStore();
    const st = await s.stats();
    ctx.output(
      {
        totalMemories: st.totalMemories,
        totalTopics: st.totalTopics,
        avgWeight: st.avgWeight,
        oldestMemory: st.oldestMemory,
        newestMemory: st.newestMemory,
        mode: s.mode,
        store: s.describe(),
      },
      () =>
        table([
          ['Memories:', String(st.totalMemories)],
          ['Topics:', String(st.totalTopics)],
          ['Avg weight:', st.avgWeight.toFixed(3)],
          ['Oldest:', localTime(st.oldestMemory)],
          ['Newest:', localTime(st.newestMemory)],
          ['Store:', s.describe()],
        ]),
    );
  },
};

const health: Command = {
  usage: '[-t TOPIC]',
  description:
    "A topic needs consolidation above 5 memories; a memory is stale below weight 0.5 and unused for 14 days (ICM's rules).",
  options: { topic: { ...O.topic, help: 'check one topic (default: all)' } },
  async run(ctx) {
    noPositionals(ctx);
    const t = str(ctx, 'topic');
    const topic = t === undefined ? undefined : validateTopic(t);
    const s = await ctx.openStore();
    const rows = await s.topicHealth(topic);
    ctx.output({ topics: rows.map(healthJson) }, () =>
      rows.length
        ? table([
            ['STATUS', 'ENTRIES', 'AVG WEIGHT', 'STALE', 'TOPIC'],
            ...rows.map((h) => [
              h.status,
              String(h.entryCount),
              h.avgWeight.toFixed(2),
              String(h.staleCount),
              safeText(oneLine(h.topic, 200)),
            ]),
          ])
        : 'No topics.',
    );
  },
};

const get: Command = {
  usage: 'ID',
  async run(ctx) {
    const id = validateId(onePositional(ctx, 'a memory ID'));
    const s = await ctx.openStore();
    const m = await s.get(id);
    if (!m) throw new NotFoundError(`no memory with id ${safeText(oneLine(id, 40))}`);
    ctx.output({ memory: memoryJson(m) }, () => memoryDetail(m));
  },
};

const forget: Command = {
  usage: 'ID | -t TOPIC',
  options: { topic: { ...O.topic, help: 'delete every memory in this topic' } },
  async run(ctx) {
    const t = str(ctx, 'topic');
    if (t !== undefined) {
      if (ctx.positionals.length) ctx.usage('forget takes an ID or -t TOPIC, not both');
      const topic = validateTopic(t);
      const s = await ctx.openStore();
      const n = await s.forgetTopic(topic);
      ctx.output({ deleted: n, topic }, () =>
        n
          ? `Deleted ${memories(n)} from topic: ${safeText(oneLine(topic, 200))}`
          : `No memories in topic: ${safeText(oneLine(topic, 200))}`,
      );
      return;
    }
    const id = validateId(onePositional(ctx, 'a memory ID (or -t TOPIC)'));
    const s = await ctx.openStore();
    await s.forget(id);
    ctx.output({ deleted: 1, id }, `Deleted memory: ${id}`);
  },
};

const update: Command = {
  usage: 'ID [-c CONTENT] [-i IMPORTANCE] [-k KW1,KW2] [-t TOPIC] [-r RAW]',
  description: 'Options not given keep their value. -k "" clears the keywords, -r "" the raw excerpt.',
  options: {
    content: { ...O.content, help: 'new text (replaces the old; "-" reads stdin)' },
    importance: O.importance,
    keywords: { ...O.keywords, help: 'new keywords, replacing the old (comma-separated, repeatable)' },
    topic: { ...O.topic, help: 'move to this topic' },
    raw: O.raw,
  },
  async run(ctx) {
    const id = validateId(onePositional(ctx, 'a memory ID'));
    const used = { stdin: false };
    const patch: MemoryPatch = {};
    if (str(ctx, 'content') !== undefined) patch.summary = validateSummary(await textArg(ctx, 'content', used));
    if (str(ctx, 'importance') !== undefined) patch.importance = parseImportance(str(ctx, 'importance'));
    const kws = keywords(ctx);
    if (kws !== undefined) patch.keywords = kws;
    if (str(ctx, 'topic') !== undefined) patch.topic = validateTopic(str(ctx, 'topic'));
    if (str(ctx, 'raw') !== undefined) patch.rawExcerpt = validateRawExcerpt(await textArg(ctx, 'raw', used));
    if (!Object.keys(patch).length) ctx.usage('update needs something to change: -c, -i, -k, -t or -r');
    const s = await ctx.openStore();
    const m = await s.update(id, patch);
    ctx.output({ memory: memoryJson(m) }, `Updated memory: ${m.id}`);
  },
};

const consolidate: Command = {
  usage: '-t TOPIC [-c SUMMARY] [-k KW1,KW2] [-i IMPORTANCE]',
  description:
    'Without -c the summary is ICM\'s: the three heaviest summaries joined with " | " (lossy; prefer writing one).\n' +
    "Keywords default to the union of the topic's keywords; importance defaults to high.",
  options: {
    topic: { ...O.topic, help: 'the topic to consolidate' },
    content: { ...O.content, value: 'SUMMARY', help: 'the summary that replaces the topic ("-" reads stdin)' },
    keywords: O.keywords,
    importance: { ...O.importance, help: `${IMPORTANCES.join(' | ')} (default high)` },
  },
  async run(ctx) {
    noPositionals(ctx);
    const topic = validateTopic(required(ctx, 'topic', 't'));
    const given = str(ctx, 'content');
    let summary = given === undefined ? undefined : validateSummary(await textArg(ctx, 'content', { stdin: false }));
    const kws = keywords(ctx);
    const importance = str(ctx, 'importance') === undefined ? undefined : parseImportance(str(ctx, 'importance'));
    if (summary === undefined && topic.endsWith('*')) ctx.usage('a topic ending in * needs -c SUMMARY');
    const s = await ctx.openStore();
    if (summary === undefined) {
      const top = (await s.list({ topic, limit: 3, order: 'weight' })).items;
      if (!top.length) throw new NotFoundError(`topic "${topic}" has no memories to consolidate`);
      summary = top.map((m) => m.summary.trim()).join(' | ');
      if (Buffer.byteLength(summary) > MAX_SUMMARY_BYTES)
        summary = Buffer.from(summary)
          .subarray(0, MAX_SUMMARY_BYTES)
          .toString('utf8')
          .replace(/\uFFFD$/, '');
    }
    const res = await s.consolidate(topic, summary, { keywords: kws, importance });
    ctx.output(
      { id: res.id, topic, replaced: res.replaced },
      `Consolidated ${memories(res.replaced)} of topic ${safeText(oneLine(topic, 200))} into ${res.id}`,
    );
  },
};

const decay: Command = {
  usage: '[-f FACTOR]',
  description:
    'weight ← weight × (1 − (1 − F) × m / (1 + min(accesses, 5) × 0.1)), m = 0.5 high, 1 medium, 2 low; critical never decays.\n' +
    'Recall already applies one step a day (at most); this command is for doing it by hand.',
  options: { factor: { type: 'string', short: 'f', value: 'F', help: 'decay factor in [0, 1) (default 0.95)' } },
  async run(ctx) {
    noPositionals(ctx);
    const factor = fraction(str(ctx, 'factor'), 'factor', (n) => n >= 0 && n < 1, '[0, 1)') ?? 0.95;
    const s = await ctx.openStore();
    const n = await s.decay(factor);
    ctx.output({ affected: n, factor }, `Decayed ${memories(n)} (factor ${factor})`);
  },
};

const prune: Command = {
  usage: '[-t THRESHOLD] [--dry-run]',
  description: 'As in ICM, -t here is the threshold, not a topic.',
  options: {
    threshold: { type: 'string', short: 't', value: 'T', help: 'delete below this weight, in (0, 1] (default 0.1)' },
    'dry-run': { type: 'boolean', help: 'show what would be deleted, delete nothing' },
  },
  async run(ctx) {
    noPositionals(ctx);
    const threshold = fraction(str(ctx, 'threshold'), 'threshold', (n) => n > 0 && n <= 1, '(0, 1]') ?? 0.1;
    const dryRun = flag(ctx, 'dry-run');
    const s = await ctx.openStore();
    const res = await s.prune(threshold, { dryRun });
    const n = memories(res.count);
    ctx.output({ threshold, dryRun, count: res.count, ids: res.ids }, () =>
      dryRun
        ? [`Would prune ${n} (weight < ${threshold}, not critical/high)`, ...res.ids].join('\n')
        : `Pruned ${n} (weight < ${threshold})`,
    );
  },
};

const exportCmd: Command = {
  usage: 'FILE',
  description: 'The file keeps ids, timestamps, weights and access counts; `mnemos import` restores it exactly.',
  async run(ctx) {
    const file = onePositional(ctx, 'a FILE ("-" for stdout)');
    const s = await ctx.openStore();
    const data = await s.exportAll();
    const doc = {
      format: data.format,
      version: data.version,
      exportedAt: data.exportedAt,
      memories: data.memories.map(memoryJson),
    };
    const text = jsonLine(doc, true) + '\n';
    if (file === '-') {
      ctx.io.stdout.write(text);
      return;
    }
    const abs = ctx.resolvePath(file);
    const tmp = `${abs}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, abs);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new CliError('io', `cannot write ${abs}: ${(e as Error).message}`);
    }
    ctx.output({ exported: doc.memories.length, file: abs }, `Exported ${memories(doc.memories.length)} to ${abs}`);
  },
};

const importCmd: Command = {
  usage: 'FILE',
  description:
    'All or nothing: one invalid memory and nothing is written. Memories whose id (or topic and content) exists are skipped.',
  async run(ctx) {
    const file = onePositional(ctx, 'a FILE ("-" for stdin)');
    const text = await ctx.readInput(file);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new CliError('invalid_input', `${file === '-' ? 'stdin' : file} is not JSON: ${(e as Error).message}`);
    }
    if (!data || typeof data !== 'object' || !Array.isArray((data as { memories?: unknown }).memories)) {
      throw new CliError(
        'invalid_input',
        `${file === '-' ? 'stdin' : file} is not a Mnemos export (expected {"format":"mnemos-export","memories":[…]})`,
      );
    }
    const s = await ctx.openStore();
    const res = await s.importAll(data);
    ctx.output(
      { imported: res.imported, skipped: res.skipped },
      `Imported ${memories(res.imported)}${res.skipped ? ` (${res.skipped} skipped: already present)` : ''}`,
    );
  },
};

const sync: Command = {
  description:
    'Only meaningful with --replica (or ICM_TURSO_REPLICA=1); elsewhere it reports that there is nothing to sync.',
  async run(ctx) {
    noPositionals(ctx);
    const s = await ctx.openStore();
    if (s.mode !== 'replica') {
      ctx.output({ synced: false, mode: s.mode }, `Nothing to sync: ${s.describe()} is not an embedded replica`);
      return;
    }
    await s.sync();
    ctx.output({ synced: true, mode: s.mode }, `Synced ${s.describe()}`);
  },
};

export const commands = {
  store,
  recall,
  list: listCmd,
  get,
  update,
  forget,
  topics,
  stats,
  health,
  consolidate,
  decay,
  prune,
  export: exportCmd,
  import: importCmd,
  sync,
} satisfies Record<string, Command>;
