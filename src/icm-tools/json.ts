/**
 * JSON exactly as ICM's MCP server prints it (serde_json with `preserve_order`): struct fields in
 * declaration order, chrono `DateTime<Utc>` as RFC 3339 with `Z`, tuples as arrays, and `f64` in
 * ryu's shortest form (`1.0`, `1e-6`, `0.00012`), which is not JavaScript's (`1`, `0.000001`).
 */
import { icmJsonTime } from '../store/icmTables';
import type { Message, Session, TranscriptHit, TranscriptStats } from '../store/transcripts';

/** A float to print the way serde_json prints an `f64`. */
export class F64 {
  constructor(readonly value: number) {}
}

/** ryu's formatting of a finite f64 (serde_json prints non-finite numbers as null). */
export function rustF64(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const n = digits.length;
  const kk = Number(exp) + 1; // 10^(kk-1) <= |x| < 10^kk
  if (kk - n >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(kk - n)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  return `${sign}${digits[0]}${n > 1 ? '.' + digits.slice(1) : ''}e${kk - 1}`;
}

type Json = null | string | number | boolean | F64 | Json[] | { [k: string]: Json };

/** Compact JSON; integers as JavaScript prints them, `F64` values as serde_json does. */
export function toIcmJson(v: Json): string {
  if (v === null) return 'null';
  if (v instanceof F64) return rustF64(v.value);
  if (Array.isArray(v)) return `[${v.map(toIcmJson).join(',')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toIcmJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** `icm_core::Session` as serde writes it. */
export function sessionJson(s: Session): Json {
  return {
    id: s.id,
    agent: s.agent,
    project: s.project,
    started_at: icmJsonTime(s.startedAt),
    updated_at: icmJsonTime(s.updatedAt),
    metadata: s.metadata,
  };
}

/** `icm_core::Message` as serde writes it. */
export function messageJson(m: Message): Json {
  return {
    id: m.id,
    session_id: m.sessionId,
    role: m.role,
    content: m.content,
    tool_name: m.toolName,
    tokens: m.tokens,
    ts: icmJsonTime(m.ts),
    metadata: m.metadata,
  };
}

export function hitJson(h: TranscriptHit): Json {
  return { message: messageJson(h.message), session: sessionJson(h.session), score: new F64(h.score) };
}

export function statsJson(s: TranscriptStats): Json {
  return {
    total_sessions: s.totalSessions,
    total_messages: s.totalMessages,
    total_bytes: s.totalBytes,
    by_role: s.byRole,
    by_agent: s.byAgent,
    top_sessions: s.topSessions,
    oldest: s.oldest === null ? null : icmJsonTime(s.oldest),
    newest: s.newest === null ? null : icmJsonTime(s.newest),
  };
}
