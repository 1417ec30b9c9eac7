/** Reading a hook's payload from stdin, capped and with a time limit (shared by the hook and its helper client). */

/** Larger payloads are not read to the end: the hook answers nothing rather than buffer megabytes. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export function readStdin(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean },
  timeoutMs: number,
): Promise<{ text: string; tooBig: boolean }> {
  return new Promise((resolve) => {
    if (stdin.isTTY) return resolve({ text: '', tooBig: false });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (tooBig: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.pause();
      resolve({ text: tooBig ? '' : Buffer.concat(chunks).toString('utf8'), tooBig });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    stdin.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size > MAX_INPUT_BYTES) return finish(true);
      chunks.push(b);
    });
    stdin.on('end', () => finish(false));
    stdin.on('error', () => finish(false));
  });
}
