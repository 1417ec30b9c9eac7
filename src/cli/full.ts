/**
 * dist/cli-main.js: the whole CLI, the hook and the warm helper in one bundle. The small entries
 * (dist/cli.js from launch.ts, dist/hook.js from src/hooks/bin.ts) require it only when the work has to
 * happen in their own process; `node dist/cli-main.js --mnemos-helper` runs the helper (src/hooks/helper.ts).
 */
import { runHelper } from '../hooks/helper';

export { main, runAsProcess } from './main';
export { runHookCommand } from '../hooks/entry';
export { runHelper } from '../hooks/helper';

if (require.main === module && process.argv[2] === '--mnemos-helper') {
  // libsql's native code logs to fd 1; the helper's output is nobody's, but keep it quiet anyway.
  process.env.RUST_LOG ??= 'off';
  process.title = 'mnemos-helper';
  runHelper({ helperFile: __filename }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
