/** The CLI suite on a local database file (path from MNEMOS_DB), plus what only a local file shows. */
import * as path from 'node:path';
import { cliSuite } from './suite';
import { makeTarget, tmpDir } from './helpers';

cliSuite('mnemos CLI on a local file', () =>
  Promise.resolve(makeTarget('local', [], { MNEMOS_DB: path.join(tmpDir(), 'memories.db') })),
);
