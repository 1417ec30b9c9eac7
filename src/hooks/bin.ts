/** dist/hook.js: `node dist/hook.js <event> --agent <dialect>`, the hook alone, without the CLI's modules. */
import { runHookCommand } from './entry';

runHookCommand(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then(
  (code) => process.exit(code),
  () => process.exit(0),
);
