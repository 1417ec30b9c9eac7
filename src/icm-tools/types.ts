/**
 * What every ICM tool function here takes and gives: plain arguments (an MCP `tools/call` object or
 * parsed CLI flags) in, ICM's text out. Store errors become ICM's error texts (`isError`); anything
 * else (a bug, a dropped connection outside the store's error types) is thrown to the caller.
 */
import { isStoreError } from '../store/errors';
import type { FeedbackStore } from '../store/feedback';
import type { TranscriptStore } from '../store/transcripts';

export interface IcmToolOutput {
  text: string;
  isError?: true;
}

export interface IcmToolContext {
  feedback: FeedbackStore;
  transcripts: TranscriptStore;
  /** ICM's `[mcp] compact` (default true): terse confirmations. */
  compact?: boolean;
}

export type Args = Record<string, unknown>;

export interface IcmTool {
  name: string;
  description: string;
  /** ICM's JSON schema for the arguments, as its `tools/list` shows it. */
  inputSchema: Record<string, unknown>;
  /** Reads only (MCP annotation `readOnlyHint`). */
  readOnly: boolean;
  run(ctx: IcmToolContext, args: Args): Promise<IcmToolOutput>;
}

export const ok = (text: string): IcmToolOutput => ({ text });
export const fail = (text: string): IcmToolOutput => ({ text, isError: true });

/** ICM's `get_str`: the value when it is a string, else undefined. */
export function getStr(args: Args, key: string): string | undefined {
  const v = args?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** ICM's `get_i64(key, default)`: an integer value, else the default. */
export function getInt(args: Args, key: string, dflt: number): number {
  const v = args?.[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : dflt;
}

export const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** Runs a store call; a store error becomes `prefix: message` as ICM reports it. */
export async function storeCall(prefix: string, fn: () => Promise<IcmToolOutput>): Promise<IcmToolOutput> {
  try {
    return await fn();
  } catch (e) {
    if (isStoreError(e)) return fail(`${prefix}: ${e.message}`);
    throw e;
  }
}
