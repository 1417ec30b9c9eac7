/**
 * ICM's transcript tools (`icm_transcript_*`): JSON texts exactly as ICM 0.10.57 prints them.
 * Two deliberate differences: the search query goes through Mnemos's safe translation of ICM's
 * query language (no text is an FTS5 syntax error), and a limit of 0 reads as 1 (ICM returns nothing).
 */
import { parseRole } from '../store/transcripts';
import { hitJson, messageJson, sessionJson, statsJson, toIcmJson } from './json';
import { type Args, clamp, fail, getStr, type IcmTool, type IcmToolContext, ok, storeCall } from './types';

/** serde's `as_u64`: a non-negative integer, else the default. */
function getU64(args: Args, key: string, dflt: number): number {
  const v = args?.[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : dflt;
}

export async function transcriptStartSession(ctx: IcmToolContext, args: Args) {
  return storeCall('start_session failed', async () => {
    const id = await ctx.transcripts.createSession({
      agent: getStr(args, 'agent') ?? 'mcp',
      project: getStr(args, 'project') ?? null,
      metadata: getStr(args, 'metadata') ?? null,
    });
    return ok(toIcmJson({ session_id: id }));
  });
}

export async function transcriptRecord(ctx: IcmToolContext, args: Args) {
  const sessionId = getStr(args, 'session_id');
  if (sessionId === undefined) return fail('session_id is required');
  const role = getStr(args, 'role');
  if (role === undefined) return fail('role is required');
  if (!parseRole(role)) return fail(`invalid role '${role}'; must be user|assistant|system|tool`);
  const content = getStr(args, 'content');
  if (content === undefined) return fail('content is required');
  const tokens = args?.tokens;
  return storeCall('record failed', async () => {
    const id = await ctx.transcripts.record({
      sessionId,
      role,
      content,
      toolName: getStr(args, 'tool_name') ?? null,
      tokens: typeof tokens === 'number' && Number.isSafeInteger(tokens) ? tokens : null,
      metadata: getStr(args, 'metadata') ?? null,
    });
    return ok(toIcmJson({ message_id: id }));
  });
}

export async function transcriptSearch(ctx: IcmToolContext, args: Args) {
  const query = getStr(args, 'query');
  if (query === undefined) return fail('query is required');
  const limit = clamp(getU64(args, 'limit', 10), 1, 50);
  return storeCall('search failed', async () => {
    const hits = await ctx.transcripts.search(query, {
      sessionId: getStr(args, 'session_id') ?? null,
      project: getStr(args, 'project') ?? null,
      limit,
    });
    return ok(toIcmJson(hits.map(hitJson)));
  });
}

export async function transcriptShow(ctx: IcmToolContext, args: Args) {
  const sessionId = getStr(args, 'session_id');
  if (sessionId === undefined) return fail('session_id is required');
  const limit = clamp(getU64(args, 'limit', 200), 1, 2000);
  return storeCall('get_session failed', async () => {
    const session = await ctx.transcripts.getSession(sessionId);
    if (!session) return fail(`session ${sessionId} not found`);
    const messages = await ctx.transcripts.messages(sessionId, { limit });
    return ok(toIcmJson({ session: sessionJson(session), messages: messages.map(messageJson) }));
  });
}

export async function transcriptStats(ctx: IcmToolContext) {
  return storeCall('stats failed', async () => ok(toIcmJson(statsJson(await ctx.transcripts.stats()))));
}

export const TRANSCRIPT_TOOLS: IcmTool[] = [
  {
    name: 'icm_transcript_start_session',
    description:
      'Create a new transcript session for verbatim message capture. Returns the session_id used by subsequent ' +
      'icm_transcript_record calls. Use once per conversation or debugging session.',
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        agent: {
          type: 'string',
          description: "Agent identifier (e.g. 'claude-code', 'cursor', 'gemini-cli'). Default: 'mcp'.",
        },
        project: { type: 'string', description: 'Project name (optional; usually cwd basename or repo slug)' },
        metadata: { type: 'string', description: 'Arbitrary JSON metadata (optional)' },
      },
    },
    run: transcriptStartSession,
  },
  {
    name: 'icm_transcript_record',
    description:
      'Append a verbatim message to a transcript session. Stores the raw content with no summarization. Use once ' +
      'per user turn, assistant reply, or tool call for full replay fidelity.',
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        session_id: { type: 'string', description: 'Session id from icm_transcript_start_session' },
        role: { type: 'string', enum: ['user', 'assistant', 'system', 'tool'], description: 'Message role' },
        content: { type: 'string', description: 'Raw message content (stored verbatim)' },
        tool_name: { type: 'string', description: 'Tool name if role=tool (optional)' },
        tokens: { type: 'integer', description: 'Token count for billing / stats (optional)' },
        metadata: { type: 'string', description: 'Arbitrary JSON metadata (optional)' },
      },
      required: ['session_id', 'role', 'content'],
    },
    run: transcriptRecord,
  },
  {
    name: 'icm_transcript_search',
    description:
      'Full-text search across recorded transcript messages (FTS5 BM25). Supports boolean operators, phrase ' +
      'matches, and prefix queries. Use to recall exact quotes or debug past decisions.',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: `FTS5 query: 'postgres OR mysql', '"exact phrase"', 'auth*'` },
        session_id: { type: 'string', description: 'Restrict to one session (optional)' },
        project: { type: 'string', description: 'Restrict to one project (optional)' },
        limit: { type: 'integer', default: 10, minimum: 1, maximum: 50 },
      },
      required: ['query'],
    },
    run: transcriptSearch,
  },
  {
    name: 'icm_transcript_show',
    description:
      'Replay the full message thread of a transcript session, chronologically. Returns up to `limit` messages ' +
      'with role, content, tool name, timestamp.',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        session_id: { type: 'string' },
        limit: { type: 'integer', default: 200, minimum: 1, maximum: 2000 },
      },
      required: ['session_id'],
    },
    run: transcriptShow,
  },
  {
    name: 'icm_transcript_stats',
    description:
      'Global transcript statistics: session count, message count, total bytes, breakdown by role and agent, ' +
      'top sessions by message count.',
    readOnly: true,
    inputSchema: { type: 'object', properties: {} },
    run: (ctx) => transcriptStats(ctx),
  },
];
