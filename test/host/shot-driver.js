// Extension-host half of screenshot.js, loaded as the extensionTestsPath module.
// WHY: the workbench has no page-side API to run a command by id, but the extension host does
// (vscode.commands.executeCommand). So screenshot.js starts the workbench in "test" mode with this
// module; it runs the optional command, reports through files in MNEMOS_SHOT_CTL, then keeps the
// window alive until screenshot.js has taken its pictures and writes `release`.
'use strict';
const fs = require('fs');
const path = require('path');

exports.run = async function run() {
  const vscode = require('vscode');
  const ctl = process.env.MNEMOS_SHOT_CTL;
  if (!ctl) throw new Error('MNEMOS_SHOT_CTL not set: load this module through test/host/screenshot.js');
  const put = (name, text = '') => fs.writeFileSync(path.join(ctl, name), text);
  const cmd = process.env.MNEMOS_SHOT_COMMAND;
  if (cmd) {
    try {
      const args = process.env.MNEMOS_SHOT_ARGS ? JSON.parse(process.env.MNEMOS_SHOT_ARGS) : [];
      console.log(`[shot-driver] executing ${cmd}`);
      // Don't await forever: some commands (e.g. ones that open a quick pick) only settle on user input.
      await Promise.race([vscode.commands.executeCommand(cmd, ...args), new Promise((r) => setTimeout(r, 15000))]);
      put('command-done');
    } catch (e) {
      put('command-error', String((e && e.stack) || e));
    }
  }
  put('ready');
  const deadline = Date.now() + Number(process.env.MNEMOS_SHOT_HOLD_MS || 600000);
  while (!fs.existsSync(path.join(ctl, 'release')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
};
