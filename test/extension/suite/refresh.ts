import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { api, figure, nextEvent, run, test } from './harness';

const REPO = process.env.MNEMOS_TEST_REPO ?? path.resolve(__dirname, '../../..');

/** Runs test/extension/fixtures/writer.ts in its own Node process; resolves with its write's commit time. */
export function writeFromAnotherProcess(
  where: string,
  topic: string,
  summary: string,
  token?: string,
): Promise<{ id: string; at: number }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', path.join(REPO, 'test/extension/fixtures/writer.ts'), where, topic, summary];
    if (token) args.push(token);
    const p = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!))
        : reject(new Error(`writer exited ${code}: ${err}`)),
    );
  });
}

test('a write by another process into the same local file fires the change event within 2 s', async () => {
  const a = await api();
  const store = await a.getStore();
  const file = (a.settings().store as { path: string }).path;
  const ev = nextEvent(a.onDidChangeData, 15_000, 'change event after the other process wrote');
  const w = await writeFromAnotherProcess(file, 'other-window', 'written by another process');
  const firedAt = await ev.fired;
  const latency = firedAt - w.at;
  figure('live refresh, local (other process → event)', `${latency} ms`);
  assert.ok(latency <= 2000, `change event came ${latency} ms after the other process committed`);
  assert.equal((await store.get(w.id))?.summary, 'written by another process');
  await run('mnemos.deleteMemory', w.id, { confirmed: true });
});

test('a write from this window fires the change event once, at once', async () => {
  const a = await api();
  let count = 0;
  const sub = a.onDidChangeData(() => count++);
  const t0 = Date.now();
  const ev = nextEvent(a.onDidChangeData, 2000, 'own write');
  const r = await run<{ id: string }>('mnemos.saveMemory', { summary: 'own write', topic: 'own' });
  const at = await ev.fired;
  figure('live refresh, own write (command → event)', `${at - t0} ms`);
  await new Promise((r2) => setTimeout(r2, 1500)); // two more poll ticks: no echo of the same write
  sub.dispose();
  assert.equal(count, 1);
  await run('mnemos.deleteMemory', r.id, { confirmed: true });
});
