/**
 * Runs the MCP server on stdio from the environment alone (MNEMOS_DB, TURSO_DATABASE_URL +
 * TURSO_AUTH_TOKEN, ICM_TURSO_REPLICA, MNEMOS_MCP_COMPACT). `mnemos serve` does the same with flags.
 */
import { runStdioServer } from './stdio';

runStdioServer().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`mnemos MCP server: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
