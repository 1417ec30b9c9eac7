/** Commands on the store itself: connect, token, sync, info, refresh, export/import, embedding backfill. */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeConfig, InvalidInputError, openStore, redactUrl, validateRemoteUrl } from '../../store';
import type { BackfillOptions } from '../embeddings';
import { messageOf } from '../notify';
import type { Services } from '../services';
import { SECTION } from '../settings';
import { Cancelled, options, required, stringOpt, uriArg } from './args';

/** mnemos.refresh() — re-reads everything; after a failed open, tries to open again; sends what waits in the outbox. */
export async function refresh(s: Services) {
  if (s.host.status().state === 'error') await s.host.close('refresh after an error');
  await s.offline.drainNow('Refresh'); // re-reads the outbox (another window or an earlier session may have queued some)
  await s.store();
  if (s.host.isOfflineCopy())
    s.offline.reportOffline(s.host.status().error, () => vscode.commands.executeCommand('mnemos.refresh'));
  s.watcher.poke();
  s.watcher.fire();
  s.docs.refreshOpen();
  return s.host.status();
}

/**
 * mnemos.connect({url?, token?, target?: 'user'|'workspace'}) — URL (validated), token (password box,
 * empty keeps the current one), a test connection, then the token to SecretStorage and the URL to settings.
 * Nothing is saved when the test fails.
 */
export async function connect(s: Services, ...args: unknown[]) {
  const o = options(args);
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const interactive = o.url === undefined;
  const url = (
    stringOpt(o, 'url') ??
    required(
      await vscode.window.showInputBox({
        title: 'Mnemos: Connect (1/2) — database URL',
        prompt: 'libsql://, https://, wss:// — or http:// on this machine',
        placeHolder: 'libsql://my-db-my-org.turso.io',
        value: cfg.get<string>('database.url') || undefined,
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            validateRemoteUrl(v);
            return undefined;
          } catch (e) {
            return messageOf(e);
          }
        },
      }),
    )
  ).trim();
  validateRemoteUrl(url);
  let token = stringOpt(o, 'token');
  if (token === undefined && interactive) {
    token = required(
      await vscode.window.showInputBox({
        title: 'Mnemos: Connect (2/2) — auth token',
        prompt:
          'Stored in VS Code secret storage, never in settings. Leave empty to keep the current token (or use TURSO_AUTH_TOKEN, or none).',
        password: true,
        ignoreFocusOut: true,
      }),
    );
  }
  token = token?.trim() || undefined;
  s.tokens.remember(token);
  const authToken = token ?? (await s.tokens.get()).token;
  const where = redactUrl(url);
  const t0 = performance.now();
  const count = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Mnemos: connecting to ${where}…` },
    async () => {
      const probe = await openStore({ mode: 'remote', url, authToken, retries: 1 });
      try {
        return await probe.count();
      } finally {
        await probe.close().catch(() => undefined);
      }
    },
  );
  s.log.info(`connection test to ${where} passed in ${Math.round(performance.now() - t0)} ms (${count} memories)`);
  if (token) await s.tokens.set(token);
  const target = settingsTarget(o.target, 'database.url');
  await cfg.update('database.url', url, target);
  // Apply now rather than waiting for the configuration/secret events (they may arrive in any order).
  await s.host.settingsChanged();
  await s.host.tokenChanged();
  await s.store();
  s.changed();
  s.notify.info(`Connected to ${where}: ${count} ${count === 1 ? 'memory' : 'memories'}.`);
  return { ok: true, url: where, count, target: target === vscode.ConfigurationTarget.Global ? 'user' : 'workspace' };
}

/** Where a database setting is written: where it is set now (so it takes effect), else user settings. */
function settingsTarget(arg: unknown, key: string): vscode.ConfigurationTarget {
  if (arg === 'user') return vscode.ConfigurationTarget.Global;
  if (arg === 'workspace') return vscode.ConfigurationTarget.Workspace;
  const i = vscode.workspace.getConfiguration(SECTION).inspect(key);
  return vscode.workspace.isTrusted && i?.workspaceValue !== undefined
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
}

/** mnemos.setAuthToken(token?) — into SecretStorage; the store reconnects with it. */
export async function setAuthToken(s: Services, ...args: unknown[]) {
  const given = typeof args[0] === 'string' ? args[0] : stringOpt(options(args), 'token');
  const token = (
    given ??
    required(
      await vscode.window.showInputBox({
        title: 'Mnemos: Set Auth Token',
        prompt: 'Token for the libSQL / Turso database (kept in VS Code secret storage)',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'the token must not be empty'),
      }),
    )
  ).trim();
  if (!token) throw new InvalidInputError('the token must not be empty; use "Mnemos: Clear Auth Token" to remove it');
  s.tokens.remember(token);
  const changed = await s.tokens.set(token);
  await updateTokenContext(s);
  s.log.info(changed ? 'auth token stored in secret storage' : 'auth token unchanged');
  s.reopen(await s.host.tokenChanged(), 'reconnecting with the new auth token');
  if (given === undefined) s.notify.info('Auth token saved in secret storage.');
  return { changed };
}

/** mnemos.clearAuthToken() */
export async function clearAuthToken(s: Services) {
  const removed = await s.tokens.clear();
  await updateTokenContext(s);
  s.log.info(removed ? 'auth token removed from secret storage' : 'no auth token was stored');
  s.reopen(await s.host.tokenChanged(), 'reconnecting without a stored auth token');
  s.notify.info(removed ? 'Auth token removed from secret storage.' : 'No auth token was stored.');
  return { removed };
}

export async function updateTokenContext(s: Services): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'mnemos.hasSecretToken', await s.tokens.hasSecret());
}

/** mnemos.syncNow() — embedded replica: pull from the primary now. */
export async function syncNow(s: Services) {
  if (s.host.settings().store.mode !== 'replica') {
    s.notify.info(
      'Sync Now applies to an embedded replica (set mnemos.database.syncUrl); this store is always current.',
    );
    return { synced: false };
  }
  if (s.host.isOfflineCopy()) await s.offline.drainNow('Sync Now');
  s.offline.requireServer('syncing');
  const store = await s.store();
  s.host.noteSyncStart();
  const t0 = performance.now();
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Mnemos: syncing' }, () =>
      store.sync(),
    );
  } catch (e) {
    s.host.noteSync(false, e);
    throw e;
  }
  s.host.noteSync(true);
  const ms = Math.round(performance.now() - t0);
  s.log.info(`synced ${store.describe()} in ${ms} ms`);
  s.changed();
  return { synced: true, ms };
}

/**
 * mnemos.embedMissing({force?, topic?, batchSize?, token?, onProgress?}) — embeds the memories that have no
 * vector for the current model, with a progress notification that can be cancelled.
 */
export async function embedMissing(s: Services, ...args: unknown[]) {
  const o = options(args);
  const token =
    o.token && typeof (o.token as vscode.CancellationToken).onCancellationRequested === 'function'
      ? (o.token as vscode.CancellationToken)
      : undefined;
  const batchSize = o.batchSize === undefined ? undefined : Number(o.batchSize);
  return s.embeddings.backfill({
    force: o.force === true,
    topic: stringOpt(o, 'topic'),
    batchSize,
    token,
    onProgress: typeof o.onProgress === 'function' ? (o.onProgress as BackfillOptions['onProgress']) : undefined,
  });
}

/** mnemos.export(path|Uri|{path}?) — every memory as JSON. The file holds memories only: no settings, no token. */
export async function exportMemories(s: Services, ...args: unknown[]) {
  const store = await s.store();
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target =
    uriArg(args) ??
    required(
      await vscode.window.showSaveDialog({
        title: 'Mnemos: Export Memories',
        defaultUri: vscode.Uri.joinPath(base, `mnemos-export-${new Date().toISOString().slice(0, 10)}.json`),
        filters: { 'Mnemos export': ['json'] },
        saveLabel: 'Export',
      }),
    );
  const data = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Mnemos: exporting…' },
    async () => {
      const d = await store.exportAll();
      await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(d, null, 2) + '\n', 'utf8'));
      return d;
    },
  );
  const n = data.memories.length;
  s.log.info(`exported ${n} memories to ${target.fsPath}`);
  s.notify.info(`Exported ${n} ${n === 1 ? 'memory' : 'memories'} to ${path.basename(target.fsPath)}.`, {
    title: 'Open',
    run: () => vscode.window.showTextDocument(target),
  });
  return { path: target.fsPath, count: n };
}

/** mnemos.import(path|Uri|{path}?) — a Mnemos export; existing ids and exact duplicates are skipped. */
export async function importMemories(s: Services, ...args: unknown[]) {
  s.offline.requireServer('importing');
  const store = await s.store();
  const source =
    uriArg(args) ??
    required(
      await vscode.window.showOpenDialog({
        title: 'Mnemos: Import Memories',
        canSelectMany: false,
        filters: { 'Mnemos export': ['json'] },
        openLabel: 'Import',
      }),
    )[0];
  if (!source) throw new Cancelled();
  const bytes = await vscode.workspace.fs.readFile(source);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new InvalidInputError(`${path.basename(source.fsPath)} is not JSON (${messageOf(e)})`);
  }
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Mnemos: importing…' },
    () => store.importAll(data),
  );
  s.changed();
  s.log.info(`imported ${r.imported} memories from ${source.fsPath} (${r.skipped} skipped)`);
  s.notify.info(
    `Imported ${r.imported} ${r.imported === 1 ? 'memory' : 'memories'}${r.skipped ? ` (${r.skipped} already present)` : ''}.`,
  );
  return r;
}

/** mnemos.showStoreInfo({quiet?}) — mode, where (never the token), counts, schema; details to the output channel. */
export async function showStoreInfo(s: Services, ...args: unknown[]) {
  const o = options(args);
  const st = s.host.settings();
  const status = s.host.status();
  const info: Record<string, unknown> = {
    mode: st.store.mode,
    database: describeConfig(st.store),
    settingsFrom: st.origin,
    state: status.state,
    connected: status.connected,
    recall: status.keywordOnly ? `keyword-only (${status.keywordNote})` : 'hybrid',
    offline: status.offline,
    offlineCopy: status.offlineCopy,
    outbox: { pending: status.pending, refused: status.parked, forOtherDatabases: status.pendingElsewhere },
    embeddings: { ...st.embeddings, state: s.embeddings.status().kind },
  };
  if (st.store.mode !== 'local') {
    const origin = (await s.tokens.get()).origin;
    info.token = origin === 'none' ? 'none' : `from ${origin}`;
  }
  if (st.store.mode === 'replica') {
    info.syncIntervalSec = st.syncIntervalSec;
    info.lastSync = status.lastSyncAt ? new Date(status.lastSyncAt).toISOString() : null;
  }
  if (st.ignoredUntrusted.length) info.ignoredInUntrustedWorkspace = st.ignoredUntrusted;
  try {
    const store = await s.store();
    const stats = await store.stats();
    const version = await store.sql(`SELECT value FROM mnemos_state WHERE key = 'schema_version'`).catch(() => []);
    info.memories = stats.totalMemories;
    info.topics = stats.totalTopics;
    info.oldest = stats.oldestMemory;
    info.newest = stats.newestMemory;
    if (st.embeddings.enabled) {
      const c = await s.embeddings.refreshCoverage(store);
      info.embeddingCoverage = { model: c.model ?? st.embeddings.model, embedded: c.embedded, total: c.total };
    }
    info.schema = {
      mnemosVersion: Number(version[0]?.value ?? 0),
      icmVectorTable: store.schema.hasIcmVecTable,
      icmEmbeddingColumn: store.schema.hasIcmEmbeddingColumn,
    };
  } catch (e) {
    info.error = s.log.redact(messageOf(e));
    if (!o.quiet)
      s.notify.report(e, {
        what: 'opening the store',
        opening: true,
        retry: () => vscode.commands.executeCommand('mnemos.showStoreInfo'),
      });
    else s.log.error('opening the store failed', e);
    s.log.info(`store info: ${JSON.stringify(info)}`);
    return info;
  }
  s.log.info(`store info: ${JSON.stringify(info)}`);
  if (!o.quiet) {
    const cov = info.embeddingCoverage as { embedded: number; total: number } | undefined;
    const counts = `${String(info.memories)} memories in ${String(info.topics)} topics${cov ? ` (${cov.embedded} with embeddings)` : ''}`;
    s.notify.info(
      `Mnemos: ${String(info.database)} — ${counts}${status.keywordOnly ? ' · keyword-only recall' : ''}.`,
      { title: 'Show Details', run: () => s.log.show() },
      {
        title: 'Open Settings',
        run: () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:mnemos.mnemos'),
      },
    );
  }
  return info;
}
