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

/** A BLOB column's bytes (a Buffer from the native driver, an ArrayBuffer from @libsql/client), or undefined. */
export function blobBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined;
}
