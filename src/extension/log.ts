/**
 * The "Mnemos" output channel. Every line passes through redactSecrets with the tokens currently
 * known, so a token can never reach the channel, even inside a driver's error text.
 */
import * as vscode from 'vscode';
import { redactSecrets } from '../store';
import { logEntry } from './logEntry';

export { describeError, isExpectedCondition } from './logEntry';

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
    const e = logEntry(message, err);
    if (e.level === 'warn') return this.warn(e.text);
    const line = this.redact(e.text);
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
