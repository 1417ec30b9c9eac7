// @ai-devkit/memory as a recall baseline: its own MCP stdio server (FTS5 over title/content/tags with
// SQLite's porter tokenizer, every query word as a prefix, BM25 weighted 10/5/1, then an any-word
// fallback ranked by how many words match), loaded with the labelled set through its own store tool.
//
// Where it is: AI_DEVKIT_MEMORY_DIR (the package folder), else node_modules/@ai-devkit/memory, else
// the folder bench/peers/install.sh fills (~/.cache/mnemos/peers). Its native better-sqlite3 must be built there.
//
// The set's memories in its fields: title = the summary's first sentence (≤ 100 characters, cut at a
// word; the topic is put in front when two titles would collide, which it refuses, then the set's id), content = the
// summary (padded with the topic when under its 50-character minimum), tags = the topic and the
// keywords (its tag alphabet: other characters become '-', which its tokenizer splits on as unicode61
// does), scope = project:<name> for a project's topic (decisions-billing-api…), else global. Queries
// carry no scope, as in the set; the peer then adds +0.2 to global memories' scores, its own rule.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { DatasetMemory } from './make-dataset';

const ROOT = path.resolve(__dirname, '..', '..');

export function findAiDevkit(): string | undefined {
  const dirs = [
    process.env.AI_DEVKIT_MEMORY_DIR,
    path.join(ROOT, 'node_modules', '@ai-devkit', 'memory'),
    // bench/peers/install.sh's default folder
    path.join(
      process.env.MNEMOS_PEERS_DIR ?? path.join(os.homedir(), '.cache/mnemos/peers'),
      'node_modules/@ai-devkit/memory',
    ),
  ];
  return dirs.find((d): d is string => !!d && fs.existsSync(path.join(d, 'dist', 'index.js')));
}

type ToolResult = { content?: { type: string; text?: string }[]; isError?: boolean };

function cutTitle(s: string): string {
  const first = /^.*?[.!?](?=\s|$)/.exec(s)?.[0] ?? s;
  const t = first.length >= 10 ? first : s;
  if (t.length <= 100) return t;
  const cut = t.slice(0, 100);
  return cut.slice(0, Math.max(10, cut.lastIndexOf(' ')));
}
const tag = (k: string) => k.replace(/[^a-z0-9-]+/gi, '-').replace(/^[^a-z0-9]+|-+$/gi, '');

export interface AiDevkitPeer {
  version: string;
  /** Dataset ids, best first. */
  search(query: string, limit: number): Promise<string[]>;
  loadMs: number;
  close(): Promise<void>;
}

export async function startAiDevkit(memories: DatasetMemory[], pkgDir: string): Promise<AiDevkitPeer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mnemos-recall-aidevkit-'));
  const entry = fs.realpathSync(path.join(pkgDir, 'dist', 'index.js'));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const version = pkg.version;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    // Its database is ~/.ai-devkit/memory.db; semantic search stays off (no .ai-devkit.json in cwd).
    env: { ...getDefaultEnvironment(), HOME: home },
    cwd: home,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mnemos-recall-eval', version: '0.1.0' });
  await client.connect(transport, { timeout: 60_000 });
  const call = async (name: string, args: Record<string, unknown>) => {
    const res = (await client.callTool({ name, arguments: args })) as ToolResult;
    const text = (res.content ?? []).map((p) => p.text ?? '').join('\n');
    return { text, error: res.isError === true };
  };
  const toDataset = new Map<string, string>();
  const t0 = performance.now();
  for (const m of memories) {
    const content = m.summary.length >= 50 ? m.summary : `${m.summary} (topic: ${m.topic})`.padEnd(50, '.');
    const tags = [...new Set([m.topic, ...m.keywords].map(tag).filter(Boolean))].slice(0, 10);
    const project = /^(?:decisions|context|runbook|errors|conventions)-([a-z0-9-]+)$/.exec(m.topic)?.[1];
    const scope = project ? `project:${project}` : 'global';
    let title = cutTitle(m.summary);
    for (let attempt = 0; ; attempt++) {
      const r = await call('memory_storeKnowledge', { title, content, tags, scope });
      if (!r.error) {
        toDataset.set((JSON.parse(r.text) as { id: string }).id, m.id);
        break;
      }
      if (attempt > 1 || !/similar title/i.test(r.text))
        throw new Error(`@ai-devkit/memory refused ${m.id}: ${r.text.slice(0, 300)}`);
      title = attempt === 0 ? cutTitle(`${m.topic}: ${m.summary}`) : `${title.slice(0, 90)} (${m.id})`;
    }
  }
  const loadMs = performance.now() - t0;
  return {
    version,
    loadMs,
    async search(query, limit) {
      const r = await call('memory_searchKnowledge', { query, limit });
      if (r.error) return []; // e.g. a query under its 3-character minimum
      const out = JSON.parse(r.text) as { results: { id: string }[] };
      return out.results.map((x) => toDataset.get(x.id) ?? `?${x.id}`);
    },
    async close() {
      await client.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
