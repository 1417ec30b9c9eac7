import { str } from './values';

/**
 * Typed store errors. Every message says what failed and, where possible, what to do about it;
 * front ends map `code` to exit codes (CLI), tool errors (MCP) or notifications (extension).
 */
export type StoreErrorCode =
  'invalid_input' | 'not_found' | 'connection' | 'auth' | 'conflict' | 'read_only' | 'corrupt';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export class InvalidInputError extends StoreError {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'InvalidInputError';
  }
}

export class NotFoundError extends StoreError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class ConnectionError extends StoreError {
  constructor(message: string, cause?: unknown) {
    super('connection', message, { cause });
    this.name = 'ConnectionError';
  }
}

export class AuthError extends StoreError {
  constructor(message: string, cause?: unknown) {
    super('auth', message, { cause });
    this.name = 'AuthError';
  }
}

export class ConflictError extends StoreError {
  constructor(message: string, cause?: unknown) {
    super('conflict', message, { cause });
    this.name = 'ConflictError';
  }
}

export class CorruptDatabaseError extends StoreError {
  constructor(message: string, cause?: unknown) {
    super('corrupt', message, { cause });
    this.name = 'CorruptDatabaseError';
  }
}

export function isStoreError(e: unknown): e is StoreError {
  return e instanceof StoreError;
}

/**
 * SQLite's "another writer holds the lock, try again" (SQLITE_BUSY / SQLITE_LOCKED, from the native
 * driver, from sqld through @libsql/client, or wrapped as a cause): the one test every retry loop uses.
 */
export function isBusyError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = str((cur as { code?: unknown }).code);
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return true;
    if (/database (table )?is locked/i.test(str((cur as { message?: unknown }).message))) return true;
  }
  return false;
}

/** Removes anything that looks like a bearer token or JWT from text that may reach a user or a log. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out
    .replace(
      /(authToken|auth_token|token|authorization)(["'=:\s]+(Bearer\s+)?)[A-Za-z0-9._~+/-]{8,}=*/gi,
      '$1$2[redacted]',
    )
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '[redacted-jwt]');
}
