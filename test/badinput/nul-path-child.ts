/**
 * Child process for test/badinput/databases.test.ts: opens a store, and runs the CLI's main(), on a
 * database path holding a NUL byte. Separate because a native abort here would end the test runner.
 * Prints one JSON line per attempt.   usage: nul-path-child.ts DIR
 */
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import { openStore } from '../../src/store';

class Sink extends Writable {
  text = '';
  override _write(c: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += c.toString();
    cb();
  }
}

async function run(): Promise<void> {
  const file = path.join(process.argv[2], 'nul\u0000name.db');
  try {
    const s = await openStore({ mode: 'local', path: file });
    await s.close();
    console.log(JSON.stringify({ via: 'store', opened: true }));
  } catch (e) {
    console.log(JSON.stringify({ via: 'store', code: (e as { code?: string }).code, message: (e as Error).message }));
  }
  const out = new Sink();
  const err = new Sink();
  const exit = await main(['--db', file, '--format', 'json', 'store', '-t', 'x', '-c', 'y'], {
    stdout: out,
    stderr: err,
    stdin: Readable.from([]),
    env: { PATH: process.env.PATH },
  });
  console.log(JSON.stringify({ via: 'cli', exit, stdout: out.text, stderr: err.text }));
}

void run();
