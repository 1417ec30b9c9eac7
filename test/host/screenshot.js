#!/usr/bin/env node
// Screenshot the real VS Code workbench (code-server + headless chromium) with an unpacked
// extension loaded, e.g. to look at a webview view. Install the host first with
// scripts/setup-vscode-host.sh. See docs/TEST-HOST.md.
//
// usage: node test/host/screenshot.js --extensionDevelopmentPath DIR --out FILE.png
//          [--command ID [--args JSON_ARRAY]]   run a command (by id) in the extension host first
//          [--view-container TITLE]             click this activity-bar item (its title/aria-label)
//          [--webview TEXT]                     wait until a webview frame shows TEXT (else exit 1)
//          [--frame-out FILE.png]               also save just that webview frame (needs --webview)
//          [--wait MS=1500]                     settle time before the picture
//          [--size 1400x900] [--settings FILE.json] [--env KEY=VAL]... [--timeout SEC=300]
//          [--keep-run-dir] [--verbose] [WORKSPACE_FOLDER]
// Exit codes: 0 ok, 1 --webview text or --view-container not found / command failed, 2 error, 124 timeout.
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const H = require('./host-common');

const opts = H.parseArgs(process.argv.slice(2), {
  multi: ['extensionDevelopmentPath', 'env'],
  bools: ['keep-run-dir', 'verbose'],
});
if (!opts.out) {
  console.error(
    'usage: screenshot.js --extensionDevelopmentPath DIR --out FILE.png [--command ID] [--view-container TITLE] [--webview TEXT] [--frame-out FILE.png]',
  );
  process.exit(2);
}
if (opts['frame-out'] && !opts.webview) {
  console.error('--frame-out needs --webview TEXT to pick the frame');
  process.exit(2);
}
H.checkInstalled();
const timeoutSec = Number(opts.timeout || 300);
const [width, height] = String(opts.size || '1400x900')
  .split('x')
  .map(Number);

let ctx,
  server,
  dirs,
  finishing = false;
async function finish(code, why) {
  if (finishing) return;
  finishing = true;
  if (why) console.error(`[shot] ${why}`);
  if (dirs)
    try {
      fs.writeFileSync(path.join(dirs.runDir, 'ctl', 'release'), '');
    } catch {}
  await H.teardown(ctx, server);
  if (dirs) H.cleanRunDir(dirs, code !== 0, !!opts['keep-run-dir']);
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => finish(130, `got ${sig}`));

// Poll fn() until it returns a truthy value or ms elapse.
async function until(fn, ms, step = 250) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await H.sleep(step);
  }
}

// A webview is an <iframe class="webview"> whose document holds the real content in a nested
// #active-frame. Find the frame whose text contains `text` and return the outermost <iframe>
// element in the main page, which is what a clipped screenshot needs.
async function findWebview(page, text) {
  for (const f of page.frames()) {
    if (f === page.mainFrame()) continue;
    let body = '';
    try {
      body = await f.evaluate(() => (document.body && document.body.innerText) || '');
    } catch {
      continue;
    }
    if (!body.includes(text)) continue;
    let frame = f;
    while (frame.parentFrame() && frame.parentFrame() !== page.mainFrame()) frame = frame.parentFrame();
    return { frame: f, element: await frame.frameElement(), body };
  }
  return null;
}

(async () => {
  const t0 = Date.now();
  const ms = () => `${Date.now() - t0} ms`;
  setTimeout(() => finish(124, `TIMEOUT after ${timeoutSec}s`), timeoutSec * 1000).unref();
  dirs = H.makeRunDir('shot', opts);
  H.writeSettings(dirs.userDataDir, opts.settings);
  const ctl = path.join(dirs.runDir, 'ctl');
  fs.mkdirSync(ctl);
  const folder = opts._[0] || path.join(dirs.runDir, 'ws');
  fs.mkdirSync(folder, { recursive: true });

  const env = { ...H.parseEnvPairs(opts.env), MNEMOS_SHOT_CTL: ctl };
  if (opts.command) env.MNEMOS_SHOT_COMMAND = opts.command;
  if (opts.args) env.MNEMOS_SHOT_ARGS = opts.args;
  server = await H.startCodeServer(dirs, env);
  console.log(`[shot] code-server up on ${server.authority} after ${ms()}`);
  ctx = await H.launchBrowser(dirs, { width, height });
  // Exposed so the smoke-test driver can forward logs / the host's exit (ours stays alive until release).
  await ctx.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...(args || []));
    if (opts.verbose || (type === 'error' && !H.NOISE.test(line)) || line.startsWith('[shot-driver]'))
      console.log(`[workbench] ${line}`);
  });
  await ctx.exposeFunction('codeAutomationExit', () => {});
  const page = ctx.pages()[0] || (await ctx.newPage());
  await page.goto(
    H.workbenchUrl(server.authority, {
      folder,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      // Always run through shot-driver: it also tells us when the extension host is up.
      extensionTestsPath: path.join(__dirname, 'shot-driver.js'),
    }),
  );
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  console.log(`[shot] workbench visible after ${ms()}`);
  const ready = await until(() => fs.existsSync(path.join(ctl, 'ready')), 90000);
  if (!ready) return finish(2, 'extension host never became ready');
  let failed = false;
  if (fs.existsSync(path.join(ctl, 'command-error'))) {
    failed = true;
    console.error(
      `[shot] command ${opts.command} failed:\n${fs.readFileSync(path.join(ctl, 'command-error'), 'utf8')}`,
    );
  } else if (opts.command) console.log(`[shot] ran ${opts.command} after ${ms()}`);

  if (opts['view-container']) {
    // Activity-bar items carry the container title as aria-label, plus " (Ctrl+...)" when bound.
    const item = page
      .locator(`.activitybar .action-item [aria-label^="${String(opts['view-container']).replace(/"/g, '\\"')}"]`)
      .first();
    try {
      await item.waitFor({ timeout: 30000 });
      // Clicking an already-open container toggles it closed: only click when not checked.
      if ((await item.getAttribute('aria-checked')) !== 'true' && (await item.getAttribute('aria-expanded')) !== 'true')
        await item.click();
      console.log(`[shot] opened view container "${opts['view-container']}" after ${ms()}`);
    } catch (e) {
      failed = true;
      console.error(`[shot] activity-bar item "${opts['view-container']}" not found: ${e.message.split('\n')[0]}`);
    }
  }
  let hit = null;
  if (opts.webview) {
    hit = await until(() => findWebview(page, String(opts.webview)), 60000, 500);
    if (hit) console.log(`[shot] webview with "${opts.webview}" rendered after ${ms()}`);
    else {
      failed = true;
      console.error(`[shot] no webview frame shows "${opts.webview}"`);
    }
  }
  await H.sleep(Number(opts.wait ?? 1500));
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  await page.screenshot({ path: opts.out });
  console.log(`[shot] saved ${opts.out}`);
  if (hit && opts['frame-out']) {
    fs.mkdirSync(path.dirname(path.resolve(opts['frame-out'])), { recursive: true });
    await hit.element.screenshot({ path: opts['frame-out'] });
    console.log(`[shot] saved webview frame ${opts['frame-out']}`);
  }
  await finish(failed ? 1 : 0);
})().catch((e) => finish(2, `FAILED: ${(e && e.stack) || e}`));
