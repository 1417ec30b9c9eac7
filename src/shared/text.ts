/**
 * Small text helpers shared by every front end (store, CLI, MCP, extension, webview). No imports:
 * the webview bundles this file too.
 */

/** `1 memory`, `3 memories`: the count and the right form of the noun. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Untrusted text on one line (so it cannot fake further lines): whitespace runs collapsed, trimmed,
 * cut to at most `max` code points (never inside a surrogate pair) with `marker` at the end.
 */
export function oneLine(text: string, max = 160, marker = '…'): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  if (flat.length <= max) return flat;
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const room = Math.max(0, max - Array.from(marker).length);
  return chars.slice(0, room).join('').trimEnd() + marker;
}

/**
 * Any value as text for a message or a log line: a primitive as `String()` gives it, an Error as
 * `Name: message`, another object as JSON (where `String()` would only say `[object Object]`).
 */
export function textOf(v: unknown): string {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return String(v);
  if (v instanceof Error) return v.message ? `${v.name}: ${v.message}` : v.name;
  try {
    return JSON.stringify(v) ?? Object.prototype.toString.call(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
