/**
 * A process in which sqlite-vec's platform package is not installed, as on a VSIX platform that does
 * not carry it: resolving `sqlite-vec-<os>-<arch>` fails the way Node fails for a missing package.
 * Opens the store at argv[2], forgets the memory argv[3], and prints `forgotten`; the store's
 * default warning goes to stderr.
 *
 *   node --import tsx test/store/icm-vec-missing-proc.ts /tmp/icm.db <memory id>
 */
import Module from 'node:module';
import { openStore } from '../../src/store';

const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  if (/^sqlite-vec-[a-z0-9]+-[a-z0-9]+\//.test(request)) {
    throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};

void (async () => {
  const store = await openStore({ mode: 'local', path: process.argv[2] });
  try {
    await store.forget(process.argv[3]);
    console.log('forgotten');
  } finally {
    await store.close();
  }
})();
