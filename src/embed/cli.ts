/** `mnemos embed [-t TOPIC] [--force] [--batch-size N]`: vectors for memories that have none (ICM's `icm embed`). */
import type { Command } from '../cli/command';
import { InvalidInputError } from '../store/errors';

export const embed: Command = {
  usage: '[-t TOPIC] [--force] [--batch-size N]',
  description:
    'Embeds "<topic> <summary>" of every memory without a vector for the current model, in batches. Resumable: a second run ' +
    'continues where an interrupted one stopped. --force re-embeds everything (in TOPIC). The model comes from MNEMOS_EMBED_MODEL ' +
    '(and MNEMOS_MODEL_DIR / MNEMOS_MODEL_CACHE, docs/CLI.md).',
  options: {
    topic: { type: 'string', short: 't', help: 'only this topic ("prefix*" for a prefix)' },
    force: { type: 'boolean', help: 're-embed memories that already have a vector' },
    'batch-size': { type: 'string', help: 'texts per batch (default 32)' },
  },
  async run(ctx) {
    if (ctx.positionals.length) ctx.usage(`unexpected argument "${ctx.positionals[0]}"`);
    const bs = ctx.values['batch-size'] === undefined ? undefined : Number(ctx.values['batch-size']);
    if (bs !== undefined && !(Number.isInteger(bs) && bs >= 1 && bs <= 512))
      ctx.usage('--batch-size must be an integer from 1 to 512');
    const s = await ctx.openStore();
    if (!s.embeddingModel)
      throw new InvalidInputError(
        'no embedding model configured: set MNEMOS_EMBED_MODEL (e.g. Xenova/all-MiniLM-L6-v2)',
      );
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    let last = 0;
    try {
      const p = await s.embedMissing({
        topic: typeof ctx.values.topic === 'string' ? ctx.values.topic : undefined,
        force: ctx.values.force === true,
        batchSize: bs,
        signal: ac.signal,
        onProgress: (pr) => {
          if (!ctx.json && pr.total && Date.now() - last > 1000) {
            last = Date.now();
            ctx.note(`embedded ${pr.done}/${pr.total}`);
          }
        },
      });
      ctx.output(
        { model: s.embeddingModel, embedded: p.done, total: p.total, errors: p.errors, cancelled: ac.signal.aborted },
        () =>
          p.total === 0
            ? 'All memories already have embeddings.'
            : `Embedded ${p.done}/${p.total} memories (${p.errors} errors)${ac.signal.aborted ? ', cancelled' : ''}`,
      );
      return p.errors ? 5 : 0;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};
