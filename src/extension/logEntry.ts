/**
 * What one `Log.error(message, err)` call writes, without VS Code (unit-tested): an expected condition
 * (offline, server down, a refused token, no embedding model, input the store refused with its reason)
 * is one warning line with the raw cause at its end; any other error keeps its stack and cause chain.
 */
import { EmbedderUnavailableError } from '../embed/embedder';
import { oneLine, textOf } from '../shared/text';
import { isStoreError } from '../store';

export interface LogEntry {
  level: 'warn' | 'error';
  text: string;
}

export function logEntry(message: string, err?: unknown): LogEntry {
  if (err === undefined) return { level: 'error', text: message };
  const expected = expectedIn(err);
  if (expected) return { level: 'warn', text: `${message}: ${expectedLine(expected)}` };
  return { level: 'error', text: `${message}\n${describeError(err)}` };
}

/**
 * Store outcomes whose message already says what happened and what to do: the server is down or refused
 * the token, the input was refused (bad value, no such id, a duplicate, a read-only store). A stack adds
 * nothing to them. `corrupt` is a real fault and keeps its stack, as does every other error.
 */
const EXPECTED_STORE_CODES: ReadonlySet<string> = new Set([
  'connection',
  'auth',
  'invalid_input',
  'not_found',
  'conflict',
  'read_only',
]);

/** Offline, model unavailable, server down, refused input: conditions Mnemos expects and handles; real faults are the rest. */
export function isExpectedCondition(err: unknown): boolean {
  if (err instanceof EmbedderUnavailableError) return err.reason !== 'crashed';
  return isStoreError(err) && EXPECTED_STORE_CODES.has(err.code);
}

/** The expected condition itself, or one that is the cause of a wrapper (up to 5 deep). */
function expectedIn(err: unknown): unknown {
  let cur: unknown = err;
  for (let depth = 0; cur instanceof Error && depth < 5; depth++) {
    if (isExpectedCondition(cur)) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An expected condition on one line: its message, then the raw cause (the driver's or the loader's words). */
function expectedLine(err: unknown): string {
  const e = err as Error & { detail?: unknown; cause?: unknown };
  const raw =
    typeof e.detail === 'string'
      ? e.detail
      : e.cause instanceof Error
        ? e.cause.message
        : e.cause
          ? textOf(e.cause)
          : '';
  return oneLine(`${e.message}${raw ? ` (${raw})` : ''}`, 600);
}

/** Stack and cause chain, for the output channel only. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(
        `${depth ? 'caused by: ' : ''}${cur.stack ?? `${cur.name}: ${cur.message}`}${code !== undefined ? ` [code ${textOf(code)}]` : ''}`,
      );
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(`${depth ? 'caused by: ' : ''}${textOf(cur)}`);
      break;
    }
  }
  return parts.join('\n');
}
