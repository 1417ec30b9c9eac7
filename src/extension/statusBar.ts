/** Status bar item: where the memories live, whether that place is reachable, and whether recall is keyword-only. */
import * as vscode from 'vscode';
import type { StoreHost, StoreStatus } from './storeHost';

const MODE_ICON = { local: '$(database)', remote: '$(cloud)', replica: '$(sync)' } as const;

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  /** Lines about connected agents (src/extension/agents), shown in the tooltip. */
  private agents: string[] = [];

  constructor(private readonly host: StoreHost) {
    this.item = vscode.window.createStatusBarItem('mnemos.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Mnemos';
    this.item.command = 'mnemos.showStoreInfo';
    this.sub = host.onDidChangeStatus((s) => this.render(s));
    this.render(host.status());
    this.item.show();
    // "synced 2 min ago" must age even when nothing happens.
    this.timer = setInterval(() => this.host.status().mode === 'replica' && this.render(this.host.status()), 30_000);
  }

  /** Text and tooltip for a status; pure, so a test can check it. */
  static describe(s: StoreStatus, agents: readonly string[] = []): { text: string; tooltip: string; problem: boolean } {
    const problem = s.state === 'error' || (s.state === 'open' && !s.connected) || s.parked > 0;
    let icon: string = MODE_ICON[s.mode];
    if (s.state === 'opening' || s.syncing) icon = '$(loading~spin)';
    else if (problem) icon = s.mode === 'local' ? '$(error)' : '$(debug-disconnect)';
    // Offline, "offline" and what waits matter more than keyword-only (which stays in the tooltip).
    const tags = [
      s.offline ? 'offline' : s.keywordOnly ? 'keyword-only' : '',
      s.pending ? `${s.pending} pending` : '',
      s.parked ? `${s.parked} refused` : '',
    ].filter(Boolean);
    const text = `${icon} Mnemos ${s.mode}${tags.map((t) => ` · ${t}`).join('')}`;
    const lines = [`Mnemos: ${s.description}`];
    const state =
      s.state === 'closed'
        ? 'not opened yet (opens on first use)'
        : s.state === 'opening'
          ? 'opening…'
          : s.offlineCopy
            ? "server unreachable: reading the replica's last synced copy (read-only)"
            : s.state === 'error'
              ? s.offline
                ? 'server unreachable'
                : 'could not open'
              : s.connected
                ? s.mode === 'local'
                  ? 'open'
                  : 'connected'
                : 'server unreachable (retrying)';
    lines.push(`State: ${state}`);
    if (s.mode === 'replica') lines.push(`Last sync: ${s.lastSyncAt ? ago(s.lastSyncAt) : 'not yet'}`);
    if (s.error) lines.push(`Error: ${s.error}`);
    if (s.pending) {
      const next = s.nextRetryAt
        ? ` (next try ${s.nextRetryAt <= Date.now() ? 'now' : `in ${Math.ceil((s.nextRetryAt - Date.now()) / 1000)} s`})`
        : '';
      lines.push(
        `Pending: ${s.pending} ${s.pending === 1 ? 'memory' : 'memories'} saved offline, written when the server is reachable${next}`,
      );
    }
    if (s.parked)
      lines.push(
        `Refused: ${s.parked} ${s.parked === 1 ? 'memory' : 'memories'} saved offline that the server refused (kept; see the Mnemos log)`,
      );
    if (s.pendingElsewhere) lines.push(`Also waiting: ${s.pendingElsewhere} saved offline for another database`);
    lines.push(s.keywordOnly ? `Recall: keyword-only — ${s.keywordNote}` : 'Recall: hybrid (keywords + embeddings)');
    if (s.embeddings) lines.push(`Embeddings: ${s.embeddings}`);
    lines.push(...agents);
    lines.push('', 'Click for store info');
    return { text, tooltip: lines.join('\n'), problem };
  }

  /** Which agents are connected changed: the tooltip says so. */
  setAgents(lines: string[]): void {
    if (lines.join('\n') === this.agents.join('\n')) return;
    this.agents = lines;
    this.render(this.host.status());
  }

  private render(s: StoreStatus): void {
    const d = StatusBar.describe(s, this.agents);
    this.item.text = d.text;
    this.item.tooltip = d.tooltip;
    this.item.backgroundColor = d.problem ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: d.tooltip.split('\n').slice(0, 3).join(', ') };
  }

  /** For tests: what the status bar shows now. */
  snapshot(): { text: string; tooltip: string } {
    const t = this.item.tooltip; // always set from describe() as a string
    return { text: this.item.text, tooltip: typeof t === 'string' ? t : (t?.value ?? '') };
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.sub.dispose();
    this.item.dispose();
  }
}

function ago(t: number): string {
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}
