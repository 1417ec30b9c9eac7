/** The CLI suite against a real sqld that requires a token (URL and token from the environment), plus auth failures. */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sqld, startSqld } from '../helpers/sqld';
import { cliSuite } from './suite';
import { makeTarget, runCli, wipeServer } from './helpers';

let sqld: Sqld;
before(async () => {
  sqld = await startSqld({ auth: true });
});
after(async () => {
  await sqld?.stop();
});

cliSuite('mnemos CLI on a sqld server with auth', async () => {
  await wipeServer(sqld);
  return makeTarget('remote', [], { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token });
});

describe('mnemos CLI auth against sqld', () => {
  test('a wrong token exits 4 with one clear line that does not contain the token', async () => {
    const wrong = sqld.token!.slice(0, -6) + 'AAAAAA';
    for (const format of ['text', 'json']) {
      const r = await runCli(['--format', format, 'stats'], {
        env: { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: wrong },
      });
      assert.equal(r.code, 4, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!r.stderr.includes(wrong), r.stderr);
      assert.ok(!r.stderr.includes(wrong.split('.')[2]), 'no part of the signature');
      assert.match(r.stderr, /token/i);
      assert.match(r.stderr, new RegExp(sqld.url.replace(/[.:/]/g, '\\$&')));
      if (format === 'json') assert.equal(r.errJson().error.code, 'auth');
    }
  });

  test('no token at all also exits 4, and LIBSQL_* names work like TURSO_*', async () => {
    const none = await runCli(['stats'], { env: { LIBSQL_URL: sqld.url } });
    assert.equal(none.code, 4, none.stderr);
    const ok = await runCli(['--json', 'stats'], { env: { LIBSQL_URL: sqld.url, LIBSQL_AUTH_TOKEN: sqld.token } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.json().mode, 'remote');
  });

  test('the token appears in no output, even with MNEMOS_DEBUG=1 on a failure', async () => {
    const env = { TURSO_DATABASE_URL: sqld.url, TURSO_AUTH_TOKEN: sqld.token };
    const outs = [await runCli(['stats'], { env }), await runCli(['--json', 'stats'], { env })];
    const bad = 'eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjF9.c2lnbmF0dXJlLXRoYXQtaXMtd3Jvbmc';
    outs.push(await runCli(['stats'], { env: { ...env, TURSO_AUTH_TOKEN: bad, MNEMOS_DEBUG: '1' } }));
    for (const r of outs) {
      assert.ok(!(r.stdout + r.stderr).includes(sqld.token!));
      assert.ok(!(r.stdout + r.stderr).includes(bad));
    }
    assert.equal(outs[2].code, 4);
    assert.match(outs[2].stderr, /\n\s+at /, 'debug mode prints the stack');
  });

  test('--url on the command line beats the environment', async () => {
    const r = await runCli(['--url', sqld.url, '--json', 'stats'], {
      env: { TURSO_DATABASE_URL: 'http://127.0.0.1:1', TURSO_AUTH_TOKEN: sqld.token },
    });
    assert.equal(r.code, 0, r.stderr);
  });
});
