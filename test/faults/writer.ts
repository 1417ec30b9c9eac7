/**
 * A writer process for the fault tests and the scale bench: opens the store from FAULT_CONFIG (JSON
 * StoreConfig), prints one JSON line per event on fd 1 (written synchronously, so a line that was
 * printed survives a SIGKILL a moment later), and writes until killed, told to stop, or done.
 *
 *   FAULT_CONFIG    store config (JSON)
 *   FAULT_PREFIX    unique per process: every content string carries it (and a counter and a UUID)
 *   FAULT_TOPIC     topic of every memory
 *   FAULT_COUNT     stop after this many operations (default: never)
 *   FAULT_MIX       store (default): store() only; mixed: also storeMany(3), update and forget of its own memories
 *                   (FAULT_UPDATES=0: without update); update: three stores, then update() of their keywords in a loop
 *   FAULT_GATE=1    print `ready`, then wait for a `go` line on stdin before writing; a `stop` line ends the loop
 *   FAULT_EMBED=1   load the tiny offline model first, so vectors are written in the background after each store
 *   FAULT_LAT=1     send every store's latency (ms) in the `done` line (the bench)
 *   FAULT_PACE_MS   pause this long (± half, random) between operations, as a client that does other work does
 *
 * Lines: {"t":"ready"} · {"t":"try",op,id} (before an update/forget) · {"t":"ack",op,id|ids,c|cs,at,ms}
 * after the call resolved · {"t":"fail",op,c,code,msg,at} when a store() call rejected (nothing retried
 * here: recovery is the store's job) · {"t":"done",…}.
 */
import * as fs from 'node:fs';
import { IMPORTANCES, openStore, type StoreConfig, type StoreError } from '../../src/store';
import { contentFor, tinyEmbedder } from './helpers';

function emit(o: Record<string, unknown>): void {
  const buf = Buffer.from(JSON.stringify(o) + '\n');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FAULT_CONFIG ?? '') as StoreConfig;
  const prefix = process.env.FAULT_PREFIX ?? 'w';
  const topic = process.env.FAULT_TOPIC ?? 'fault-writer';
  const count = Number(process.env.FAULT_COUNT ?? Infinity);
  const mixed = process.env.FAULT_MIX === 'mixed';
  const updateLoop = process.env.FAULT_MIX === 'update';
  const updates = process.env.FAULT_UPDATES !== '0';
  const gate = process.env.FAULT_GATE === '1';
  const keepLat = process.env.FAULT_LAT === '1';
  const paceMs = Number(process.env.FAULT_PACE_MS ?? 0);
  const t0 = performance.now();
  const store = await openStore(config);
  if (process.env.FAULT_EMBED === '1') {
    const embedder = tinyEmbedder(); // needs dist/embed-worker.js (node scripts/build.mjs)
    // Merging near duplicates would turn one write into an edit of another: off, only vectors are wanted.
    store.setEmbedder(embedder, { nearDuplicate: false, waitForModel: true });
    await embedder.info();
  }
  emit({ t: 'ready', openMs: performance.now() - t0 });

  let stopping = false;
  if (gate) {
    let buf = '';
    let go: () => void = () => undefined;
    const started = new Promise<void>((r) => (go = r));
    process.stdin.on('data', (d: Buffer) => {
      buf += d.toString();
      if (/\bgo\b/.test(buf)) go();
      if (/\bstop\b/.test(buf)) stopping = true;
    });
    await started;
  }

  const lat: number[] = [];
  const mine: string[] = []; // acked single stores, not yet edited or forgotten
  let fails = 0;
  const tStart = performance.now();
  for (let n = 0; n < count && !stopping; n++) {
    // Local writes resolve without ever yielding to the event loop: yield, as an event-driven writer
    // (editor, MCP server) does, so the background vector writes get their turn.
    if (paceMs > 0) await new Promise((r) => setTimeout(r, paceMs * (0.5 + Math.random())));
    else if (mixed) await new Promise((r) => setImmediate(r));
    const importance = IMPORTANCES[n % 4];
    const r = mixed ? Math.random() : 0;
    const s = performance.now();
    if (updateLoop && n >= 3) {
      const id = mine[n % 3];
      emit({ t: 'try', op: 'k', id });
      await store.update(id, { keywords: ['faults', prefix, `k${n}`] });
      emit({ t: 'ack', op: 'k', id, at: Date.now(), ms: performance.now() - s });
    } else if (r < 0.7 || mine.length < 3 || (!updates && r >= 0.85 && r < 0.95)) {
      const c = contentFor(prefix, n);
      try {
        const res = await store.store({ topic, summary: c, importance, keywords: ['faults', prefix] });
        const ms = performance.now() - s;
        if (keepLat) lat.push(ms);
        emit({ t: 'ack', op: 's', id: res.id, action: res.action, c, at: Date.now(), ms });
        if (mixed || updateLoop) mine.push(res.id);
      } catch (e) {
        fails++;
        emit({
          t: 'fail',
          op: 's',
          c,
          code: (e as StoreError).code ?? null,
          msg: String((e as Error).message).slice(0, 300),
          at: Date.now(),
        });
      }
    } else if (r < 0.85) {
      const cs = [0, 1, 2].map((j) => contentFor(prefix, n, ` batch${n} part${j}of3`));
      const res = await store.storeMany(
        cs.map((c) => ({ topic, summary: c, importance, keywords: ['faults', prefix, 'batch'] })),
      );
      emit({ t: 'ack', op: 'm', ids: res.map((x) => x.id), cs, at: Date.now() });
    } else if (r < 0.95) {
      const id = mine.splice(Math.floor(Math.random() * mine.length), 1)[0];
      emit({ t: 'try', op: 'u', id });
      const m = await store.get(id);
      if (!m) throw new Error(`my own memory ${id} is gone`);
      const c = m.summary.replace(' original ', ' edited ');
      await store.update(id, { summary: c, keywords: ['faults', prefix, 'edited'] });
      emit({ t: 'ack', op: 'u', id, c, at: Date.now() });
    } else {
      const id = mine.splice(Math.floor(Math.random() * mine.length), 1)[0];
      emit({ t: 'try', op: 'f', id });
      await store.forget(id);
      emit({ t: 'ack', op: 'f', id, at: Date.now() });
    }
  }
  const writeMs = performance.now() - tStart;
  await store.close();
  emit({ t: 'done', writeMs, fails, ...(keepLat ? { lat } : {}) });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    emit({ t: 'err', code: (e as StoreError)?.code ?? null, msg: String((e as Error)?.stack ?? e).slice(0, 2000) });
    process.exit(1);
  },
);
