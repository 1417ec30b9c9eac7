/**
 * One adapter per agent dialect: the agent's stdin JSON → `HookEvent`, and `HookResult` → the agent's
 * stdout JSON. Every hook exits 0 (non-blocking for every agent: Claude Code, Codex and VS Code treat 2
 * as "block", other codes as warnings), whatever happened. Sources of each payload shape:
 * test/fixtures/hooks/README.md.
 */
import { cleanText } from './text';
import type { HookEvent, HookEventName, HookResult, ToolCall } from './types';

export const DIALECTS = ['claude', 'codex', 'vscode', 'copilot-cli'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Claude Code's additionalContext: 10,000 characters arrive whole, longer becomes a preview. */
export const MAX_CONTEXT_CHARS = 9_000;
const MAX_TOOL_OUTPUT = 20_000;
const MAX_PROMPT = 20_000;

export class PayloadError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'string' && v.length) return v;
  }
  return undefined;
}

/** A short identifier-like field (session id, path): printable, bounded; anything else is dropped. */
function ident(v: string | undefined, max = 4096): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (v === undefined || v.length > max || /[\u0000-\u001f\u007f]/.test(v)) return undefined;
  return v;
}

function jsonish(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

function outputText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return cleanText(v, MAX_TOOL_OUTPUT);
  if (isObj(v)) {
    const t = str(v, 'text_result_for_llm', 'textResultForLlm', 'output', 'stdout', 'content', 'text');
    const err = str(v, 'stderr', 'error');
    if (t || err) return cleanText([t, err].filter(Boolean).join('\n'), MAX_TOOL_OUTPUT);
  }
  try {
    return cleanText(JSON.stringify(v), MAX_TOOL_OUTPUT);
  } catch {
    return undefined;
  }
}

function toolFailed(o: Obj, result: unknown): boolean {
  if (typeof o.error === 'string' || isObj(o.error)) return true;
  if (isObj(result)) {
    const rt = result.result_type ?? result.resultType;
    if (typeof rt === 'string' && rt !== 'success') return true;
    if (result.is_error === true || result.isError === true || result.success === false) return true;
    if (typeof result.exit_code === 'number' && result.exit_code !== 0) return true;
    if (typeof result.exitCode === 'number' && result.exitCode !== 0) return true;
  }
  return false;
}

function toolOf(o: Obj): ToolCall | undefined {
  const name = ident(str(o, 'tool_name', 'toolName'), 200);
  if (!name) return undefined;
  const result = jsonish(o.tool_response ?? o.tool_result ?? o.toolResult ?? o.tool_output ?? o.toolResponse);
  const errText = typeof o.error === 'string' ? o.error : isObj(o.error) ? str(o.error, 'message') : undefined;
  return {
    name,
    input: jsonish(o.tool_input ?? o.toolArgs ?? o.tool_args ?? o.toolInput),
    output: [outputText(result), errText && cleanText(errText, 2000)].filter(Boolean).join('\n') || undefined,
    failed: toolFailed(o, result),
    id: ident(str(o, 'tool_use_id', 'toolUseId'), 200),
  };
}

/** Parses an agent's stdin payload for `event`. Throws PayloadError for anything that is not an object. */
export function parseHookInput(dialect: Dialect, event: HookEventName, raw: unknown): HookEvent {
  if (!isObj(raw))
    throw new PayloadError(`expected a JSON object on stdin, got ${Array.isArray(raw) ? 'an array' : typeof raw}`);
  const o = raw;
  const ev: HookEvent = {
    event,
    sessionId: ident(str(o, 'session_id', 'sessionId', 'conversation_id'), 256),
    cwd: ident(str(o, 'cwd', 'workingDirectory')),
    transcriptPath: ident(str(o, 'transcript_path', 'transcriptPath')),
    agentEvent: ident(str(o, 'hook_event_name', 'hookEventName'), 64),
    source: ident(str(o, 'source', 'trigger'), 64),
  };
  if (event === 'prompt') {
    const p = o.prompt ?? o.user_prompt ?? o.userPrompt;
    ev.prompt = typeof p === 'string' ? cleanText(p, MAX_PROMPT) : '';
  }
  if (event === 'post') ev.tool = toolOf(o);
  // Copilot CLI sends no transcript path on postToolUse; its camelCase payloads are otherwise the same.
  void dialect;
  return ev;
}

const AGENT_EVENT: Record<HookEventName, string> = {
  start: 'SessionStart',
  prompt: 'UserPromptSubmit',
  post: 'PostToolUse',
  compact: 'PreCompact',
  stop: 'Stop',
  end: 'SessionEnd',
};

/** Cuts context at a line break within the agent's limit. */
export function capContext(text: string, max = MAX_CONTEXT_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max - 2);
  return text.slice(0, cut > 0 ? cut : max - 2).trimEnd() + '\n…';
}

/** The agent's stdout for a result; empty when there is nothing to say. Exit code is always 0. */
export function renderHookOutput(
  dialect: Dialect,
  event: HookEventName,
  result: HookResult,
): { stdout: string; exitCode: 0 } {
  if (!result.context || (event !== 'start' && event !== 'prompt')) return { stdout: '', exitCode: 0 };
  // Copilot CLI documents sessionStart and userPromptSubmitted output as "not processed".
  if (dialect === 'copilot-cli') return { stdout: '', exitCode: 0 };
  const out = {
    hookSpecificOutput: { hookEventName: AGENT_EVENT[event], additionalContext: capContext(result.context) },
  };
  return { stdout: JSON.stringify(out) + '\n', exitCode: 0 };
}
