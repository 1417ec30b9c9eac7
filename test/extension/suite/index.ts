/**
 * The extension's integration tests, run inside a real VS Code extension host by
 * test/host/run-ext-tests.js (scripts/test-extension.sh builds this file into out/).
 * Order matters: later suites switch the same extension instance between modes.
 */
import './activation';
import './memories';
import './refresh';
import './modes';
import './offline';
import './embeddings';
import './tools';
import './mcp';
import './memoirs';
import './sessions';
import './agents';
import { runAll } from './harness';

export function run(): Promise<void> {
  return runAll();
}
