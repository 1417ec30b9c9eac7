import * as fs from 'node:fs';

/**
 * `npm start` tells a newcomer when Mnemos is up: scripts/start.sh gives code-server the environment
 * variable MNEMOS_READY_FILE, and every activation appends one JSON line there. Nothing happens without
 * the variable (a normal install never sets it). A failure to write is logged, never thrown: the
 * signal is a courtesy to the terminal, not part of activation.
 */
export function announceReady(info: { activationMs: number; store: string }, warn: (m: string) => void): void {
  const file = process.env.MNEMOS_READY_FILE;
  if (!file) return;
  const line = JSON.stringify({ at: new Date().toISOString(), pid: process.pid, ...info });
  fs.appendFile(file, line + '\n', (e) => {
    if (e) warn(`could not write the npm start ready signal to ${file}: ${e.message}`);
  });
}
