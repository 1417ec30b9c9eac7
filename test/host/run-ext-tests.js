#!/usr/bin/env node
// Run VS Code extension integration tests inside a REAL extension host (code-server's VS Code
// server, Node 24 extension host), driven by headless chromium. Install the host first with
// scripts/setup-vscode-host.sh. See docs/TEST-HOST.md.
//
// usage: node test/host/run-ext-tests.js --extensionDevelopmentPath DIR --extensionTestsPath FILE
//          [--settings FILE.json] [--env KEY=VAL]... [--timeout SEC=600] [--screenshot FILE.png]
//          [--keep-run-dir] [--verbose] [--user-data-dir DIR] [--extensions-dir DIR]
//          [--disable-extensions] [WORKSPACE_FOLDER]
//
// The tests module (extensionTestsPath) is loaded by the extension host and must export
// `run(): Promise<void>`; a rejection (or throw) makes the host exit 1, which becomes our exit code.
// Exit codes: the extension host's (0 = pass, 1 = run() rejected), 1 also when the host died before
// run() settled (crash, process.exit), 2 = runner/host error, 124 = --timeout hit, 130 = signal.
'use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const H = require('./host-common');

const opts = H.parseArgs(process.argv.slice(2), {
  multi: ['extensionDevelopmentPath', 'env'],
  bools: ['keep-run-dir', 'verbose', 'disable-extensions'],
});
if (!opts.extensionTestsPath || !opts.extensionDevelopmentPath.length) {
  console.error(
    'usage: run-ext-tests.js --extensionDevelopmentPath DIR --extensionTestsPath FILE [--settings F] [--env K=V]... [--timeout SEC] [folder]',
  );
  process.exit(2);
}
H.checkInstalled();
const timeoutSec = Number(opts.timeout || 600);
const verbose = opts.verbose || !!process.env.VERBOSE;

let ctx,
  server,
  dirs,
  finishing = false;
// One exit path for everything (normal end, timeout, Ctrl-C, crash): browser, then code-server.
async function finish(code, why) {
  if (finishing) return;
  finishing = true;
  if (why) console.error(`[runner] ${why}`);
  if (ctx && opts.screenshot) {
    try {
      await ctx.pages()[0].screenshot({ path: opts.screenshot });
      console.log(`[runner] screenshot: ${opts.screenshot}`);
    } catch (e) {
      console.error('[runner] screenshot failed:', e.message);
    }
  }
  await H.teardown(ctx, server);
  // On failure the run folder's logs are kept (code-server.log, data/logs, automation-logs.json).
  if (dirs) H.cleanRunDir(dirs, code !== 0, !!opts['keep-run-dir']);
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => finish(130, `got ${sig}`));

(async () => {
  const t0 = Date.now();
  dirs = H.makeRunDir('test', opts);
  H.writeSettings(dirs.userDataDir, opts.settings);
  const folder = opts._[0] || path.join(dirs.runDir, 'ws');
  fs.mkdirSync(folder, { recursive: true });

  // The overall timeout covers startup too, so a host that never comes up cannot hang CI.
  const timer = setTimeout(() => finish(124, `TIMEOUT after ${timeoutSec}s`), timeoutSec * 1000);
  timer.unref();

  const resultFile = path.join(dirs.runDir, 'result.json');
  server = await H.startCodeServer(dirs, {
    ...H.parseEnvPairs(opts.env),
    MNEMOS_HOST_TESTS_MODULE: path.resolve(opts.extensionTestsPath),
    MNEMOS_HOST_RESULT: resultFile,
  });
  console.log(`[runner] code-server up on ${server.authority} after ${Date.now() - t0} ms (run folder ${dirs.runDir})`);

  ctx = await H.launchBrowser(dirs);
  let done;
  const exited = new Promise((r) => (done = r));
  // With enable-smoke-test-driver the workbench forwards every log line, including the extension
  // host's console.* output (i.e. the tests' output), to window.codeAutomationLog(type, args) and
  // calls window.codeAutomationExit(code, logs) when the extension host exits after run().
  await ctx.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...(args || []));
    if (verbose || !H.NOISE.test(line)) console.log(type === 'error' ? `[error] ${line}` : line);
  });
  await ctx.exposeFunction('codeAutomationExit', (code, logs) => {
    try {
      fs.writeFileSync(path.join(dirs.runDir, 'automation-logs.json'), JSON.stringify(logs || [], null, 1));
    } catch {}
    done(code);
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  if (verbose) page.on('pageerror', (e) => console.log('[pageerror]', String(e)));
  await page.goto(
    H.workbenchUrl(server.authority, {
      folder,
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      // tests-entry.js wraps the caller's module and records its outcome (see that file for why).
      extensionTestsPath: path.join(__dirname, 'tests-entry.js'),
      disableExtensions: opts['disable-extensions'],
    }),
  );
  let code = Number(await exited) || 0;
  console.log(`[runner] extension host exited with code ${code} after ${Date.now() - t0} ms`);
  let result = null;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {}
  if (code === 0 && !(result && result.status === 'passed')) {
    code = 1;
    console.error("[runner] FAIL: the extension host ended before the tests' run() settled (crash or process.exit?)");
  }
  await finish(code);
})().catch((e) => finish(2, `FAILED: ${(e && e.stack) || e}`));
