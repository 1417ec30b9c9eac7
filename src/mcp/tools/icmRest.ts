/**
 * ICM's feedback (×3) and transcript (×5) tools: the pure functions of src/icm-tools (`ICM_REST_TOOLS`,
 * ICM's exact texts), registered with ICM's names, descriptions and argument types. Each tool's zod
 * shape is built from ICM's own JSON schema, so `tools/list` shows ICM's properties and required list.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ICM_REST_TOOLS, type IcmTool } from '../../icm-tools';
import { icmRestOf } from '../../store/families';
import type { ToolContext } from './context';
import { ADDITIVE, READ_ONLY, titled } from './schemas';

const TITLES: Record<string, string> = {
  icm_feedback_record: 'Record feedback',
  icm_feedback_search: 'Search feedback',
  icm_feedback_stats: 'Feedback statistics',
  icm_transcript_start_session: 'Start transcript session',
  icm_transcript_record: 'Record transcript message',
  icm_transcript_search: 'Search transcripts',
  icm_transcript_show: 'Show transcript session',
  icm_transcript_stats: 'Transcript statistics',
};

const field = (o: unknown, k: string): unknown => (typeof o === 'object' && o !== null ? Reflect.get(o, k) : undefined);

/** What ICM's function says of a missing required field (feedback and transcripts word it differently). */
const missing = (tool: string, key: string) =>
  tool.startsWith('icm_feedback') ? `missing required field: ${key}` : `${key} is required`;

/**
 * ICM's JSON schema as a zod shape: strings stay strings, integers numbers (ICM's function applies the
 * default and the clamp), an enum is a string the function checks (so a bad value gets ICM's text).
 */
export function shapeOf(tool: IcmTool): Record<string, z.ZodType> {
  const props = field(tool.inputSchema, 'properties');
  const req = field(tool.inputSchema, 'required');
  const required = new Set(Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : []);
  const shape: Record<string, z.ZodType> = {};
  for (const key of Object.keys(typeof props === 'object' && props !== null ? props : {})) {
    const p = field(props, key);
    const desc = field(p, 'description');
    const dflt = field(p, 'default');
    let s: z.ZodType;
    if (field(p, 'type') === 'integer') {
      const n = z.number({ error: `${key} must be an integer` });
      s = required.has(key) ? n : typeof dflt === 'number' ? n.default(dflt) : n.optional();
    } else {
      const str = z.string({
        error: (iss) => (iss.input === undefined ? missing(tool.name, key) : `${key} must be a string`),
      });
      s = required.has(key) ? str : str.optional();
    }
    shape[key] = typeof desc === 'string' ? s.describe(desc) : s;
  }
  return shape;
}

export function register(server: McpServer, ctx: ToolContext): void {
  for (const tool of ICM_REST_TOOLS) {
    const handler = async (args: Record<string, unknown>) => {
      const { feedback, transcripts } = icmRestOf(ctx.store);
      const out = await tool.run({ feedback, transcripts, compact: ctx.compact }, args);
      return out.isError ? { content: [{ type: 'text' as const, text: out.text }], isError: true } : out.text;
    };
    server.registerTool(
      tool.name,
      {
        ...titled(TITLES[tool.name] ?? tool.name, tool.readOnly ? READ_ONLY : ADDITIVE),
        description: tool.description,
        inputSchema: shapeOf(tool),
      },
      tool.readOnly ? ctx.read(tool.name, handler) : ctx.write(tool.name, handler),
    );
  }
}
