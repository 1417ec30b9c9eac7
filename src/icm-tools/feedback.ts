/** ICM's feedback tools (`icm_feedback_record|search|stats`), texts as ICM 0.10.57 prints them. */
import { type Args, clamp, fail, getInt, getStr, type IcmTool, type IcmToolContext, ok, storeCall } from './types';

const REQUIRED = ['topic', 'context', 'predicted', 'corrected'] as const;

export async function feedbackRecord(ctx: IcmToolContext, args: Args) {
  for (const f of REQUIRED) if (getStr(args, f) === undefined) return fail(`missing required field: ${f}`);
  const [topic, context, predicted, corrected] = REQUIRED.map((f) => getStr(args, f)!);
  return storeCall('failed to store feedback', async () => {
    const id = await ctx.feedback.record({
      topic,
      context,
      predicted,
      corrected,
      reason: getStr(args, 'reason') ?? null,
      source: getStr(args, 'source') ?? '',
    });
    if (ctx.compact ?? true) return ok(`ok ${id}`);
    const lines = [`Feedback recorded: ${id}`, `  topic: ${topic.trim()}`, `  predicted: ${predicted}`];
    return ok([...lines, `  corrected: ${corrected}`].join('\n'));
  });
}

export async function feedbackSearch(ctx: IcmToolContext, args: Args) {
  const query = getStr(args, 'query');
  if (query === undefined) return fail('missing required field: query');
  const topic = getStr(args, 'topic');
  const limit = clamp(getInt(args, 'limit', 5), 1, 100);
  return storeCall('failed to search feedback', async () => {
    const results = await ctx.feedback.search(query, { topic: topic ?? null, limit });
    if (!results.length) return ok('No feedback found.');
    let out = '';
    for (const fb of results) {
      out += `--- ${fb.id} [${fb.topic}] ---\n  context: ${fb.context}\n  predicted: ${fb.predicted}\n`;
      out += `  corrected: ${fb.corrected}\n`;
      if (fb.reason !== null) out += `  reason: ${fb.reason}\n`;
      if (fb.source) out += `  source: ${fb.source}\n`;
      if (fb.appliedCount > 0) out += `  applied: ${fb.appliedCount} times\n`;
    }
    return ok(out);
  });
}

export async function feedbackStats(ctx: IcmToolContext) {
  return storeCall('failed to get feedback stats', async () => {
    const stats = await ctx.feedback.stats();
    let out = `Feedback total: ${stats.total}\n`;
    if (stats.byTopic.length) {
      out += '\nBy topic:\n';
      for (const [topic, n] of stats.byTopic) out += `  ${topic}: ${n}\n`;
    }
    if (stats.mostApplied.length) {
      out += '\nMost applied:\n';
      for (const [id, n] of stats.mostApplied) out += `  ${id}: ${n} times\n`;
    }
    return ok(out);
  });
}

export const FEEDBACK_TOOLS: IcmTool[] = [
  {
    name: 'icm_feedback_record',
    description:
      'Record a correction/feedback when an AI prediction was wrong. ' +
      'Helps improve future predictions by learning from mistakes.',
    readOnly: false,
    inputSchema: {
      type: 'object',
      properties: {
        topic: {
          type: 'string',
          description: "Category/namespace for this feedback (e.g. 'triage-owner/repo', 'pr-analysis')",
        },
        context: { type: 'string', description: 'What was the situation / input that led to the prediction' },
        predicted: { type: 'string', description: 'What the AI predicted or did' },
        corrected: { type: 'string', description: 'What the correct answer/action should have been' },
        reason: { type: 'string', description: 'Why the correction was made (optional)' },
        source: { type: 'string', description: 'Which tool/pipeline generated the prediction (optional)' },
      },
      required: ['topic', 'context', 'predicted', 'corrected'],
    },
    run: feedbackRecord,
  },
  {
    name: 'icm_feedback_search',
    description:
      'Search past feedback/corrections to inform current predictions. ' +
      'Use before making predictions to learn from past mistakes.',
    readOnly: true,
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'Search query to find relevant past corrections' },
        topic: { type: 'string', description: 'Filter by topic (optional)' },
        limit: { type: 'integer', default: 5, minimum: 1, maximum: 20, description: 'Max number of results' },
      },
      required: ['query'],
    },
    run: feedbackSearch,
  },
  {
    name: 'icm_feedback_stats',
    description: 'Get feedback statistics: total count, breakdown by topic, most applied corrections.',
    readOnly: true,
    inputSchema: { type: 'object', properties: {} },
    run: (ctx) => feedbackStats(ctx),
  },
];
