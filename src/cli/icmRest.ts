/**
 * `mnemos feedback …`, `mnemos facts …`, `mnemos transcript …` / `mnemos sessions …`: ICM's CLI over the
 * rest of ICM's store. Text output is ICM's (the tool functions of src/icm-tools where ICM has a tool);
 * `--format json` prints the store's objects.
 */
import {
  type Args,
  feedbackSearch,
  feedbackStats,
  type IcmToolOutput,
  transcriptSearch,
  transcriptShow,
} from '../icm-tools';
import { type IcmRestStores } from '../store/icmRest';
import { icmRestOf } from '../store/families';
import type { OptionTable } from './args';
import { type CommandContext, type CommandGroup, type CommandSpec, need, str } from './command';
import { CliError } from './errors';

function pos(ctx: CommandContext, n: number, what: string): string[] {
  if (ctx.positionals.length !== n) ctx.usage(`${ctx.command} takes ${what}`);
  return ctx.positionals;
}
function int(ctx: CommandContext, name: string): number | undefined {
  const v = str(ctx, name);
  if (v === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(v))
    throw new CliError('invalid_input', `--${name} must be a whole number (got ${JSON.stringify(v)})`);
  return Number(v);
}
const rest = async (ctx: CommandContext): Promise<IcmRestStores> => icmRestOf(await ctx.openStore());
const toolCtx = (r: IcmRestStores) => ({ feedback: r.feedback, transcripts: r.transcripts, compact: false });
/** An ICM tool's text, or its error as a CLI failure. */
function textOf(out: IcmToolOutput): string {
  if (out.isError) throw new CliError(/not found/.test(out.text) ? 'not_found' : 'invalid_input', out.text);
  return out.text.trimEnd();
}
const limit = { type: 'string', short: 'l', value: 'N', help: 'maximum results' } as const;

// ------------------------------------------------------------------------------------ feedback

export const feedback: CommandGroup = {
  description: "ICM's prediction/correction log.",
  subcommands: {
    record: {
      summary: 'Record a correction of a wrong prediction',
      usage: '-t TOPIC -c CONTEXT -p PREDICTED -x CORRECTED [-r REASON] [-s SOURCE]',
      options: {
        topic: { type: 'string', short: 't', value: 'TOPIC', help: 'topic' },
        context: { type: 'string', short: 'c', value: 'TEXT', help: 'the situation' },
        predicted: { type: 'string', short: 'p', value: 'TEXT', help: 'what was predicted' },
        corrected: { type: 'string', short: 'x', value: 'TEXT', help: 'what was right' },
        reason: { type: 'string', short: 'r', value: 'TEXT', help: 'why' },
        source: { type: 'string', short: 's', value: 'NAME', help: 'which tool predicted' },
      },
      async run(ctx) {
        const input = {
          topic: need(ctx, 'topic', '-t TOPIC'),
          context: need(ctx, 'context', '-c CONTEXT'),
          predicted: need(ctx, 'predicted', '-p PREDICTED'),
          corrected: need(ctx, 'corrected', '-x CORRECTED'),
          reason: str(ctx, 'reason') ?? null,
          source: str(ctx, 'source') ?? '',
        };
        const id = await (await rest(ctx)).feedback.record(input);
        ctx.output({ id }, `Feedback recorded: ${id}`);
      },
    },
    search: {
      summary: 'Search feedback (newest first)',
      usage: 'QUERY [-t TOPIC] [-l LIMIT]',
      options: { topic: { type: 'string', short: 't', value: 'TOPIC', help: 'only this topic' }, limit },
      async run(ctx) {
        const r = await rest(ctx);
        const args: Args = { query: ctx.positionals.join(' '), topic: str(ctx, 'topic'), limit: int(ctx, 'limit') };
        if (ctx.json) {
          const l = Math.min(100, Math.max(1, int(ctx, 'limit') ?? 5));
          ctx.output(
            { feedback: await r.feedback.search(String(args.query), { topic: str(ctx, 'topic'), limit: l }) },
            '',
          );
        } else ctx.output(null, textOf(await feedbackSearch(toolCtx(r), args)));
      },
    },
    stats: {
      summary: 'Feedback totals by topic, most applied',
      async run(ctx) {
        const r = await rest(ctx);
        if (ctx.json) ctx.output(await r.feedback.stats(), '');
        else ctx.output(null, textOf(await feedbackStats(toolCtx(r))));
      },
    },
  },
};

// --------------------------------------------------------------------------------------- facts

const factLine = (f: { entity: string; key: string; value: string }) => `${f.entity}.${f.key} = ${f.value}`;

export const facts: CommandGroup = {
  description: "ICM's exact (entity, key) → value layer: a new value supersedes the old, history is kept.",
  subcommands: {
    set: {
      summary: 'Set a fact',
      usage: 'ENTITY KEY VALUE [-s SOURCE]',
      options: { source: { type: 'string', short: 's', value: 'NAME', help: 'where it comes from' } },
      async run(ctx) {
        const [e, k, v] = pos(ctx, 3, 'ENTITY KEY VALUE');
        const r = await (await rest(ctx)).facts.set(e, k, v, { source: str(ctx, 'source') });
        ctx.output(r, `${r.action === 'unchanged' ? 'Unchanged' : 'Set'}: ${e}.${k} = ${v} (${r.id})`);
      },
    },
    get: {
      summary: "A fact's active value",
      usage: 'ENTITY KEY',
      async run(ctx) {
        const [e, k] = pos(ctx, 2, 'ENTITY KEY');
        const f = await (await rest(ctx)).facts.get(e, k);
        if (!f) throw new CliError('not_found', `no fact ${e}.${k}`);
        ctx.output({ fact: f }, f.value);
      },
    },
    list: {
      summary: "An entity's active facts",
      usage: 'ENTITY [-p KEY_PREFIX]',
      options: { prefix: { type: 'string', short: 'p', value: 'PREFIX', help: 'keys starting with' } },
      async run(ctx) {
        const [e] = pos(ctx, 1, 'ENTITY');
        const all = await (await rest(ctx)).facts.list(e, { keyPrefix: str(ctx, 'prefix') });
        ctx.output({ facts: all }, () => (all.length ? all.map(factLine).join('\n') : `No facts for ${e}.`));
      },
    },
    history: {
      summary: "A fact's values, newest first",
      usage: 'ENTITY KEY',
      async run(ctx) {
        const [e, k] = pos(ctx, 2, 'ENTITY KEY');
        const all = await (await rest(ctx)).facts.history(e, k);
        ctx.output({ facts: all }, () =>
          all.length
            ? all.map((f) => `${f.createdAt}  ${f.value}${f.supersededAt ? '  (superseded)' : ''}`).join('\n')
            : `No history for ${e}.${k}.`,
        );
      },
    },
    forget: {
      summary: 'Delete a fact and its history',
      usage: 'ENTITY KEY',
      async run(ctx) {
        const [e, k] = pos(ctx, 2, 'ENTITY KEY');
        const n = await (await rest(ctx)).facts.forget(e, k);
        if (!n) throw new CliError('not_found', `no fact ${e}.${k}`);
        ctx.output({ deleted: n }, `Forgot ${e}.${k} (${n} rows)`);
      },
    },
    stats: {
      summary: 'Fact totals',
      async run(ctx) {
        const s = await (await rest(ctx)).facts.stats();
        ctx.output(s, () =>
          [`Active facts: ${s.activeCount}`, `Total rows: ${s.totalCount}`, `Entities: ${s.distinctEntities}`]
            .concat(s.topEntities.map(([e, n]) => `  ${e}: ${n}`))
            .join('\n'),
        );
      },
    },
  },
};

// --------------------------------------------------------------------------------- transcripts

const sessionOpts = {
  project: { type: 'string', short: 'p', value: 'PROJECT', help: 'only this project' },
  limit,
} as const satisfies OptionTable;

const search: CommandSpec = {
  summary: 'Search messages (FTS5: OR, "phrase", prefix*)',
  usage: 'QUERY [-s SESSION] [-p PROJECT] [-l LIMIT]',
  options: { session: { type: 'string', short: 's', value: 'ID', help: 'only this session' }, ...sessionOpts },
  async run(ctx) {
    const r = await rest(ctx);
    const args: Args = {
      query: ctx.positionals.join(' '),
      session_id: str(ctx, 'session'),
      project: str(ctx, 'project'),
      limit: int(ctx, 'limit'),
    };
    ctx.io.stdout.write(`${textOf(await transcriptSearch(toolCtx(r), args))}\n`);
  },
};
const listSessions: CommandSpec = {
  summary: 'Sessions, most recently updated first',
  usage: '[-p PROJECT] [-l LIMIT]',
  options: sessionOpts,
  async run(ctx) {
    const all = await (
      await rest(ctx)
    ).transcripts.listSessions({ project: str(ctx, 'project'), limit: int(ctx, 'limit') ?? 20 });
    ctx.output({ sessions: all }, () =>
      all.length
        ? all.map((s) => `${s.id}  ${s.agent}  ${s.project ?? '-'}  ${s.updatedAt}`).join('\n')
        : 'No sessions.',
    );
  },
};
const showSession: CommandSpec = {
  summary: "A session and its messages (ICM's JSON)",
  usage: 'SESSION_ID [-l LIMIT]',
  options: { limit },
  async run(ctx) {
    const [id] = pos(ctx, 1, 'SESSION_ID');
    const out = await transcriptShow(toolCtx(await rest(ctx)), { session_id: id, limit: int(ctx, 'limit') });
    ctx.io.stdout.write(`${textOf(out)}\n`);
  },
};
const stats: CommandSpec = {
  summary: 'Transcript totals',
  async run(ctx) {
    const s = await (await rest(ctx)).transcripts.stats();
    ctx.output(s, () => JSON.stringify(s, null, 2));
  },
};
const forget: CommandSpec = {
  summary: 'Delete a session and its messages',
  usage: 'SESSION_ID',
  async run(ctx) {
    const [id] = pos(ctx, 1, 'SESSION_ID');
    const r = await (await rest(ctx)).transcripts.forgetSession(id);
    if (!r.sessions) throw new CliError('not_found', `session ${id} not found`);
    ctx.output(r, `Forgot session ${id} (${r.messages} messages)`);
  },
};

export const transcript: CommandGroup = {
  description: "ICM's verbatim session archive.",
  subcommands: {
    'start-session': {
      summary: 'Start a session; prints its id',
      usage: '[-a AGENT] [-p PROJECT]',
      options: {
        agent: { type: 'string', short: 'a', value: 'AGENT', help: 'agent name (default cli)' },
        project: { type: 'string', short: 'p', value: 'PROJECT', help: 'project' },
      },
      async run(ctx) {
        const id = await (
          await rest(ctx)
        ).transcripts.createSession({
          agent: str(ctx, 'agent') ?? 'cli',
          project: str(ctx, 'project') ?? null,
        });
        ctx.output({ session_id: id }, id);
      },
    },
    record: {
      summary: 'Record a message in a session',
      usage: '-s SESSION -r ROLE -c CONTENT [--tool NAME]',
      options: {
        session: { type: 'string', short: 's', value: 'ID', help: 'session id' },
        role: { type: 'string', short: 'r', value: 'ROLE', help: 'user | assistant | system | tool' },
        content: { type: 'string', short: 'c', value: 'TEXT', help: 'message ("-" reads stdin)' },
        tool: { type: 'string', value: 'NAME', help: 'tool name' },
      },
      async run(ctx) {
        const sessionId = need(ctx, 'session', '-s SESSION');
        const role = need(ctx, 'role', '-r ROLE');
        if (!['user', 'assistant', 'system', 'tool'].includes(role)) {
          throw new CliError('invalid_input', `invalid role '${role}'; must be user|assistant|system|tool`);
        }
        const c = need(ctx, 'content', '-c CONTENT');
        const content = c === '-' ? await ctx.readInput('-') : c;
        const id = await (
          await rest(ctx)
        ).transcripts.record({ sessionId, role, content, toolName: str(ctx, 'tool') ?? null });
        ctx.output({ message_id: id }, id);
      },
    },
    search,
    'list-sessions': listSessions,
    show: showSession,
    stats,
    forget,
  },
};

export const sessions: CommandGroup = {
  description: 'The session archive (the same as `mnemos transcript`).',
  subcommands: { search, list: listSessions, show: showSession, stats, forget },
};
