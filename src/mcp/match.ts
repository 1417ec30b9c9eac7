/** ICM's topic, project and keyword matching rules for the MCP tools (icm-reference §2.4). */

const SEGMENT = /[-._/:\s]+/;

/** Preference/identity topics pass every project filter (ICM's `is_preference_topic`). */
export function isPreferenceTopic(topic: string): boolean {
  const t = topic.toLowerCase();
  return (
    t === 'preferences' ||
    t === 'identity' ||
    t.startsWith('preferences-') ||
    t.startsWith('preferences.') ||
    t.startsWith('user-') ||
    t.startsWith('user.') ||
    t.includes('preference')
  );
}

/** Segment-aware: every segment of the project must be a segment of the topic (`icm` matches `decisions-icm-core`, not `icmp-notes`). */
export function projectMatches(topic: string, project: string): boolean {
  const segments = new Set(topic.toLowerCase().split(SEGMENT).filter(Boolean));
  const wanted = project.toLowerCase().split(SEGMENT).filter(Boolean);
  return wanted.length > 0 && wanted.every((s) => segments.has(s));
}

/** A memory passes the project filter when its topic names the project or is a preference topic. */
export function passesProject(topic: string, project: string | undefined): boolean {
  if (!project) return true;
  return isPreferenceTopic(topic) || projectMatches(topic, project);
}

/** ICM's recall topic filter: case-insensitive substring either way (`decisions` finds `decisions-mnemos`). */
export function topicMatches(topic: string, filter: string): boolean {
  const t = topic.toLowerCase();
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  if (f.endsWith('*')) return t.startsWith(f.slice(0, -1));
  return t.includes(f) || f.includes(t);
}

/** Keyword filter: case-insensitive substring of any keyword (ICM's is case-sensitive). */
export function keywordMatches(keywords: readonly string[], filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return keywords.some((k) => k.toLowerCase().includes(f));
}

/** `""` and `-` mean "no project" (ICM); anything else is trimmed. */
export function normaliseProject(project: string | undefined): string | undefined {
  const p = project?.trim();
  return p && p !== '-' ? p : undefined;
}
