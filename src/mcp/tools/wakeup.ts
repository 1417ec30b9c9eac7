/** ICM's `icm_wake_up`: the wake-up pack (src/mcp/wakeup.ts) as a tool. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { buildWakeUp, clampWakeUpTokens } from '../wakeup';
import type { ToolContext } from './context';
import { optionalString, READ_ONLY, titled } from './schemas';

export function register(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'icm_wake_up',
    {
      ...titled('Wake-up pack', READ_ONLY),
      description:
        'A short digest of the critical and high memories and preferences (decisions, constraints, resolved errors, ' +
        'milestones), within a token budget. Good at the start of a session.',
      inputSchema: {
        project: optionalString('project').describe(
          'Only topics naming this project, plus preferences; "" or "-" for all (the default)',
        ),
        max_tokens: z
          .number({ error: 'max_tokens must be a number' })
          .optional()
          .describe('Budget in tokens (default 200, 20..4000)'),
        format: z
          .enum(['markdown', 'plain'], { error: 'format must be markdown or plain' })
          .default('markdown')
          .describe('markdown (default) or plain'),
        include_preferences: z
          .boolean({ error: 'include_preferences must be true or false' })
          .default(true)
          .describe('Include preference topics (default true)'),
      },
    },
    ctx.read('icm_wake_up', (a) =>
      buildWakeUp(ctx.store, {
        project: a.project,
        maxTokens: clampWakeUpTokens(a.max_tokens),
        format: a.format,
        includePreferences: a.include_preferences,
      }),
    ),
  );
}
