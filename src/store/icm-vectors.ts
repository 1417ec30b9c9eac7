/**
 * ICM's sqlite-vec table `vec_memories` (docs/ICM-COMPAT.md, "vec_memories"): when Mnemos deletes
 * memories in a file that has it, their rows there go too, as ICM's own deletes do. The table is a
 * `vec0` virtual table, so a statement touching it needs sqlite-vec on the connection that runs it:
 * on a local file Mnemos loads sqlite-vec's loadable extension (lazily, only for a file that has the
 * table); on sqld (remote, or a replica's primary) the server has it only if it was started with it,
 * so the first delete asks. Where it cannot be had, deletes still succeed and leave the rows (ICM
 * skips ids it cannot find), with a one-line warning.
 */
import type { Stmt } from './conn';
import type { StoreContext } from './context';

type State = { kind: 'absent' | 'ready' } | { kind: 'unavailable'; why: string };

/** Where sqlite-vec's loadable `vec0` is; throws when its platform package is not installed. */
export function sqliteVecPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('sqlite-vec') as { getLoadablePath(): string }).getLoadablePath();
}

export class IcmVectorTable {
  private state: Promise<State> | undefined;
  private known: State | undefined;

  constructor(
    private readonly ctx: StoreContext,
    private readonly locate: () => string = sqliteVecPath,
  ) {}

  /** Statements deleting the vec_memories rows of the memories `where` selects (same bound args). */
  async cleanup(where: string): Promise<Stmt[]> {
    if (!this.ctx.schema.hasIcmVecTable) return [];
    this.state ??= this.probe().catch((e) => {
      this.state = undefined; // a connection error: ask again next time
      throw e;
    });
    const s = (this.known = await this.state);
    if (s.kind !== 'ready') return [];
    return [{ sql: `DELETE FROM vec_memories WHERE memory_id IN (SELECT id FROM memories WHERE ${where})` }];
  }

  /** After a delete of `count` memories: says so when their ICM vector rows had to be left. */
  afterDelete(count: number): void {
    const s = this.known;
    if (!count || s?.kind !== 'unavailable') return;
    const what = count === 1 ? 'the deleted memory' : `the ${count} deleted memories`;
    this.ctx.warn(`ICM's vector index (vec_memories) still holds ${what}: ${s.why}; ICM skips such rows`);
  }

  private async probe(): Promise<State> {
    const { conn } = this.ctx;
    if (conn.mode === 'local') {
      try {
        if (!conn.loadExtension) throw new Error('this connection cannot load extensions');
        conn.loadExtension(this.locate());
        return { kind: 'ready' };
      } catch (e) {
        return { kind: 'unavailable', why: `sqlite-vec could not be loaded (${firstLine(e)})` };
      }
    }
    try {
      // A batch runs on the server (a replica's reads would ask its local file, which has no vec0).
      await conn.batch([{ sql: `SELECT 1 FROM vec_memories LIMIT 0` }]);
      return { kind: 'ready' };
    } catch (e) {
      if (!/no such module|vec0/i.test(firstLine(e))) throw e;
      return { kind: 'unavailable', why: `the server has no sqlite-vec (${firstLine(e)})` };
    }
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
