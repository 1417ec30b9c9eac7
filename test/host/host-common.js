// Shared plumbing for run-ext-tests.js and screenshot.js: start code-server (the VS Code server
// with a Node extension host, installed by scripts/setup-vscode-host.sh), open its workbench in
// Debian's headless chromium through the project's playwright-core, and tear everything down on
// every exit path. Plain CommonJS so it runs under the system Node without a build step.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HOST_DIR = process.env.MNEMOS_HOST_DIR || path.join(os.homedir(), '.cache/mnemos/vscode-host');
const HOST_NODE = path.join(HOST_DIR, 'node24/bin/node');
const CS_ENTRY = path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Settings every run starts from (a --settings file is merged over them). WHY: keep the first
// paint deterministic and stop the workbench from reaching for the network (gallery, updates).
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  // 1.139 opens an (empty, here) secondary side bar for chat by default: it only eats screenshot space.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Parse `--k=v`, `--k v`, bare `--flag` and positionals. Keys in `multi` collect arrays.
 * `bools` are flags that never take a value (so `--keep FOLDER` keeps FOLDER positional).
 */
function parseArgs(argv, { multi = [], bools = [] } = {}) {
  const opts = { _: [] };
  for (const k of multi) opts[k] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      opts._.push(a);
      continue;
    }
    let [k, v] = a.slice(2).split(/=(.*)/s);
    if (v === undefined && !bools.includes(k) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) v = argv[++i];
    if (v === undefined) v = true;
    if (multi.includes(k)) opts[k].push(v);
    else opts[k] = v;
  }
  return opts;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function checkInstalled() {
  const missing = [HOST_NODE, CS_ENTRY, CHROMIUM].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    console.error(`[host] test host not installed (missing ${missing.join(', ')}); run scripts/setup-vscode-host.sh`);
    process.exit(2);
  }
}

/** `--env KEY=VAL` list -> object (VAL may contain '='). */
function parseEnvPairs(list) {
  const env = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`--env expects KEY=VAL, got ${JSON.stringify(kv)}`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/**
 * Fresh run folder: HOME, TMPDIR, user-data-dir, extensions-dir, chromium profile all live in it,
 * so nothing leaks between runs or into the developer's own VS Code / home.
 */
function makeRunDir(prefix, opts) {
  const root = process.env.MNEMOS_HOST_RUNS || os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(root, `mnemos-host-${prefix}-`));
  const dirs = {
    runDir,
    home: path.join(runDir, 'home'),
    tmp: path.join(runDir, 'tmp'),
    userDataDir: path.resolve(opts['user-data-dir'] || path.join(runDir, 'data')),
    extensionsDir: path.resolve(opts['extensions-dir'] || path.join(runDir, 'extensions')),
    profile: path.join(runDir, 'chromium-profile'),
  };
  for (const d of [dirs.home, dirs.tmp, path.join(dirs.userDataDir, 'User'), dirs.extensionsDir])
    fs.mkdirSync(d, { recursive: true });
  return dirs;
}

/** Write User/settings.json = BASE_SETTINGS + the --settings file (which must be plain JSON). */
function writeSettings(userDataDir, settingsFile) {
  let extra = {};
  if (settingsFile) {
    const text = fs.readFileSync(path.resolve(settingsFile), 'utf8');
    try {
      extra = JSON.parse(text);
    } catch (e) {
      throw new Error(`--settings ${settingsFile}: not plain JSON (${e.message})`);
    }
  }
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...extra }, null, 2),
  );
}

/**
 * Start code-server on a free loopback port and wait for /healthz.
 * WHY detached: code-server forks the extension host, pty host and file watcher; putting them in
 * their own process group lets us kill the whole tree with one signal, even on timeout.
 */
async function startCodeServer(dirs, extraEnv, { timeoutMs = 60000 } = {}) {
  const port = await freePort();
  const logFile = path.join(dirs.runDir, 'code-server.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    HOST_NODE,
    [
      CS_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--config',
      path.join(dirs.runDir, 'config.yaml'),
      // A built VS Code honours ?payload=[["extensionDevelopmentPath",..],["extensionTestsPath",..]]
      // and exposes the codeAutomation* hooks ONLY with this flag; without it the payload is
      // ignored silently and a test run just hangs.
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      // The extension host inherits this environment: that is how --env reaches the tests.
      env: { ...process.env, ...extraEnv, HOME: dirs.home, TMPDIR: dirs.tmp },
    },
  );
  fs.closeSync(log);
  let exited = false;
  const exitP = new Promise((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {}
  };
  // Last resort: whatever way this process ends, take the whole code-server group with it.
  const onExit = () => signal('SIGKILL');
  process.on('exit', onExit);
  const stop = async () => {
    if (!exited) {
      signal('SIGTERM');
      await Promise.race([exitP, sleep(5000)]);
    }
    signal('SIGKILL'); // stragglers in the group (extension host, pty host) even if the parent left
    process.removeListener('exit', onExit);
  };
  // Watchdog for the one path no handler sees: this runner being SIGKILLed (e.g. an outer
  // `timeout -s KILL`). It polls both pids and kills code-server's group once either is gone.
  // (Chromium needs none: it exits by itself when playwright's pipe to it closes.)
  spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 -${child.pid} 2>/dev/null`,
    ],
    { detached: true, stdio: 'ignore' },
  ).unref();
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {}
    if (exited || Date.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`code-server did not start (${exited ? 'it exited' : 'timeout'}); see ${logFile}`);
    }
    await sleep(200);
  }
  return { port, authority: `127.0.0.1:${port}`, stop, logFile, child };
}

/** Workbench URL with the smoke-test-driver payload (paths become vscode-remote:// URIs). */
function workbenchUrl(authority, { folder, extensionDevelopmentPath = [], extensionTestsPath, disableExtensions }) {
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  const payload = extensionDevelopmentPath.map((p) => ['extensionDevelopmentPath', remote(p)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  if (disableExtensions) payload.push(['disableExtensions', 'true']);
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${authority}/?${q.join('&')}`;
}

/**
 * Headless Debian chromium via the project's playwright-core (never a Playwright-downloaded
 * browser). Signal handling is left to us so that cleanup order is: browser, then code-server.
 */
async function launchBrowser(dirs, { width = 1400, height = 900 } = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launchPersistentContext(dirs.profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    env: { ...process.env, HOME: dirs.home, TMPDIR: dirs.tmp },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--password-store=basic',
    ],
  });
}

/** Close browser then code-server; bounded so a wedged browser can't hang the run. */
async function teardown(ctx, server) {
  if (ctx) await Promise.race([ctx.close().catch(() => {}), sleep(10000)]);
  if (server) await server.stop();
}

/**
 * Success: delete the run folder. Failure: keep its logs but drop the bulky browser profile.
 * keepAll (--keep-run-dir): keep everything.
 */
function cleanRunDir(dirs, failed, keepAll) {
  const rm = (p) => {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {}
  };
  if (!failed && !keepAll) return rm(dirs.runDir);
  if (!keepAll) {
    rm(dirs.profile);
    rm(dirs.tmp);
  }
  console.error(`[host] run folder kept (code-server.log, data/logs, result.json): ${dirs.runDir}`);
}

// Workbench log lines that are pure noise in a headless, offline, unauthenticated code-server.
const NOISE =
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|^(Resolving|Resolved) connection token|^Creating a socket|^Updating additional builtin|Timed out waiting for authentication provider|ENOTFOUND/;

module.exports = {
  HOST_DIR,
  HOST_NODE,
  CS_ENTRY,
  CHROMIUM,
  BASE_SETTINGS,
  NOISE,
  parseArgs,
  parseEnvPairs,
  freePort,
  sleep,
  checkInstalled,
  makeRunDir,
  writeSettings,
  startCodeServer,
  workbenchUrl,
  launchBrowser,
  teardown,
  cleanRunDir,
};
