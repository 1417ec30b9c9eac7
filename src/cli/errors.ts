/** CLI error codes, their exit codes, and the one-line rendering of any failure (token-free). */
import { isStoreError, redactSecrets } from '../store';

export type CliErrorCode =
  | 'usage'
  | 'invalid_input'
  | 'not_found'
  | 'connection'
  | 'auth'
  | 'conflict'
  | 'read_only'
  | 'corrupt'
  | 'io'
  | 'internal';

export const EXIT = {
  ok: 0,
  notFound: 1,
  usage: 2,
  connection: 3,
  auth: 4,
  other: 5,
} as const;

export function exitCodeFor(code: CliErrorCode): number {
  switch (code) {
    case 'not_found':
      return EXIT.notFound;
    case 'usage':
    case 'invalid_input':
      return EXIT.usage;
    case 'connection':
      return EXIT.connection;
    case 'auth':
      return EXIT.auth;
    default:
      return EXIT.other;
  }
}

/** A failure the CLI itself detects (bad flags, unreadable file…). */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** Command whose help the message should point to. */
    readonly helpFor?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface RenderedError {
  code: CliErrorCode;
  message: string;
  exitCode: number;
}

/** Any thrown value → one line, with every secret removed. */
export function renderError(e: unknown, secrets: readonly (string | undefined)[]): RenderedError {
  let code: CliErrorCode;
  let message: string;
  if (e instanceof CliError) {
    code = e.code;
    message = e.message;
    if (e.helpFor !== undefined) message += e.helpFor ? ` (see: mnemos help ${e.helpFor})` : ' (see: mnemos --help)';
  } else if (isStoreError(e)) {
    code = e.code;
    message = e.message;
  } else {
    code = 'internal';
    message = `unexpected error: ${String((e as Error)?.message ?? e)} (run with MNEMOS_DEBUG=1 for details)`;
  }
  message = redactSecrets(message, secrets)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
  return { code, message, exitCode: exitCodeFor(code) };
}
