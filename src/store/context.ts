/**
 * What a store module gets from the façade (`MnemosStore`): the connection, what the schema probe
 * found, and the bookkeeping every writer owes. A module for another family of ICM's tables
 * (memoirs, transcripts, feedback, facts, code areas) takes a `StoreContext`, never the store itself
 * (docs/ARCHITECTURE.md, "Adding a store family").
 */
import type { Conn } from './conn';
import type { SchemaInfo } from './schema';

export interface StoreContext {
  readonly conn: Conn;
  readonly schema: SchemaInfo;
  /**
   * Call once after every committed write: it moves this process's change marker, which a local
   * file's data_version does not do for the connection's own commits.
   */
  noteWrite(): void;
  /** Runs `p` off the caller's path: close() waits for it, and its error goes to onBackgroundError. */
  background(p: Promise<unknown>): void;
  /** An error of work that must not fail the caller (a failed access bump, a failed embedding). */
  reportError(e: unknown): void;
  /** A one-line notice for the user's log: something was left undone, nothing failed. */
  warn(message: string): void;
}
