/**
 * ICM's memoir tools (icm-reference §3): `icm_learn`, `icm_memoir_*`, `icm_memory_extract_patterns`, with
 * ICM's names, parameters, defaults, clamps, texts and error texts (crates/icm-mcp/src/tools.rs, 0.10.57).
 * The text renderers are exported for the CLI (`mnemos memoir …`), which prints the same texts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isStoreError } from '../../store';
import { memoirsOf } from '../../store/families';
import { textOf } from '../../shared/text';
import { type Concept, type Memoir, type MemoirStore, RELATIONS } from '../../store/memoirs';
import {
  f2,
  icmInt,
  learnText,
  MAX_MCP_NAME,
  MAX_MCP_TEXT,
  renderConceptHits,
  renderInspect,
  renderMemoirList,
  renderMemoirShow,
  renderPatterns,
  tooLong,
} from '../memoirText';
import { type Reply, type ToolContext, toolError } from './context';
import { ADDITIVE, READ_ONLY, titled } from './schemas';

/** A refused call: ICM's error text, ready to return. */
class Refusal {
  constructor(readonly reply: CallToolResult) {}
}

/** Runs a store call; a store error becomes ICM's `prefix: message` refusal, anything else is thrown. */
async function attempt<T>(prefix: string, fn: () => Promise<T>): Promise<T | Refusal> {
  try {
    return await fn();
  } catch (e) {
    if (isStoreError(e)) return new Refusal(toolError(`${prefix}: ${e.message}`));
    throw e;
  }
}

async function icm(prefix: string, fn: () => Promise<Reply>): Promise<Reply> {
  const r = await attempt(prefix, fn);
  return r instanceof Refusal ? r.reply : r;
}

/** ICM's `resolve_memoir`: by name, else `memoir not found: <name>`. */
async function memoirNamed(ms: MemoirStore, name: string): Promise<Memoir | Refusal> {
  const m = await attempt('db error', () => ms.getMemoir(name));
  return m ?? new Refusal(toolError(`memoir not found: ${name}`));
}

async function conceptNamed(ms: MemoirStore, memoir: Memoir, name: string): Promise<Concept | Refusal> {
  const c = await attempt('db error', () => ms.getConcept(memoir.id, name));
  return c ?? new Refusal(toolError(`concept not found: ${name}`));
}

// ------------------------------------------------------------------------------ the tools

/** A required argument; missing, it is refused with ICM's text. */
const req = (name: string) =>
  z.string({
    error: (iss) => (iss.input === undefined ? `missing required field: ${name}` : `${name} must be a string`),
  });
const opt = (name: string) => z.string({ error: `${name} must be a string` }).optional();
const int = (name: string) => z.number({ error: `${name} must be an integer` }).optional();

export function register(server: McpServer, ctx: ToolContext): void {
  const ms = () => memoirsOf(ctx.store);
  registerMemoirTools(server, ctx, ms);
}

function registerMemoirTools(server: McpServer, ctx: ToolContext, ms: () => MemoirStore): void {
  server.registerTool(
    'icm_learn',
    {
      ...titled('Learn project', ADDITIVE),
      description:
        'Scan a project directory and create a Memoir knowledge graph with its structure, dependencies, modules, ' +
        'and config files.',
      inputSchema: {
        directory: opt('directory').describe('Project directory to scan (default: current working directory)'),
        name: opt('name').describe('Memoir name (default: directory name)'),
      },
    },
    ctx.write('icm_learn', async (a) => {
      const dir = a.directory ?? '.';
      const abs = path.resolve(dir);
      if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) return toolError(`directory not found: ${dir}`);
      return icm('learn failed', async () => learnText(await ms().learn(abs, a.name)));
    }),
  );

  server.registerTool(
    'icm_memoir_create',
    {
      ...titled('Create memoir', ADDITIVE),
      description: 'Create a new memoir — a permanent knowledge container. Memoirs hold concepts that never decay.',
      inputSchema: {
        name: req('name').describe('Unique human-readable name for the memoir'),
        description: opt('description').describe('Description of what this memoir is for'),
      },
    },
    ctx.write('icm_memoir_create', async (a) => {
      const bad = tooLong('name', a.name, MAX_MCP_NAME) ?? tooLong('description', a.description ?? '', MAX_MCP_TEXT);
      if (bad) return toolError(bad);
      return icm('failed to create memoir', async () => {
        const m = await ms().createMemoir(a.name, a.description ?? '');
        return `Created memoir '${a.name}': ${m.id}`;
      });
    }),
  );

  server.registerTool(
    'icm_memoir_list',
    { ...titled('List memoirs', READ_ONLY), description: 'List all memoirs with their concept counts.' },
    ctx.read('icm_memoir_list', () =>
      icm('failed to list memoirs', async () => renderMemoirList(await ms().listMemoirs())),
    ),
  );

  server.registerTool(
    'icm_memoir_show',
    {
      ...titled('Show memoir', READ_ONLY),
      description: "Show a memoir's stats, labels, and all its concepts.",
      inputSchema: { name: req('name').describe('Memoir name') },
    },
    ctx.read('icm_memoir_show', async (a) => {
      const m = await memoirNamed(ms(), a.name);
      if (m instanceof Refusal) return m.reply;
      return icm('failed to get stats', async () => {
        const [stats, concepts] = await Promise.all([ms().stats(m.id), ms().listConcepts(m.id)]);
        return renderMemoirShow(m, stats, concepts);
      });
    }),
  );

  server.registerTool(
    'icm_memoir_add_concept',
    {
      ...titled('Add concept', ADDITIVE),
      description: 'Add a permanent concept to a memoir. Concepts are knowledge nodes that get refined, never decayed.',
      inputSchema: {
        memoir: req('memoir').describe('Memoir name'),
        name: req('name').describe('Concept name (unique within memoir)'),
        definition: req('definition').describe('Dense description of the concept'),
        labels: opt('labels').describe(
          "Comma-separated labels (namespace:value or plain tag). E.g. 'domain:arch,type:decision'",
        ),
      },
    },
    ctx.write('icm_memoir_add_concept', async (a) => {
      const bad = tooLong('concept name', a.name, MAX_MCP_NAME) ?? tooLong('definition', a.definition, MAX_MCP_TEXT);
      if (bad) return toolError(bad);
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      const labels = (a.labels ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return icm('failed to add concept', async () => {
        const c = await ms().addConcept(m.id, { name: a.name, definition: a.definition, labels });
        return `Added concept '${a.name}' to memoir '${a.memoir}': ${c.id}`;
      });
    }),
  );

  server.registerTool(
    'icm_memoir_refine',
    {
      ...titled('Refine concept', ADDITIVE),
      description: 'Refine an existing concept with a new, improved definition. Bumps revision and boosts confidence.',
      inputSchema: {
        memoir: req('memoir').describe('Memoir name'),
        name: req('name').describe('Concept name'),
        definition: req('definition').describe('New, refined definition'),
      },
    },
    ctx.write('icm_memoir_refine', async (a) => {
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      const c = await conceptNamed(ms(), m, a.name);
      if (c instanceof Refusal) return c.reply;
      return icm('failed to refine', async () => {
        const r = await ms().refineConcept(m.id, c.id, a.definition);
        return `Refined '${a.name}' (r${r.revision}, confidence=${f2(r.confidence)})`;
      });
    }),
  );

  server.registerTool(
    'icm_memoir_search',
    {
      ...titled('Search memoir', READ_ONLY),
      description: 'Full-text search concepts within a memoir.',
      inputSchema: {
        memoir: req('memoir').describe('Memoir name'),
        query: req('query').describe('Search query'),
        label: opt('label').describe("Filter by label (e.g. 'domain:tech')"),
        limit: int('limit').default(10).describe('Max results'),
      },
    },
    ctx.read('icm_memoir_search', async (a) => {
      const limit = icmInt(a.limit, 10, 1, 100);
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      return icm('search error', async () =>
        renderConceptHits(await ms().searchConcepts(m.id, a.query, { limit, label: a.label })),
      );
    }),
  );

  server.registerTool(
    'icm_memoir_link',
    {
      ...titled('Link concepts', ADDITIVE),
      description: 'Create a directed, typed edge between two concepts in the same memoir.',
      inputSchema: {
        memoir: req('memoir').describe('Memoir name'),
        from: req('from').describe('Source concept name'),
        to: req('to').describe('Target concept name'),
        relation: z
          .enum(RELATIONS, {
            error: (iss) =>
              iss.input === undefined ? 'missing required field: relation' : `invalid relation: ${textOf(iss.input)}`,
          })
          .describe('Relation type'),
      },
    },
    ctx.write('icm_memoir_link', async (a) => {
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      const from = await conceptNamed(ms(), m, a.from);
      if (from instanceof Refusal) return from.reply;
      const to = await conceptNamed(ms(), m, a.to);
      if (to instanceof Refusal) return to.reply;
      return icm('failed to link', async () => {
        const l = await ms().link(m.id, from.id, to.id, a.relation);
        return `Linked: ${a.from} --${l.relation}--> ${a.to} (${l.id})`;
      });
    }),
  );

  server.registerTool(
    'icm_memoir_inspect',
    {
      ...titled('Inspect concept', READ_ONLY),
      description: 'Inspect a concept and its graph neighborhood (BFS).',
      inputSchema: {
        memoir: req('memoir').describe('Memoir name'),
        name: req('name').describe('Concept name'),
        depth: int('depth').default(1).describe('BFS depth'),
      },
    },
    ctx.read('icm_memoir_inspect', async (a) => {
      const depth = icmInt(a.depth, 1, 1, 3);
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      const c = await conceptNamed(ms(), m, a.name);
      if (c instanceof Refusal) return c.reply;
      return icm('graph error', async () => renderInspect(c, await ms().neighborhood(m.id, c.id, depth), depth));
    }),
  );

  server.registerTool(
    'icm_memoir_export',
    {
      ...titled('Export memoir', READ_ONLY),
      description:
        "Export a memoir's full concept graph. Formats: json (structured), dot (Graphviz), ascii (visual), ai " +
        '(compact markdown for LLM context).',
      inputSchema: {
        name: req('name').describe('Memoir name'),
        // ICM's enum, checked by the handler so an unknown format gets ICM's text.
        format: opt('format')
          .default('json')
          .describe(
            'Output format: json (structured), dot (Graphviz), ascii (visual graph), ai (compact markdown for LLM)',
          ),
      },
    },
    ctx.read('icm_memoir_export', async (a) => {
      const m = await memoirNamed(ms(), a.name);
      if (m instanceof Refusal) return m.reply;
      return icm('db error', () => ms().export(m.id, a.format));
    }),
  );

  server.registerTool(
    'icm_memory_extract_patterns',
    {
      ...titled('Extract patterns', ADDITIVE),
      description:
        'Detect recurring patterns in a topic by keyword similarity. Optionally create concepts in a memoir from ' +
        'detected patterns.',
      inputSchema: {
        topic: req('topic').describe('Topic to analyze for patterns'),
        memoir: opt('memoir').describe('Memoir name — if provided, creates concepts from detected patterns'),
        min_cluster_size: int('min_cluster_size')
          .default(3)
          .describe('Minimum number of similar memories to form a pattern (default: 3)'),
      },
    },
    ctx.write('icm_memory_extract_patterns', async (a) => {
      const min = icmInt(a.min_cluster_size, 3, 2, 50);
      const found = await attempt('pattern detection failed', () => ms().detectPatterns(a.topic, min));
      if (found instanceof Refusal) return found.reply;
      if (!found.length || a.memoir === undefined) return renderPatterns(a.topic, min, found);
      const m = await memoirNamed(ms(), a.memoir);
      if (m instanceof Refusal) return m.reply;
      return icm('pattern detection failed', async () => {
        const r = await ms().extractPatterns(a.topic, { memoir: m.id, minClusterSize: min });
        const concepts = r.concepts.map((c) => ({ id: c.concept.id, action: c.action }));
        return renderPatterns(a.topic, min, r.clusters, { memoir: a.memoir!, concepts });
      });
    }),
  );

  server.registerTool(
    'icm_memoir_search_all',
    {
      ...titled('Search all memoirs', READ_ONLY),
      description: 'Full-text search concepts across all memoirs.',
      inputSchema: {
        query: req('query').describe('Search query'),
        limit: int('limit').default(10).describe('Max results'),
      },
    },
    ctx.read('icm_memoir_search_all', (a) =>
      icm('search error', async () =>
        renderConceptHits(await ms().searchAllConcepts(a.query, { limit: icmInt(a.limit, 10, 1, 100) })),
      ),
    ),
  );
}
