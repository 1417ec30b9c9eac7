/**
 * Several processes write code areas, facts and messages into one database at once (a local file,
 * and a real sqld), each creating ICM's tables on first use: no acknowledged write is lost, none is
 * duplicated, every touch is counted, each fact slot has exactly one active row, and the message
 * index holds exactly the messages.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { StoreConfig } from '../../src/store/config';
import { type Conn, openConn } from '../../src/store/conn';
import { icmRestStores } from '../../src/store/icmRest';
import { type Sqld, startSqld } from '../helpers/sqld';
import { SHARED_FILES, SHARED_SESSION } from './icm-rest-writer';
import { tmpDir } from './modes';

const WRITERS = Number(process.env.MNEMOS_ICMREST_WRITERS ?? 4);
const ROUNDS = Number(process.env.MNEMOS_ICMREST_ROUNDS ?? 25);
const WRITER = path.join(__dirname, 'icm-rest-writer.ts');

interface Acks {
  areas: number;
  facts: string[];
  leaders: string[];
  msgs: string[];
  errors: string[];
}

async function runWriters(config: StoreConfig): Promise<Acks> {
  const acks: Acks = { areas: 0, facts: [], leaders: [], msgs: [], errors: [] };
  const procs: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const exits: Promise<void>[] = [];
  for (let w = 0; w < WRITERS; w++) {
    const p = spawn(process.execPath, ['--import', 'tsx', WRITER], {
      env: {
        ...process.env,
        MNEMOS_WRITER_CONFIG: JSON.stringify(config),
        WRITER_INDEX: String(w),
        WRITER_COUNT: String(ROUNDS),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    procs.push(p);
    let buf = '';
    let onReady!: () => void;
    ready.push(new Promise<void>((r) => (onReady = r)));
    p.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const [word, kind, detail] = line.split(' ');
        if (word === 'ready') onReady();
        else if (word === 'err') acks.errors.push(line);
        else if (word === 'ack' && kind === 'area') acks.areas++;
        else if (word === 'ack' && kind === 'fact') acks.facts.push(detail);
        else if (word === 'ack' && kind === 'leader') acks.leaders.push(detail);
        else if (word === 'ack' && kind === 'msg') acks.msgs.push(detail);
      }
    });
    exits.push(new Promise<void>((r) => p.on('exit', () => r())));
  }
  await Promise.all(ready);
  for (const p of procs) p.stdin!.end('go\n');
  await Promise.all(exits);
  return acks;
}

async function verify(conn: Conn, acks: Acks): Promise<void> {
  assert.deepEqual(acks.errors, []);
  assert.equal(acks.msgs.length, WRITERS * ROUNDS);
  const q = async (sql: string, args: (string | number)[] = []) => conn.query(sql, args);
  const n = async (sql: string, args: (string | number)[] = []) => Number((await q(sql, args))[0].n);

  // Code areas: one row per file, every acknowledged touch counted.
  const areas = await icmRestStores(conn).codeAreas.list({ project: 'shared' });
  assert.equal(areas.length, SHARED_FILES);
  assert.equal(
    areas.reduce((s, a) => s + a.touchCount, 0),
    acks.areas,
  );

  // Facts: every writer's own slots; the contested slot has one active row and one row per value set.
  assert.equal(
    await n(`SELECT COUNT(*) AS n FROM facts WHERE entity LIKE 'writer-%' AND superseded_at IS NULL`),
    acks.facts.length,
  );
  const own = new Set((await q(`SELECT id FROM facts WHERE entity LIKE 'writer-%'`)).map((r) => String(r.id)));
  for (const id of acks.facts) assert.ok(own.has(id), `fact ${id} acknowledged and present`);
  assert.equal(await n(`SELECT COUNT(*) AS n FROM facts WHERE entity = 'shared' AND superseded_at IS NULL`), 1);
  assert.equal(await n(`SELECT COUNT(*) AS n FROM facts WHERE entity = 'shared'`), acks.leaders.length);
  const history = await icmRestStores(conn).facts.history('shared', 'leader');
  assert.equal(history.filter((f) => f.supersededAt === null).length, 1);

  // Messages: each acknowledged id once, the session bumped to the newest, the index exact.
  const ids = (await q(`SELECT id FROM messages WHERE session_id = ?`, [SHARED_SESSION])).map((r) => String(r.id));
  assert.deepEqual(new Set(ids), new Set(acks.msgs));
  assert.equal(ids.length, acks.msgs.length);
  assert.equal(await n(`SELECT COUNT(*) AS n FROM sessions`), 1);
  const [s] = await q(`SELECT updated_at, (SELECT MAX(ts) FROM messages) AS newest FROM sessions`);
  assert.equal(s.updated_at, s.newest);
  assert.equal(await n(`SELECT COUNT(*) AS n FROM messages_fts`), ids.length);
  await conn.run(`INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)`);
  const tr = icmRestStores(conn).transcripts;
  for (let w = 0; w < WRITERS; w++) {
    for (const r of [0, ROUNDS - 1])
      assert.equal((await tr.search(`tokenw${w}r${r}`)).length, 1, `w${w} r${r} found once`);
  }
  assert.equal((await tr.search('writer', { limit: 1000 })).length, ids.length);
}

describe('ICM rest: concurrent writer processes', () => {
  const conns: Conn[] = [];
  let sqld: Sqld | undefined;
  after(async () => {
    for (const c of conns) await c.close().catch(() => undefined);
    await sqld?.stop();
  });

  test(`local file: ${WRITERS} processes × ${ROUNDS} rounds`, { timeout: 240_000 }, async () => {
    const config: StoreConfig = { mode: 'local', path: path.join(tmpDir(), 'shared.db') };
    const acks = await runWriters(config);
    const conn = await openConn(config);
    conns.push(conn);
    await verify(conn, acks);
  });

  test(`sqld: ${WRITERS} processes × ${ROUNDS} rounds`, { timeout: 240_000 }, async () => {
    sqld = await startSqld();
    const config: StoreConfig = { mode: 'remote', url: sqld.url };
    const acks = await runWriters(config);
    const conn = await openConn(config);
    conns.push(conn);
    await verify(conn, acks);
  });
});
