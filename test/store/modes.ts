/**
 * Runs one behaviour suite against every storage mode: a local file, an in-memory database,
 * a real sqld, and an embedded replica of that sqld. Each test gets an empty store.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import { type MnemosStore, openStore, type StoreConfig } from '../../src/store';
import { type Sqld, startSqld } from '../helpers/sqld';

export type ModeName = 'local' | 'memory' | 'sqld' | 'replica';

export interface ModeContext {
  mode: ModeName;
  /** A fresh, empty store for one test (closed by the caller via `using`-style cleanup). */
  fresh(): Promise<MnemosStore>;
  /** A second connection to the same database as the last `fresh()` (another process/machine). */
  second(): Promise<MnemosStore>;
  config(): StoreConfig;
}

export function tmpDir(prefix = 'mnemos-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const ALL: ModeName[] = (process.env.MNEMOS_TEST_MODES?.split(',') as ModeName[] | undefined) ?? [
  'local',
  'memory',
  'sqld',
  'replica',
];

export function forEachMode(title: string, body: (ctx: ModeContext) => void, modes: ModeName[] = ALL): void {
  for (const mode of modes) {
    describe(`${title} [${mode}]`, () => {
      let sqld: Sqld | undefined;
      let current: StoreConfig | undefined;
      const open: MnemosStore[] = [];
      let n = 0;
      before(async () => {
        if (mode === 'sqld' || mode === 'replica') sqld = await startSqld();
      });
      after(async () => {
        for (const s of open) await s.close().catch(() => undefined);
        await sqld?.stop();
      });
      const wipeRemote = async () => {
        const admin = await openStore({ mode: 'remote', url: sqld!.url });
        await admin.sql(`DELETE FROM memories`);
        await admin.sql(`DELETE FROM icm_metadata`);
        await admin.close();
      };
      const ctx: ModeContext = {
        mode,
        config: () => current!,
        async fresh() {
          for (const s of open.splice(0)) await s.close().catch(() => undefined);
          n++;
          switch (mode) {
            case 'local':
              current = { mode: 'local', path: path.join(tmpDir(), 'memories.db') };
              break;
            case 'memory':
              current = { mode: 'local', path: ':memory:' };
              break;
            case 'sqld':
              await wipeRemote().catch(() => undefined);
              current = { mode: 'remote', url: sqld!.url };
              break;
            case 'replica':
              await wipeRemote().catch(() => undefined);
              current = {
                mode: 'replica',
                path: path.join(tmpDir(), `replica-${n}.db`),
                syncUrl: sqld!.url,
                syncIntervalSec: 0,
              };
              break;
          }
          const s = await openStore(current);
          open.push(s);
          return s;
        },
        async second() {
          if (mode === 'memory') throw new Error('an in-memory database has no second connection');
          const cfg: StoreConfig =
            current!.mode === 'replica' ? { ...current!, path: path.join(tmpDir(), 'replica-b.db') } : current!;
          const s = await openStore(cfg);
          open.push(s);
          return s;
        },
      };
      body(ctx);
    });
  }
}
