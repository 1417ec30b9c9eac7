/**
 * The two edits `mnemos init` makes to Codex's config.toml, as text edits that leave every other line
 * alone: the `[mcp_servers.mnemos]` table, and `codex_hooks = true` under `[features]`. What Mnemos adds
 * carries a `# mnemos init` marker when it shares a table, so `--remove` takes out exactly that.
 */
export const MARK = '# mnemos init';

const header = (line: string) => /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line)?.[1];

/** Line ranges [start, end) of table `name` and its sub-tables (`name.x`). */
function tableRanges(lines: string[], name: string): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const h = header(lines[i]);
    if (h === undefined || (h !== name && !h.startsWith(name + '.'))) continue;
    let j = i + 1;
    while (j < lines.length && header(lines[j]) === undefined) j++;
    out.push([i, j]);
    i = j - 1;
  }
  return out;
}

/** The MCP server is declared already, in any of TOML's forms (table, dotted key, inline table). */
export function hasMcpServer(text: string, name: string): boolean {
  const lines = text.split('\n');
  if (tableRanges(lines, `mcp_servers.${name}`).length) return true;
  if (new RegExp(`^\\s*mcp_servers\\.${name}\\s*=`, 'm').test(text)) return true;
  const t = tableRanges(lines, 'mcp_servers').filter(([s]) => header(lines[s]) === 'mcp_servers');
  return t.some(([s, e]) => lines.slice(s + 1, e).some((l) => new RegExp(`^\\s*${name}\\s*=`).test(l)));
}

const q = (s: string) => JSON.stringify(s);

export function addMcpServer(text: string, name: string, command: string, args: string[]): string {
  if (hasMcpServer(text, name)) return text;
  const block = `[mcp_servers.${name}]\ncommand = ${q(command)}\nargs = [${args.map(q).join(', ')}]\n`;
  const body = text.replace(/\s*$/, '');
  return body ? `${body}\n\n${block}` : block;
}

export function removeMcpServer(text: string, name: string): string {
  const lines = text.split('\n');
  const ranges = tableRanges(lines, `mcp_servers.${name}`);
  if (!ranges.length) return text;
  for (const [s, e] of ranges.reverse()) {
    let end = e;
    while (end > s + 1 && lines[end - 1].trim() === '') end--; // keep the blank line before the next table
    let start = s;
    while (start > 0 && lines[start - 1].trim() === '') start--;
    lines.splice(start, end - start);
  }
  return lines.join('\n').replace(/^\n+/, '');
}

/** `codex_hooks = true` under [features]; true when it was false and was left alone (the user's choice). */
export function enableCodexHooks(text: string): { text: string; disabledByUser: boolean } {
  const lines = text.split('\n');
  const feat = tableRanges(lines, 'features').find(([s]) => header(lines[s]) === 'features');
  if (feat) {
    const [s, e] = feat;
    for (let i = s + 1; i < e; i++) {
      const m = /^\s*codex_hooks\s*=\s*(true|false)/.exec(lines[i]);
      if (m) return { text, disabledByUser: m[1] === 'false' };
    }
    let at = e;
    while (at > s + 1 && lines[at - 1].trim() === '') at--;
    lines.splice(at, 0, `codex_hooks = true ${MARK}`);
    return { text: lines.join('\n'), disabledByUser: false };
  }
  if (/^\s*features\.codex_hooks\s*=/m.test(text))
    return { text, disabledByUser: /^\s*features\.codex_hooks\s*=\s*false/m.test(text) };
  const block = `[features] ${MARK}\ncodex_hooks = true ${MARK}\n`;
  const body = text.replace(/\s*$/, '');
  return { text: body ? `${body}\n\n${block}` : block, disabledByUser: false };
}

export function disableCodexHooks(text: string): string {
  const lines = text.split('\n');
  const feat = tableRanges(lines, 'features').find(([s]) => header(lines[s]) === 'features');
  if (!feat) return text;
  const [s, e] = feat;
  const ours = (l: string) => /^\s*codex_hooks\s*=\s*true\s*# mnemos init\s*$/.test(l);
  const body = lines.slice(s + 1, e);
  if (!body.some(ours)) return text;
  const rest = body.filter((l) => !ours(l));
  const headerOurs = lines[s].includes(MARK);
  if (headerOurs && rest.every((l) => !l.trim())) {
    let start = s;
    while (start > 0 && lines[start - 1].trim() === '') start--;
    lines.splice(start, e - start);
  } else lines.splice(s + 1, e - s - 1, ...rest);
  return lines.join('\n').replace(/^\n+/, '');
}
