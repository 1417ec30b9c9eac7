/**
 * ICM's feedback and transcript tools as pure functions (arguments → store call → ICM's text), for
 * the MCP server and the CLI to register with one line each:
 *   for (const t of ICM_REST_TOOLS) register(t.name, t.description, t.inputSchema, (a) => t.run(ctx, a));
 */
import { FEEDBACK_TOOLS } from './feedback';
import { TRANSCRIPT_TOOLS } from './transcripts';
import type { IcmTool } from './types';

export * from './feedback';
export * from './transcripts';
export * from './types';
export { rustF64, toIcmJson } from './json';

/** The 8 tools, in ICM's `tools/list` order. */
export const ICM_REST_TOOLS: readonly IcmTool[] = [...FEEDBACK_TOOLS, ...TRANSCRIPT_TOOLS];
