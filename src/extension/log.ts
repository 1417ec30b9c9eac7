/**
 * The "Mnemos" output channel. Every line passes through redactSecrets with the tokens currently
 * known, so a token can never reach the channel, even inside a driver's error text.
 */
import * as vscode from 'vscode';
import { EmbedderUnavailableError } from '../embed/embedder';
import { oneLine, textOf } from '../shared/text';
import { isStoreError, redactSecrets } from '../store';

const KEEP_LINES = 2000;

export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly lines: string[] = [];
  private secrets: () => readonly (string | undefined)[] = () => [];

  constructor(name = 'Mnemos') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Tells the log which secret values to blank out (the token from SecretStorage and the environment). */
  setSecrets(get: () => readonly (string | undefined)[]): void {
    this.secrets = get;
  }

  redact(text: string): string {
    return redactSecrets(text, this.secrets());
  }

  info(message: string): void {
    const line = this.redact(message);
    this.keep('info', line);
    this.channel.info(line);
  }

  warn(message: string): void {
    const line = this.redact(message);
    this.keep('warn', line);
    this.channel.warn(line);
  }

  /**
   * Full details (stack, cause chain) go here; users only ever see the message. An expected condition
   * (offline, no embedding model, server down) is a one-line warning instead: no stack to scare anyone.
   */
  error(message: string, err?: unknown): void {
    if (err !== undefined && isExpectedCondition(err)) {
      this.warn(`${message}: ${expectedLine(err)}`);
      return;
    }
    const line = this.redact(err === undefined ? message : `${message}\n${describeError(err)}`);
    this.keep('error', line);
    this.channel.error(line);
  }

  show(): void {
    this.channel.show(true);
  }

  /** What the channel holds (already redacted), for tests and "Show Store Info". */
  text(): string {
    return this.lines.join('\n');
  }

  private keep(level: string, line: string): void {
    this.lines.push(`[${level}] ${line}`);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** Offline, model unavailable, server down: conditions Mnemos expects and handles; real faults are the rest. */
export function isExpectedCondition(err: unknown): boolean {
  if (err instanceof EmbedderUnavailableError) return err.reason !== 'crashed';
  return isStoreError(err) && err.code === 'connection';
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
