/**
 * What the Connect Agents launcher costs a hook: `<global storage>/bin/mnemos hook prompt …` (a /bin/sh
 * script that execs the runtime on dist/hook.js) against `node dist/hook.js prompt …` directly, and
 * `node -e 0` for scale; whole processes, interleaved, same payload and database (1,000 memories).
 * usage: node --import tsx bench/agents-launcher.ts [--runs 20]   (after node scripts/build.mjs)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launcherScript } from '../src/extension/agents/model';
import { openStore } from '../src/store';

const ROOT = path.resolve(__dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-bench-launcher-'));
  const db = path.join(dir, 'memories.db');
  const store = await openStore({ mode: 'local', path: db });
  for (let i = 0; i < 1000; i++)
    await store.store({ topic: `bench-${i % 20}`, summary: `memory ${i} about the deploy pipeline step ${i % 37}` });
  await store.close();
  const launcher = path.join(dir, 'bin', 'mnemos');
  fs.mkdirSync(path.dirname(launcher));
  fs.writeFileSync(
    launcher,
    launcherScript({ platform: 'linux', runtime: process.execPath, electron: false, extensionPath: ROOT }),
    { mode: 0o755 },
  );
  const payload = JSON.stringify({ session_id: 'b', cwd: dir, prompt: 'how does the deploy pipeline step 12 work?' });
  const env = { ...process.env, MNEMOS_STATE_DIR: dir, MNEMOS_HOOK_ONCE_MS: '0' };
  const cases: [string, string, string[]][] = [
    ['node -e 0', process.execPath, ['-e', '0']],
    [
      'node dist/hook.js prompt',
      process.execPath,
      [path.join(ROOT, 'dist/hook.js'), 'prompt', '--agent', 'claude', '--db', db],
    ],
    ['launcher hook prompt', launcher, ['hook', 'prompt', '--agent', 'claude', '--db', db]],
  ];
  const times: number[][] = cases.map(() => []);
  for (let r = 0; r < runs + 2; r++) {
    cases.forEach(([, cmd, args], i) => {
      const t0 = performance.now();
      const p = spawnSync(cmd, args, { input: payload, env });
      const ms = performance.now() - t0;
      if (p.status !== 0) throw new Error(`${cmd} exited ${p.status}: ${p.stderr.toString()}`);
      if (r >= 2) times[i].push(ms); // two warm-up rounds
    });
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(
    `setup: ${runs} interleaved runs, 1,000 memories, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const base = med(times[0]);
  const direct = med(times[1]);
  cases.forEach(([name], i) => {
    const m = med(times[i]);
    console.log(
      `${name.padEnd(28)} median ${m.toFixed(1)} ms  ×${(m / base).toFixed(2)} node -e 0  ×${(m / direct).toFixed(2)} direct`,
    );
  });
  // Paired: per round, launcher / direct.
  const ratios = times[2].map((t, i) => t / times[1][i]);
  console.log(`launcher / direct, paired per round: median ${med(ratios).toFixed(3)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
