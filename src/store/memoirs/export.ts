/**
 * ICM's memoir export formats (ICM's MCP `icm_memoir_export`): `json`, `dot`, `ascii`, `ai`. Same
 * layout and number formats as ICM (Rust `{:.0}`/`{:.1}`, serde's f32 floats); DOT strings are fully
 * escaped (ICM escapes only quotes in tooltips, so a name with a quote broke its graph).
 */
import { type Concept, type ConceptLink, f32, formatLabel, type Memoir } from './model';

export type ExportFormat = 'json' | 'dot' | 'ascii' | 'ai';

/** Rust's `{:.N}`: round half to even on ties. */
export function rustFixed(x: number, digits: number): string {
  const scale = 10 ** digits;
  const s = x * scale;
  if (Number.isInteger(s * 2) && !Number.isInteger(s)) {
    const down = Math.floor(s);
    return ((down % 2 === 0 ? down : down + 1) / scale).toFixed(digits);
  }
  return x.toFixed(digits);
}

export function confidenceColor(c: number): string {
  return c >= 0.8 ? '#4CAF50' : c >= 0.5 ? '#FFC107' : c >= 0.3 ? '#FF9800' : '#F44336';
}

/** ICM's 5-cell bar: `###..` for 0.6. */
export function confidenceBar(c: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, c)) * 5);
  return '#'.repeat(filled) + '.'.repeat(5 - filled);
}

const labelsText = (c: Concept) => c.labels.map(formatLabel).join(', ');
const pct = (c: number) => rustFixed(Math.fround(Math.fround(c) * 100), 0);

/** serde_json prints an f32 with a decimal point (1.0, not 1). */
function serdeFloat(x: number): string {
  const v = f32(x);
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function json(m: Memoir, concepts: Concept[], links: ConceptLink[], names: Map<string, string>): string {
  const FLOAT = '\u0000f32:';
  const doc = {
    memoir: { name: m.name, description: m.description },
    concepts: concepts.map((c) => ({
      id: c.id,
      name: c.name,
      definition: c.definition,
      labels: c.labels.map(formatLabel),
      confidence: FLOAT + serdeFloat(c.confidence),
      revision: c.revision,
    })),
    links: links
      .filter((l) => names.has(l.sourceId) && names.has(l.targetId))
      .map((l) => ({
        source: names.get(l.sourceId),
        target: names.get(l.targetId),
        relation: l.relation,
        weight: FLOAT + serdeFloat(l.weight),
      })),
  };
  return JSON.stringify(doc, null, 2).replace(/"\\u0000f32:([^"]+)"/g, '$1');
}

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;

function dot(m: Memoir, concepts: Concept[], links: ConceptLink[], names: Map<string, string>): string {
  let out = `digraph ${dotString(m.name)} {\n  rankdir=LR;\n  node [shape=box, style="rounded,filled", fillcolor=white];\n\n`;
  for (const c of concepts) {
    const label = `"${dotString(c.name).slice(1, -1)}\\n(${pct(c.confidence)}%)"`;
    out += `  ${dotString(c.name)} [tooltip=${dotString(c.definition)} fillcolor="${confidenceColor(c.confidence)}" label=${label}];\n`;
  }
  out += '\n';
  for (const l of links) {
    const s = names.get(l.sourceId);
    const t = names.get(l.targetId);
    if (s === undefined || t === undefined) continue;
    out += `  ${dotString(s)} -> ${dotString(t)} [label="${l.relation}" penwidth=${rustFixed(0.5 + Math.fround(l.weight) * 2, 1)}];\n`;
  }
  return out + '}\n';
}

function ascii(m: Memoir, concepts: Concept[], links: ConceptLink[], names: Map<string, string>): string {
  let out = `╔══ ${m.name} ══╗\n`;
  if (m.description) out += `║ ${m.description}\n`;
  out += `║ ${concepts.length} concepts, ${links.length} links\n`;
  out += `╚${'═'.repeat(Array.from(m.name).length + 6)}╝\n\n`;
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, string[]>();
  for (const l of links) {
    const s = names.get(l.sourceId);
    const t = names.get(l.targetId);
    if (s === undefined || t === undefined) continue;
    outgoing.set(s, [...(outgoing.get(s) ?? []), `│  ──${l.relation}──> ${t}\n`]);
    incoming.set(t, [...(incoming.get(t) ?? []), `│  <──${l.relation}── ${s}\n`]);
  }
  for (const c of concepts) {
    const labels = c.labels.length ? ` [${labelsText(c)}]` : '';
    out += `┌─ ${c.name}${labels} ${confidenceBar(c.confidence)}\n│  ${c.definition}\n`;
    out += (outgoing.get(c.name) ?? []).join('') + (incoming.get(c.name) ?? []).join('') + '└─\n';
  }
  return out;
}

function ai(m: Memoir, concepts: Concept[], links: ConceptLink[], names: Map<string, string>): string {
  let out = `# Memoir: ${m.name} — ${m.description}\n\n## Concepts (${concepts.length})\n`;
  for (const c of concepts) {
    const labels = c.labels.length ? ` [${labelsText(c)}]` : '';
    out += `- **${c.name}**${labels} (confidence: ${pct(c.confidence)}%): ${c.definition}\n`;
  }
  if (links.length) {
    out += `\n## Relations (${links.length})\n`;
    for (const l of links) {
      const s = names.get(l.sourceId);
      const t = names.get(l.targetId);
      if (s !== undefined && t !== undefined)
        out += `- ${s} ──${l.relation}──> ${t} (w:${rustFixed(f32(l.weight), 1)})\n`;
    }
  }
  return out;
}

export function renderExport(m: Memoir, concepts: Concept[], links: ConceptLink[], format: ExportFormat): string {
  const names = new Map(concepts.map((c) => [c.id, c.name]));
  switch (format) {
    case 'json':
      return json(m, concepts, links, names);
    case 'dot':
      return dot(m, concepts, links, names);
    case 'ascii':
      return ascii(m, concepts, links, names);
    case 'ai':
      return ai(m, concepts, links, names);
  }
}
