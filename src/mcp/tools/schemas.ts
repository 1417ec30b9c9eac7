/** Input fields and annotations shared by the tool families, with ICM's error texts for bad arguments. */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { IMPORTANCES } from '../../store';

/** A required string argument; `what` tells the agent what to give when it is missing. */
export function required(name: string, what: string) {
  return z.string({
    error: (iss) => (iss.input === undefined ? `${name} is required (${what})` : `${name} must be a string`),
  });
}

export function optionalString(name: string) {
  return z.string({ error: `${name} must be a string` }).optional();
}

export const importanceSchema = z.enum(IMPORTANCES, { error: `importance must be one of ${IMPORTANCES.join(', ')}` });

export const keywordsSchema = z
  .union([z.array(z.string()), z.string()], { error: 'keywords must be a list of strings' })
  .optional()
  .describe('Keywords that help find this memory later (a list; a comma-separated string is accepted too)');

/** The keywords argument as a list (a comma-separated string is accepted too). */
export function keywordList(v: string | string[] | undefined): string[] | undefined {
  return typeof v === 'string' ? v.split(',') : v;
}

/** An optional number argument as an integer in [min, max]; `dflt` when absent. */
export function clampInt(v: number | undefined, dflt: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(min, Math.floor(v)));
}

type Hints = Omit<ToolAnnotations, 'title'>;
const hints = (readOnlyHint: boolean, destructiveHint: boolean): Hints => ({
  readOnlyHint,
  destructiveHint,
  idempotentHint: true,
  openWorldHint: false,
});
export const READ_ONLY = hints(true, false);
export const ADDITIVE = hints(false, false);
export const DESTRUCTIVE = hints(false, true);

/** A tool's title and its annotations (which repeat the title), for `registerTool`'s config. */
export function titled(title: string, kind: Hints): { title: string; annotations: ToolAnnotations } {
  return { title, annotations: { title, ...kind } };
}
