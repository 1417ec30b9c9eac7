/**
 * Tokens at rest in the editor: the real extension in code-server (test/security/ext-at-rest.js) goes
 * through Connect (wrong then right JWT, user and workspace targets), Set Auth Token, saves, an export,
 * an embedded replica of the authenticated sqld; afterwards every file the host left is searched for
 * the tokens: user and workspace settings.json, the logs (the output channel's file included), global
 * storage (the replica and its metadata files), workspace storage, the export. The extension's own
 * host suite checks what it shows (output channel, notifications); this covers what it writes.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';

const ROOT = path.resolve(__dirname, '../..');
const HOST_DIR = process.env.MNEMOS_HOST_DIR || path.join(os.homedir(), '.cache/mnemos/vscode-host');
const installed =
  fs.existsSync(path.join(HOST_DIR, 'node24/bin/node')) &&
  fs.existsSync(path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js'));

let sqld: Sqld;
let work: string;
before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
  sqld = await startSqld({ auth: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-sec-ext-'));
});
after(async () => {
  await sqld?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Files under dir that hold any of the needles, by relative path. */
function filesHolding(dir: string, needles: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const b = fs.readFileSync(p);
        if (needles.some((n) => b.includes(n) || b.includes(Buffer.from(n, 'utf16le'))))
          out.push(path.relative(dir, p));
      }
    }
  };
  walk(dir);
  return out;
}

test(
  'the extension writes no token to settings, logs, global or workspace storage, replica files or exports',
  { skip: installed ? false : 'the VS Code test host is not installed (scripts/setup-vscode-host.sh)' },
  async () => {
    const wrong = sqld.sign!({ exp: Math.floor(Date.now() / 1000) - 120 });
    const secretsFile = path.join(work, 'servers.json');
    fs.writeFileSync(secretsFile, JSON.stringify({ url: sqld.url, token: sqld.token, wrong }), { mode: 0o600 });
    const userData = path.join(work, 'user-data');
    const ws = path.join(work, 'ws');
    const out = path.join(work, 'out');
    for (const d of [userData, ws, out]) fs.mkdirSync(d);
    const r = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const p = spawn(
        process.execPath,
        [
          path.join(ROOT, 'test/host/run-ext-tests.js'),
          '--extensionDevelopmentPath',
          ROOT,
          '--extensionTestsPath',
          path.join(__dirname, 'ext-at-rest.js'),
          '--user-data-dir',
          userData,
          '--env',
          `MNEMOS_SEC_SERVERS=${secretsFile}`,
          '--env',
          `MNEMOS_SEC_OUT=${out}`,
          '--env',
          `MNEMOS_SEC_USER_DATA=${userData}`,
          '--env',
          `MNEMOS_MODEL_DIR=${path.join(ROOT, 'test/fixtures/models')}`,
          '--keep-run-dir',
          '--timeout',
          '180',
          ws,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      p.stdout.on('data', (d) => (text += d));
      p.stderr.on('data', (d) => (text += d));
      p.on('close', (code) => resolve({ code, text }));
    });
    const runDir =
      /run folder (\/\S+mnemos-host-test-\S+?)\)/.exec(r.text)?.[1] ?? /run folder kept[^:]*: (\S+)/.exec(r.text)?.[1];
    try {
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /7 passed, 0 failed/);
      const needles = [sqld.token!, sqld.token!.split('.')[2], wrong, wrong.split('.')[2]];
      assert.deepEqual(
        filesHolding(work, [sqld.token!]).filter((f) => f === 'servers.json'),
        ['servers.json'],
        "the search finds a token where one is (the test's own servers file)",
      );
      // The places the extension and VS Code write to: the user data folder (settings, logs, globalStorage,
      // workspaceStorage), the workspace (its .vscode/settings.json), the export folder, the run folder
      // (the extension host's HOME and TMPDIR). The browser profile is VS Code's secret storage on the web:
      // the one place a token belongs.
      assert.ok(fs.existsSync(path.join(ws, '.vscode/settings.json')), 'Connect wrote the workspace settings');
      const logs = path.join(userData, 'logs');
      assert.ok(
        fs.existsSync(logs) && filesHolding(logs, ['refused the auth token']).length > 0,
        'the logs hold the refusal (so they were written)',
      );
      const globalStorage = path.join(userData, 'User/globalStorage/mnemos.mnemos');
      const replicaFiles = fs.existsSync(globalStorage)
        ? fs.readdirSync(globalStorage).filter((f) => f.startsWith('replica-'))
        : [];
      assert.ok(replicaFiles.length >= 2, `the replica and its metadata files: ${replicaFiles.join(', ')}`);
      const leaks: string[] = [];
      const inProfile: string[] = [];
      for (const [label, dir] of [
        ['user data', userData],
        ['workspace', ws],
        ['exports', out],
        ...(runDir ? [['run folder', runDir]] : []),
      ] as [string, string][]) {
        for (const f of filesHolding(dir, needles)) {
          if (label === 'run folder' && f.startsWith('chromium-profile')) {
            inProfile.push(f);
            continue;
          }
          leaks.push(`${label}: ${f}`);
        }
      }
      assert.deepEqual(leaks, [], 'files holding a token');
      console.log(`# files in the browser profile (VS Code's web secret storage) holding a token: ${inProfile.length}`);
    } finally {
      if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
    }
  },
);
