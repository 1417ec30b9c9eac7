/**
 * What the Sessions view and the file CodeLens cost per call, on a local file with 10k memories (one
 * in ten saved from a file and some mentioning file names), 5k code areas in 3 projects and 2,000
 * sessions of 25 messages. Each figure is beside a baseline run in the same rounds, interleaved:
 *   lens per file (memoriesForFile + codeAreas.forFile, as the extension runs them, with the saved-from
 *     map it reads once per store change; and without it) vs keyword recall of the file name (what
 *     "recall the file" would cost) and a bare `SELECT 1`;
 *   first page of 50 sessions with message counts and first prompt vs ICM's listSessions(50) (no counts);
 *   a page 1,500 sessions deep (keyset) vs the first page;
 *   transcript + code-area change markers vs the memories change marker (what the watcher polls).
 *
 *   node --import tsx bench/sessions-view.ts [--memories 10000] [--sessions 2000] [--messages 25] [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeFile } from '../src/extension/codeAreas/summary';
import { openStore, type SessionCursor, sourceFiles } from '../src/store';
import { generateMemories } from './peers/corpus';

const { values: opt } = parseArgs({
  options: {
    memories: { type: 'string', default: '10000' },
    sessions: { type: 'string', default: '2000' },
    messages: { type: 'string', default: '25' },
    rounds: { type: 'string', default: '5' },
  },
});
const now = () => performance.now();
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

async function main() {
  const nMem = Number(opt.memories);
  const nSessions = Number(opt.sessions);
  const perSession = Number(opt.messages);
  const rounds = Number(opt.rounds);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sessions-view-'));
  const store = await openStore({ mode: 'local', path: path.join(dir, 'mnemos.db') });
  const dirs = ['src/store', 'src/extension', 'src/cli', 'src/mcp', 'test/store', 'bench', 'docs', 'scripts'];
  const files = Array.from({ length: 1700 }, (_, i) => `${dirs[i % dirs.length]}/module${i}.ts`);
  const t0 = now();
  const mems = generateMemories(nMem);
  for (let i = 0; i < nMem; i += 1000) {
    await store.storeMany(
      mems.slice(i, i + 1000).map((m, k) => {
        const j = i + k;
        const file = files[j % files.length];
        return {
          topic: m.topic,
          summary: j % 7 === 0 ? `${m.content} (see ${path.posix.basename(file)})` : m.content,
          importance: m.importance,
          keywords: m.keywords,
          source: j % 10 === 0 ? { type: 'vscode', file, startLine: 1, endLine: 9 } : null,
        };
      }),
    );
  }
  const projects = ['mnemos', 'icm', 'other'];
  for (let i = 0; i < 5000; i += 500) {
    await store.codeAreas.touchMany(
      Array.from({ length: 500 }, (_, k) => ({
        project: projects[(i + k) % 3],
        filePath: files[Math.floor((i + k) / 3) % files.length],
        sessionId: null,
        toolName: 'Edit',
      })),
    );
  }
  const t = store.transcripts;
  for (let i = 0; i < nSessions; i++) {
    const id = await t.createSession({ agent: i % 2 ? 'claude-code' : 'copilot-cli', project: projects[i % 3] });
    await t.recordMany(
      Array.from({ length: perSession }, (_, k) => ({
        sessionId: id,
        role: k % 2 ? 'assistant' : 'user',
        content: `${mems[(i * perSession + k) % nMem].content}`,
      })),
    );
  }
  console.log(
    `setup: ${nMem} memories, 5000 code areas (3 projects), ${nSessions} sessions × ${perSession} messages, local file, ${((now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `load average before: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, ${os.cpus().length} cores`,
  );

  // A cursor 1,500 sessions deep.
  let deep: SessionCursor | null = null;
  for (let k = 0; k < Math.min(1500, nSessions - 50) / 50; k++)
    deep = (await t.sessionPage({ limit: 50, after: deep })).next;

  const series: Record<string, number[]> = {};
  const time = async (name: string, f: () => Promise<unknown>) => {
    const a = now();
    await f();
    (series[name] ??= []).push(now() - a);
  };
  const sample = Array.from({ length: 100 }, (_, i) => files[(i * 17) % files.length]);
  // The extension reads the saved-from-file map once per store change and shares it between files.
  let sources = await sourceFiles(store.conn);
  for (let r = 0; r < rounds; r++) {
    await time('lens: source map, once per store change', async () => (sources = await sourceFiles(store.conn)));
    for (const f of sample) {
      const info = {
        name: path.posix.basename(f),
        relative: f,
        projects: ['mnemos', 'mnemos-ws'],
        paths: [f, `/ws/${f}`],
      };
      await time('lens: one file (memories + code areas)', () => summarizeFile(store, info, sources));
      await time('lens without the cached source map (scans memories)', () => summarizeFile(store, info));
      await time('baseline: keyword recall of the file name', () => store.recallKeyword(info.name, { limit: 50 }));
      await time('baseline: SELECT 1', () => store.sql('SELECT 1'));
    }
    for (let k = 0; k < 20; k++) {
      await time('sessions: first page of 50 with counts', () => t.sessionPage({ limit: 50 }));
      await time("baseline: ICM's listSessions(50), no counts", () => t.listSessions({ limit: 50 }));
      await time('sessions: page 1,500 deep (keyset)', () => t.sessionPage({ limit: 50, after: deep }));
      await time('sessions: search, 50 hits', () => t.search('error build', { limit: 50 }));
      await time('markers: transcripts + code areas', async () => {
        await t.changeMarker();
        await store.codeAreas.changeMarker();
      });
      await time('baseline: memories change marker', () => store.changeMarker());
    }
  }
  console.log(
    `load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log('| measure | median ms | p90 ms | n |\n| --- | --- | --- | --- |');
  for (const [name, xs] of Object.entries(series))
    console.log(`| ${name} | ${q(xs, 0.5).toFixed(3)} | ${q(xs, 0.9).toFixed(3)} | ${xs.length} |`);
  const ratio = (a: string, b: string) => (q(series[a], 0.5) / q(series[b], 0.5)).toFixed(2);
  console.log(
    `lens / keyword recall of the name: ${ratio('lens: one file (memories + code areas)', 'baseline: keyword recall of the file name')}×; ` +
      `first page / listSessions: ${ratio('sessions: first page of 50 with counts', "baseline: ICM's listSessions(50), no counts")}×; ` +
      `deep page / first page: ${ratio('sessions: page 1,500 deep (keyset)', 'sessions: first page of 50 with counts')}×`,
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

void main();
