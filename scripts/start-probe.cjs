// `npm start`'s warm-up: opens the code-server workbench once in headless chromium (Debian's, driven by the
// project's playwright-core), waits until the Mnemos extension has activated in it (the extension appends a
// line to MNEMOS_READY_FILE on activation, see src/extension/ready.ts), then closes the page. By then
// code-server has loaded the workbench, scanned the extensions and started an extension host once, so the
// page a person opens next comes up with Mnemos in it; start.sh prints "ready" only after this returns.
// usage: node scripts/start-probe.cjs URL READY_FILE PROFILE_DIR [TIMEOUT_S]
// exit: 0 activated (prints the seconds it took), 1 timed out / failed (start.sh still prints the URL).
'use strict';
const fs = require('fs');

const [url, readyFile, profile, timeoutS = '180'] = process.argv.slice(2);
const linesIn = (f) => {
  try {
    return fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

(async () => {
  const t0 = Date.now();
  const before = linesIn(readyFile);
  const { chromium } = require('playwright-core');
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--password-store=basic',
    ],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Number(timeoutS) * 1000 });
    const deadline = t0 + Number(timeoutS) * 1000;
    while (linesIn(readyFile) <= before) {
      if (Date.now() > deadline) throw new Error(`Mnemos did not activate within ${timeoutS} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(((Date.now() - t0) / 1000).toFixed(1));
  } finally {
    await Promise.race([ctx.close().catch(() => {}), new Promise((r) => setTimeout(r, 10000))]);
  }
})().catch((e) => {
  console.error(`[mnemos start] warm-up: ${e.message}`);
  process.exit(1);
});
