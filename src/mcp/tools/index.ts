/**
 * The tool families, in the order `tools/list` shows them (ICM's order, family by family: memories,
 * memoirs with learn and extract-patterns, feedback and transcripts, wake-up). A family is one file
 * exporting `register(server, ctx)`; a new one is that file plus one line here.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context';
import * as icmRest from './icmRest';
import * as memoirs from './memoirs';
import * as memories from './memories';
import * as wakeup from './wakeup';

export const TOOL_FAMILIES: readonly { register(server: McpServer, ctx: ToolContext): void }[] = [
  memories,
  memoirs,
  icmRest,
  wakeup,
];
