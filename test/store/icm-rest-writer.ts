/**
 * One writer process for the ICM-rest concurrency test: opens a connection from MNEMOS_WRITER_CONFIG
 * (JSON), prints `ready`, waits for a line on stdin (so every writer starts at once), then for each
 * of WRITER_COUNT rounds touches a shared code area, sets two facts (its own slot and a shared one)
 * and records a message into a shared session, printing `ack <kind> <detail>` after each
 * acknowledged write, and `done` at the end (`err <message>` and exit 1 on a failure).
 */
import type { StoreConfig } from '../../src/store/config';
import { openConn } from '../../src/store/conn';
import { icmRestStores } from '../../src/store/icmRest';
import { newId } from '../../src/store/model';

export const SHARED_SESSION = 'shared-session-0001';
export const SHARED_FILES = 5;

async function main(): Promise<void> {
  const w = Number(process.env.WRITER_INDEX ?? 0);
  const count = Number(process.env.WRITER_COUNT ?? 20);
  const conn = await openConn(JSON.parse(process.env.MNEMOS_WRITER_CONFIG ?? '') as StoreConfig);
  const { codeAreas, facts, transcripts } = icmRestStores(conn);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('ready');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.destroy();
  try {
    await transcripts.ensureSession(SHARED_SESSION, { agent: `writer-${w}`, project: 'concurrency' });
    for (let i = 0; i < count; i++) {
      const file = `src/file${(w + i) % SHARED_FILES}.ts`;
      await codeAreas.touch({ project: 'shared', filePath: file, toolName: 'Edit', sessionId: SHARED_SESSION });
      out(`ack area ${file}`);
      const own = await facts.set(`writer-${w}`, `key-${i}`, `value-${i}`);
      out(`ack fact ${own.id}`);
      const shared = await facts.set('shared', 'leader', `writer-${w}-round-${i}`, { id: newId() });
      out(`ack leader ${shared.id} ${shared.action}`);
      const id = newId();
      await transcripts.record({
        id,
        sessionId: SHARED_SESSION,
        role: 'user',
        content: `writer w${w} round r${i} tokenw${w}r${i}`,
      });
      out(`ack msg ${id}`);
    }
    out('done');
  } catch (e) {
    out(`err ${(e as Error).message.replace(/\n/g, ' ')}`);
    process.exitCode = 1;
  } finally {
    await conn.close();
  }
}

if (require.main === module) void main();
