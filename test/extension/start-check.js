#!/usr/bin/env node
// Checks `npm start` the way a person would: runs scripts/start.sh (code-server path) in a throwaway
// dev folder on a seeded local store, opens the printed URL in headless chromium, clicks the Mnemos
// activity-bar item, waits for the Memories view to show the seeded topics, saves a screenshot, and
// stops everything. Exit 0 = the interactive code-server loaded the unpacked extension.
// usage: node test/extension/start-check.js [--out FILE.png] [--keep]
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const H = require('../host/host-common');

const opts = H.parseArgs(process.argv.slice(2), { bools: ['keep'] });
const repo = path.resolve(__dirname, '../..');
const out = path.resolve(opts.out || path.join(repo, 'test-results', 'start-check.png'));
const run = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-start-check-'));
const db = path.join(run, 'memories.db');
const t0 = Date.now();
const ms = () => `${Date.now() - t0} ms`;

// A store with something to show: the same CLI the agents use.
for (const [topic, content] of [
  ['decisions-demo', 'Deploys go out on Tuesdays after the standup'],
  ['errors-resolved', 'ECONNRESET from the billing API: raise the keep-alive timeout to 65 s'],
  ['preferences', 'Use pnpm, not npm, in the web app'],
])
  execFileSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'store', '--db', db, '-t', topic, '-c', content], {
    stdio: 'ignore',
  });

let child,
  ctx,
  code = 2;
async function finish(c, why) {
  if (why) console.error(`[start-check] ${why}`);
  if (ctx) await Promise.race([ctx.close().catch(() => {}), H.sleep(10000)]);
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {}
    await Promise.race([new Promise((r) => child.once('exit', r)), H.sleep(5000)]);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
  if (!opts.keep) fs.rmSync(run, { recursive: true, force: true });
  process.exit(c);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(130, `got ${sig}`));
setTimeout(() => finish(124, 'TIMEOUT after 240 s'), 240_000).unref();

(async () => {
  const folder = path.join(run, 'ws');
  fs.mkdirSync(folder);
  // detached: start.sh execs code-server, which forks the extension host; one group, one signal.
  child = spawn('bash', [path.join(repo, 'scripts', 'start.sh'), folder], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MNEMOS_USE_CODE_SERVER: '1',
      MNEMOS_DEV_DIR: path.join(run, 'dev'),
      MNEMOS_DB: db,
      MNEMOS_PORT: '0',
    },
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d.toString();
      const m = /Mnemos in VS Code \(code-server\):\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (c) => reject(new Error(`start.sh exited (${c}) before printing the URL:\n${output}`)));
  });
  console.log(`[start-check] start.sh printed ${url} after ${ms()}`);
  const origin = new URL(url).origin;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch {}
    if (i > 150) throw new Error(`code-server never answered on ${origin}:\n${output}`);
    await H.sleep(200);
  }
  const dirs = { profile: path.join(run, 'chromium'), home: path.join(run, 'home'), tmp: path.join(run, 'tmp') };
  for (const d of [dirs.home, dirs.tmp]) fs.mkdirSync(d, { recursive: true });
  ctx = await H.launchBrowser(dirs, { width: 1400, height: 900 });
  const page = ctx.pages()[0] || (await ctx.newPage());
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  console.log(`[start-check] workbench visible after ${ms()}`);
  const item = page.locator('.activitybar .action-item [aria-label^="Mnemos"]').first();
  await item.waitFor({ timeout: 60000 });
  if ((await item.getAttribute('aria-checked')) !== 'true' && (await item.getAttribute('aria-expanded')) !== 'true')
    await item.click();
  console.log(`[start-check] Mnemos activity-bar item clicked after ${ms()}`);
  let shown = '';
  for (let i = 0; i < 120 && !shown; i++) {
    for (const f of page.frames()) {
      const body = await f.evaluate(() => (document.body && document.body.innerText) || '').catch(() => '');
      if (body.includes('errors-resolved') && body.includes('preferences')) shown = body;
    }
    if (!shown) await H.sleep(500);
  }
  await H.sleep(1000);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`[start-check] screenshot ${out}`);
  if (!shown) return finish(1, 'the Memories view never showed the seeded topics');
  const status = await page
    .locator('.statusbar [aria-label*="Mnemos"], .statusbar-item:has-text("Mnemos")')
    .first()
    .innerText()
    .catch(() => '');
  console.log(
    `[start-check] OK after ${ms()}: Memories view shows the seeded topics; status bar: ${status.replace(/\s+/g, ' ').trim() || '(not found)'}`,
  );
  code = 0;
  await finish(0);
})().catch((e) => finish(code || 2, String((e && e.stack) || e)));
