/**
 * The tool families, in the order `tools/list` shows them. A family is one file exporting
 * `register(server, ctx)`; a new one is that file plus one line here.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './context';
import * as memories from './memories';
import * as wakeup from './wakeup';

export const TOOL_FAMILIES: readonly { register(server: McpServer, ctx: ToolContext): void }[] = [memories, wakeup];
