/**
 * Errors a user can act on: a StoreError becomes a notification with the button that fixes it
 * (auth → Set Auth Token, connection → Retry / Open Settings); the full error goes to the output
 * channel. Notifications are never awaited, so a command never hangs on an unanswered toast.
 */
import * as vscode from 'vscode';
import { isStoreError } from '../store';
import type { Log } from './log';

export type Severity = 'info' | 'warning' | 'error';
export interface Notice {
  severity: Severity;
  message: string;
  actions: string[];
  at: number;
}
export interface Action {
  title: string;
  run(): unknown;
}

const KEEP = 50;

export const openSettingsAction: Action = {
  title: 'Open Settings',
  run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'mnemos.database'),
};
export const setTokenAction: Action = {
  title: 'Set Auth Token',
  run: () => vscode.commands.executeCommand('mnemos.setAuthToken'),
};

export class Notifier {
  private readonly recent: Notice[] = [];

  constructor(private readonly log: Log) {}

  info(message: string, ...actions: Action[]): void {
    this.show('info', message, actions);
  }
  warn(message: string, ...actions: Action[]): void {
    this.show('warning', message, actions);
  }
  error(message: string, ...actions: Action[]): void {
    this.show('error', message, actions);
  }

  /** The last notifications shown (newest last): what a user saw, for tests. */
  notices(): readonly Notice[] {
    return this.recent;
  }

  /**
   * Shows what went wrong and what to do. `what` names the failed operation for the log;
   * `retry` adds a Retry button on connection errors; `opening` adds Open Settings.
   */
  report(err: unknown, opts: { what?: string; retry?: () => unknown; opening?: boolean } = {}): void {
    this.log.error(`${opts.what ?? 'operation'} failed`, err);
    const msg = this.log.redact(messageOf(err));
    const logAction: Action = { title: 'Show Log', run: () => this.log.show() };
    if (!isStoreError(err)) {
      this.error(`Mnemos: ${msg}`, logAction);
      return;
    }
    const retry: Action[] = opts.retry ? [{ title: 'Retry', run: opts.retry }] : [];
    switch (err.code) {
      case 'auth':
        this.error(`Mnemos: ${msg}`, setTokenAction, openSettingsAction);
        return;
      case 'connection':
        this.error(`Mnemos: ${msg}`, ...retry, openSettingsAction);
        return;
      case 'invalid_input':
        this.warn(`Mnemos: ${msg}`, ...(opts.opening ? [openSettingsAction] : []));
        return;
      case 'not_found':
      case 'conflict':
        this.warn(`Mnemos: ${msg}`);
        return;
      case 'read_only':
      case 'corrupt':
        this.error(`Mnemos: ${msg}`, openSettingsAction, logAction);
        return;
      default:
        this.error(`Mnemos: ${msg}`, logAction);
    }
  }

  private show(severity: Severity, message: string, actions: Action[]): void {
    const text = this.log.redact(message);
    this.recent.push({ severity, message: text, actions: actions.map((a) => a.title), at: Date.now() });
    if (this.recent.length > KEEP) this.recent.shift();
    const fn =
      severity === 'error'
        ? vscode.window.showErrorMessage
        : severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    const titles = actions.map((a) => a.title);
    void Promise.resolve(fn(text, ...titles)).then(
      (picked) => {
        const a = actions.find((x) => x.title === picked);
        if (a) void Promise.resolve(a.run()).catch((e) => this.log.error(`"${a.title}" failed`, e));
      },
      () => undefined,
    );
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
