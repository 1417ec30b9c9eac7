// The extensionTestsPath that run-ext-tests.js really hands to VS Code. It loads the caller's test
// module (MNEMOS_HOST_TESTS_MODULE), runs it exactly as VS Code would, and records the outcome in
// MNEMOS_HOST_RESULT before returning it to VS Code.
// WHY: in code-server the exit code the workbench reports is only trustworthy when run() settles.
// If the extension host dies instead (a native addon crash, a test calling process.exit), the web
// workbench just sees the socket close and reports exit code 0: a crash would pass. With this
// file, "passed" needs both exit code 0 and a result file that says so.
'use strict';
const fs = require('fs');
const { pathToFileURL } = require('url');

async function load(file) {
  if (/\.mjs$/.test(file)) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (e) {
    if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE'))
      return import(pathToFileURL(file).href);
    throw e;
  }
}

exports.run = async function run() {
  const file = process.env.MNEMOS_HOST_TESTS_MODULE;
  const resultFile = process.env.MNEMOS_HOST_RESULT;
  const record = (result) => {
    if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(result));
  };
  try {
    if (!file) throw new Error('MNEMOS_HOST_TESTS_MODULE not set: run tests through test/host/run-ext-tests.js');
    const mod = await load(file);
    const runFn = mod && (typeof mod.run === 'function' ? mod.run : mod.default && mod.default.run);
    if (typeof runFn !== 'function') throw new Error(`${file} does not export run(): Promise<void>`);
    // Same contract as VS Code: run(testsRoot, callback) may return a promise, or (legacy) call
    // back with (error, failures).
    await new Promise((resolve, reject) => {
      let viaCallback = false;
      const cb = (error, failures) => {
        viaCallback = true;
        if (error) reject(error);
        else if (failures) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      };
      const r = runFn(file, cb);
      if (r && typeof r.then === 'function')
        r.then(() => {
          if (!viaCallback) resolve();
        }, reject);
      else if (runFn.length < 2) resolve(); // sync run() without callback parameter: done
    });
    record({ status: 'passed' });
  } catch (e) {
    record({ status: 'failed', error: String((e && e.stack) || e) });
    throw e;
  }
};
