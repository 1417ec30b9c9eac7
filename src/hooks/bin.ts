/**
 * dist/hook.js: `node dist/hook.js <event> --agent <dialect>`, the hook's small entry: through the warm
 * helper (src/hooks/client.ts), else in-process with the whole code (dist/cli-main.js).
 */
import * as path from 'node:path';
import { hookClient } from './client';

hookClient(process.argv.slice(2), path.join(__dirname, 'cli-main.js')).catch(() => process.exit(0));
