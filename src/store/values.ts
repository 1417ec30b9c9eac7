/** Readers of SQL values (text, integer, real, bigint, blob or NULL) as the store's plain types. */

/** A column as text: `''` for NULL. */
export function str(v: unknown): string {
  // SQL values are primitives or blobs (a Buffer's String() is its UTF-8 text): String() is the intended rendering.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return v == null ? '' : String(v);
}
/** A column as text, NULL kept. */
export const strOrNull = (v: unknown): string | null => (v == null ? null : str(v));
/** A column as a number: 0 for NULL. */
export const num = (v: unknown): number => Number(v ?? 0);
