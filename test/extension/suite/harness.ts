/**
 * A tiny sequential test loop for the extension host (no mocha: the host only needs run()).
 * Tests share one extension instance, so they run in order and each leaves the store as it found it
 * where later tests depend on it.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { MnemosApi } from '../../../src/extension/extension';
import type { Notice } from '../../../src/extension/notify';

type TestFn = () => Promise<void> | void;
const tests: { name: string; fn: TestFn }[] = [];
export const figures: Record<string, string> = {};

export function test(name: string, fn: TestFn): void {
  tests.push({ name, fn });
}

export function figure(name: string, value: string): void {
  figures[name] = value;
  console.log(`      figure: ${name} = ${value}`);
}

export async function runAll(): Promise<void> {
  let passed = 0;
  let failed = 0;
  const only = process.env.MNEMOS_TEST_ONLY;
  const t0 = Date.now();
  for (const t of tests) {
    if (only && !new RegExp(only, 'i').test(t.name)) continue;
    const t1 = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`  ok    ${t.name} (${Date.now() - t1} ms)`);
    } catch (e) {
      failed++;
      console.log(
        `  FAIL  ${t.name} (${Date.now() - t1} ms)\n${String((e as Error)?.stack ?? e).replace(/^/gm, '        ')}`,
      );
    }
  }
  console.log(`figures: ${JSON.stringify(figures)}`);
  console.log(`${passed} passed, ${failed} failed in ${Date.now() - t0} ms`);
  if (failed) throw new Error(`${failed} extension test(s) failed`);
}

export const EXT_ID = 'mnemos.mnemos';
let apiP: Promise<MnemosApi> | undefined;
export function api(): Promise<MnemosApi> {
  apiP ??= (async () => {
    const ext = vscode.extensions.getExtension<MnemosApi>(EXT_ID);
    if (!ext) throw new Error(`${EXT_ID} is not loaded`);
    return ext.isActive ? ext.exports : ext.activate();
  })();
  return apiP;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(cond: () => T | Promise<T>, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Resolves with the ms until the event fires, rejects after `ms`. Subscribe before causing the event. */
export function nextEvent(
  event: vscode.Event<unknown>,
  ms: number,
  what: string,
): { fired: Promise<number>; dispose(): void } {
  const t0 = Date.now();
  let sub: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const fired = new Promise<number>((resolve, reject) => {
    sub = event(() => resolve(Date.now()));
    timer = setTimeout(() => reject(new Error(`${what}: no event within ${ms} ms`)), ms);
  }).finally(() => {
    sub?.dispose();
    clearTimeout(timer);
  });
  void t0;
  return { fired, dispose: () => (sub?.dispose(), clearTimeout(timer)) };
}

export async function run<T = unknown>(id: string, ...args: unknown[]): Promise<T> {
  return vscode.commands.executeCommand<T>(id, ...args);
}

/**
 * Notices shown after the mark. The extension keeps only the last 50, so an index would stop
 * working once that many were shown; the mark remembers which notice objects were there.
 */
export type NoticeMark = ReadonlySet<Notice>;
export async function noticesSince(mark: NoticeMark): Promise<Notice[]> {
  return (await api()).notices().filter((n) => !mark.has(n));
}
export async function noticeMark(): Promise<NoticeMark> {
  return new Set((await api()).notices());
}

export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('mnemos');
  for (const [k, v] of Object.entries(values)) await cfg.update(k, v, vscode.ConfigurationTarget.Global);
}

export interface Servers {
  plain: { url: string };
  auth: { url: string; token: string; wrongToken: string };
  /** Stopped by SIGUSR1 to `pid`, started again by SIGUSR2. */
  flaky: { url: string; pid: number };
}
export function servers(): Servers {
  const f = process.env.MNEMOS_TEST_SERVERS;
  if (!f) throw new Error('MNEMOS_TEST_SERVERS not set: run through scripts/test-extension.sh');
  return JSON.parse(fs.readFileSync(f, 'utf8')) as Servers;
}

export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('the tests need a workspace folder (scripts/test-extension.sh passes one)');
  return f.uri;
}
