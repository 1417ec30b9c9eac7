/** ICM's memory tools (`icm_memory_*`, icm-reference §3): same names, parameters, defaults and texts. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type Memory, type MnemosStore, newId, type RecallResult, type StoreResult } from '../../store';
import { plural } from '../../shared/text';
import { renderHealth, renderRecall, renderStats, renderTopics } from '../format';
import { keywordMatches, normaliseProject, passesProject, topicMatches } from '../match';
import { type Reply, type ToolContext, toolError } from './context';
import {
  ADDITIVE,
  clampInt,
  DESTRUCTIVE,
  importanceSchema,
  keywordList,
  keywordsSchema,
  optionalString,
  READ_ONLY,
  required,
  titled,
} from './schemas';

/** A store hint (never an automatic, lossy consolidation) once a topic holds this many memories. */
export const CONSOLIDATE_HINT_AT = 10;
export const RECALL_DEFAULT_LIMIT = 5;
export const RECALL_MAX_LIMIT = 100;
/** How many candidates recall may read to fill `limit` after the project/keyword/topic filters. */
const RECALL_MAX_CANDIDATES = 1000;

const recallInput = {
  query: required('query', 'words describing what you are looking for').describe('What to look for'),
  topic: optionalString('topic').describe(
    'Only topics containing this text (case-insensitive); "prefix*" for a prefix',
  ),
  limit: z
    .number({ error: 'limit must be a number' })
    .optional()
    .describe(`How many memories (default ${RECALL_DEFAULT_LIMIT}, 1..${RECALL_MAX_LIMIT})`),
  keyword: optionalString('keyword').describe('Only memories with a keyword containing this text (case-insensitive)'),
  project: optionalString('project').describe(
    'Only topics naming this project (segment match), plus preference topics; omit or "" for all',
  ),
  importance: importanceSchema.optional().describe('Only memories of this importance'),
};
type RecallArgs = z.output<z.ZodObject<typeof recallInput>>;

const memories = (n: number) => plural(n, 'memory', 'memories');

export function register(server: McpServer, ctx: ToolContext): void {
  const { store, compact } = ctx;

  server.registerTool(
    'icm_memory_store',
    {
      ...titled('Store memory', ADDITIVE),
      description:
        'Store a memory: a decision, a resolved error, a preference, project context. Same topic + same content ' +
        'merges into the existing memory (its importance is never lowered).',
      inputSchema: {
        topic: required('topic', 'e.g. "decisions-myproject", "errors-resolved", "preferences"').describe(
          'Category, e.g. "decisions-<project>", "errors-resolved", "preferences", "context-<project>"',
        ),
        content: required('content', 'the fact to remember').describe(
          'The memory itself: one self-contained fact, decision or fix',
        ),
        importance: importanceSchema.default('medium').describe('critical, high, medium (default) or low'),
        keywords: keywordsSchema,
        raw_excerpt: optionalString('raw_excerpt').describe(
          'Verbatim snippet (code, error output) kept with the memory',
        ),
      },
    },
    ctx.write('icm_memory_store', async (a) => {
      // Our own id: a write the store retries after a dropped connection lands once.
      const res = await store.store({
        id: newId(),
        topic: a.topic,
        summary: a.content,
        importance: a.importance,
        keywords: keywordList(a.keywords),
        rawExcerpt: a.raw_excerpt,
      });
      const topic = a.topic.trim();
      const lines = [compact ? `ok:${res.id}` : storedVerbose(res)];
      if (!topic.endsWith('*')) {
        const n = await store.count(topic);
        if (n >= CONSOLIDATE_HINT_AT) {
          lines.push(`Topic '${topic}' has ${n} memories; consider summarising it with icm_memory_consolidate.`);
        }
      }
      return lines.join('\n');
    }),
  );

  server.registerTool(
    'icm_memory_recall',
    {
      ...titled('Recall memories', READ_ONLY),
      description:
        'Search memories by meaning and keywords. Filters (topic, project, keyword, importance) apply before the ' +
        'limit. Call at the start of a task.',
      inputSchema: recallInput,
    },
    ctx.read('icm_memory_recall', (a) => recall(store, compact, a)),
  );

  server.registerTool(
    'icm_memory_forget',
    {
      ...titled('Forget memory', DESTRUCTIVE),
      description: 'Delete one memory by id.',
      inputSchema: { id: required('id', 'the memory id').describe('Memory id (ULID)') },
    },
    ctx.write('icm_memory_forget', async ({ id }) => {
      await store.forget(id);
      return `Deleted memory: ${id.trim()}`;
    }),
  );

  server.registerTool(
    'icm_memory_forget_topic',
    {
      ...titled('Forget topic', DESTRUCTIVE),
      description: 'Delete every memory in a topic (exact name). No 500-row cap.',
      inputSchema: { topic: required('topic', 'the exact topic name').describe('Exact topic name') },
    },
    ctx.write('icm_memory_forget_topic', async ({ topic }) => {
      const n = await store.forgetTopic(topic);
      return `Deleted ${memories(n)} from topic: ${topic.trim()}`;
    }),
  );

  server.registerTool(
    'icm_memory_update',
    {
      ...titled('Update memory', DESTRUCTIVE),
      description:
        'Correct a memory in place (its weight resets to 1.0). Give the new content and/or importance or keywords.',
      inputSchema: {
        id: required('id', 'the memory id').describe('Memory id (ULID)'),
        content: optionalString('content').describe('New content (replaces the old)'),
        importance: importanceSchema.optional().describe('New importance'),
        keywords: keywordsSchema.describe('New keywords (replace the old)'),
      },
    },
    ctx.write('icm_memory_update', async (a) => {
      if (a.content === undefined && a.importance === undefined && a.keywords === undefined) {
        return toolError('nothing to update: give content, importance or keywords');
      }
      const m = await store.update(a.id, {
        summary: a.content,
        importance: a.importance,
        keywords: keywordList(a.keywords),
      });
      return `Updated memory: ${m.id}`;
    }),
  );

  server.registerTool(
    'icm_memory_consolidate',
    {
      ...titled('Consolidate topic', DESTRUCTIVE),
      description:
        'Replace every memory of a topic with one summary you write (importance high unless given). Only when ' +
        'asked: nothing is consolidated automatically.',
      inputSchema: {
        topic: required('topic', 'the exact topic name').describe('Exact topic name'),
        summary: required('summary', 'the consolidated text').describe('The summary that replaces the topic'),
        keywords: keywordsSchema.describe("Keywords (default: the union of the topic's keywords)"),
        importance: importanceSchema.optional().describe('Importance of the summary (default high)'),
      },
    },
    ctx.write('icm_memory_consolidate', async (a) => {
      const r = await store.consolidate(a.topic, a.summary, {
        keywords: keywordList(a.keywords),
        importance: a.importance,
      });
      const topic = a.topic.trim();
      if (compact) return `Consolidated topic: ${topic}`;
      return `Consolidated topic: ${topic} (${memories(r.replaced)} replaced by ${r.id})`;
    }),
  );

  server.registerTool(
    'icm_memory_list_topics',
    { ...titled('List topics', READ_ONLY), description: 'List every topic with its number of memories.' },
    ctx.read('icm_memory_list_topics', async () => renderTopics(await store.topics())),
  );

  server.registerTool(
    'icm_memory_stats',
    { ...titled('Memory statistics', READ_ONLY), description: 'Counts, average weight, oldest and newest memory.' },
    ctx.read('icm_memory_stats', async () => {
      const stats = await store.stats();
      if (compact) return renderStats(stats);
      const cov = await store.embeddingCoverage();
      const embeddings = cov.model
        ? `Embeddings: ${cov.model} (${cov.embedded}/${cov.total} memories)`
        : 'Embeddings: off (keyword recall only)';
      return renderStats(stats, [`Store: ${store.describe()}`, embeddings]);
    }),
  );

  server.registerTool(
    'icm_memory_health',
    {
      ...titled('Memory health', READ_ONLY),
      description: 'Per-topic health: size, average weight, stale entries, topics that need consolidation.',
      inputSchema: { topic: optionalString('topic').describe('One topic (exact name); all topics when omitted') },
    },
    ctx.read('icm_memory_health', async (a) => {
      const report = await store.topicHealth(a.topic?.trim() || undefined);
      return report.length ? renderHealth(report) : 'No topics yet.';
    }),
  );

  server.registerTool(
    'icm_memory_embed_all',
    {
      ...titled('Embed all memories', ADDITIVE),
      description:
        'Compute embeddings for memories that have none, so recall can match by meaning. Needs an embedding model ' +
        '(MNEMOS_EMBED_MODEL).',
      inputSchema: { topic: optionalString('topic').describe('Only this topic (exact name; "prefix*" for a prefix)') },
    },
    // Not in the write queue: it may run for minutes.
    ctx.read('icm_memory_embed_all', async (a) => {
      if (!store.embeddingModel) {
        return (
          'Embeddings are off in this server (no MNEMOS_EMBED_MODEL): nothing was embedded. Recall works on ' +
          'keywords (FTS5/BM25), and every memory is searchable that way.'
        );
      }
      const p = await store.embedMissing({ topic: a.topic?.trim() || undefined });
      if (p.total === 0) return 'All memories already have embeddings.';
      return `Embedded ${p.done}/${p.total} memories (${plural(p.errors, 'error', 'errors')})`;
    }),
  );
}

/** The verbose answer to a store: what happened to the memory. */
function storedVerbose(res: StoreResult): string {
  if (res.action === 'created') return `Stored memory: ${res.id}`;
  if (res.action === 'merged' && res.similarity !== undefined) {
    return `Updated existing memory (similarity ${res.similarity.toFixed(2)}): ${res.id}`;
  }
  if (res.action === 'merged') return `Merged into existing memory (same topic and content): ${res.id}`;
  return `Already stored (same topic and content): ${res.id}`;
}

async function recall(store: MnemosStore, compact: boolean, a: RecallArgs): Promise<Reply> {
  if (!a.query.trim()) {
    return toolError('query is empty: give a few words to search for (icm_memory_list_topics shows what is stored)');
  }
  const query = a.query;
  const limit = clampInt(a.limit, RECALL_DEFAULT_LIMIT, 1, RECALL_MAX_LIMIT);
  const importance = a.importance;
  const project = normaliseProject(a.project);
  const keyword = a.keyword?.trim() || undefined;
  const topicFilter = a.topic?.trim() || undefined;

  const filters: ((m: Memory) => boolean)[] = [];
  let storeTopic: string | undefined;
  if (topicFilter) {
    if (topicFilter.endsWith('*')) storeTopic = topicFilter;
    else {
      const matching = (await store.topics()).filter((t) => topicMatches(t.topic, topicFilter));
      if (!matching.length) return 'No memories found.';
      if (matching.length === 1 && !matching[0].topic.endsWith('*')) storeTopic = matching[0].topic;
      else {
        const names = new Set(matching.map((t) => t.topic));
        filters.push((m) => names.has(m.topic));
      }
    }
  }
  if (project) filters.push((m) => passesProject(m.topic, project));
  if (keyword) filters.push((m) => keywordMatches(m.keywords, keyword));

  if (!filters.length) {
    const res = await store.recall(query, { topic: storeTopic, importance, limit });
    return renderRecall(res, res.items, compact);
  }
  // Filters the store cannot express run here, on as many candidates as it takes to fill `limit`.
  // Partial matches stand in when no memory that passes the filters has every term.
  let res!: RecallResult;
  let kept: RecallResult['items'] = [];
  for (const fillTo of [1, RECALL_MAX_CANDIDATES]) {
    let fetch = Math.min(RECALL_MAX_CANDIDATES, limit * 4);
    for (;;) {
      res = await store.recall(query, { topic: storeTopic, importance, limit: fetch, fillTo, bumpAccess: false });
      kept = res.items.filter((s) => filters.every((f) => f(s.memory)));
      if (kept.length >= limit || res.items.length < fetch || fetch >= RECALL_MAX_CANDIDATES) break;
      fetch = Math.min(RECALL_MAX_CANDIDATES, fetch * 4);
    }
    if (kept.length || !res.items.some((s) => s.fullMatch)) break;
  }
  kept = kept.slice(0, limit);
  if (kept.length) store.bumpAccess(kept.map((s) => s.memory.id));
  return renderRecall(res, kept, compact);
}
