/**
 * The auth token for a remote or replica store: VS Code's SecretStorage first, then the environment
 * (TURSO_AUTH_TOKEN / LIBSQL_AUTH_TOKEN, as ICM reads it). Never in settings, never logged.
 */
import * as vscode from 'vscode';

export const SECRET_KEY = 'mnemos.authToken';
export type TokenOrigin = 'secret storage' | 'TURSO_AUTH_TOKEN' | 'LIBSQL_AUTH_TOKEN' | 'none';

export class TokenSource implements vscode.Disposable {
  private cached: string | undefined;
  /** Every token seen this session (stored, replaced, or only tried by Connect): all are blanked in logs. */
  private readonly seen = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the stored token really changed (not on a write of the same value). */
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_KEY) return;
      const before = this.cached;
      const now = await this.readSecret();
      if (now !== before) this.emitter.fire();
    });
  }

  private async readSecret(): Promise<string | undefined> {
    this.cached = (await this.secrets.get(SECRET_KEY)) || undefined;
    if (this.cached) this.seen.add(this.cached);
    return this.cached;
  }

  async get(): Promise<{ token: string | undefined; origin: TokenOrigin }> {
    const s = await this.readSecret();
    if (s) return { token: s, origin: 'secret storage' };
    if (process.env.TURSO_AUTH_TOKEN) return { token: process.env.TURSO_AUTH_TOKEN, origin: 'TURSO_AUTH_TOKEN' };
    if (process.env.LIBSQL_AUTH_TOKEN) return { token: process.env.LIBSQL_AUTH_TOKEN, origin: 'LIBSQL_AUTH_TOKEN' };
    return { token: undefined, origin: 'none' };
  }

  async hasSecret(): Promise<boolean> {
    return !!(await this.readSecret());
  }

  async set(token: string): Promise<boolean> {
    const t = token.trim();
    this.seen.add(t);
    const before = await this.readSecret();
    await this.secrets.store(SECRET_KEY, t);
    this.cached = t;
    return before !== t;
  }

  async clear(): Promise<boolean> {
    const before = await this.readSecret();
    await this.secrets.delete(SECRET_KEY);
    this.cached = undefined;
    return before !== undefined;
  }

  /** A token that is about to be tried (Connect's test) must be redacted even if it is never stored. */
  remember(token: string | undefined): void {
    if (token) this.seen.add(token.trim());
  }

  /** Every value that must never be printed: tokens seen this session and the environment's. */
  knownSecrets(): (string | undefined)[] {
    return [...this.seen, process.env.TURSO_AUTH_TOKEN, process.env.LIBSQL_AUTH_TOKEN];
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
