/** Timing helpers shared by the benchmarks: percentiles, summaries, and what the machine was doing. */
import * as os from 'node:os';

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return {
    n: s.length,
    mean,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    min: s[0],
    max: s[s.length - 1],
  };
}

/** Milliseconds, elapsed, of one call. */
export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

export const fmtMs = (ms: number, digits = 3) => `${ms.toFixed(digits)} ms`;
export const fmtUs = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
export const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}×`;

export interface MachineInfo {
  date: string;
  cpus: string;
  cores: number;
  node: string;
  load: string;
}
export function machine(): MachineInfo {
  const c = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: c[0]?.model ?? 'unknown',
    cores: c.length,
    node: process.version,
    load: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' / '),
  };
}
export function printMachine(label: string): void {
  const m = machine();
  console.log(`# ${label}`);
  console.log(`# ${m.date} · ${m.cores} × ${m.cpus} · node ${m.node} · load avg (1/5/15 min) ${m.load}`);
}

/** Markdown table from rows of cells. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
