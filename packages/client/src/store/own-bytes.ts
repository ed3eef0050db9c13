/**
 * Byte arrays handed to a store that structured-clones its values (IndexedDB)
 * must own exactly their buffer: a clone copies a view's WHOLE underlying
 * buffer (a subarray of a larger message, a Node Buffer pool slab), which
 * would store unrelated bytes and multiply the replica's size.
 */

/**
 * The same bytes in a buffer of their own (the array itself when it already is).
 *
 * @example
 * store.put({ ...row, envelope: row.envelope && ownBytes(row.envelope) });
 */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  const exact =
    bytes.byteOffset === 0 &&
    bytes.buffer.byteLength === bytes.byteLength &&
    Object.getPrototypeOf(bytes) === Uint8Array.prototype;
  return exact ? bytes : new Uint8Array(bytes);
}

/**
 * A flat value with every byte-array field passed through {@link ownBytes}.
 *
 * @example
 * store.put(ownFields(entry));
 */
export function ownFields<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = v instanceof Uint8Array ? ownBytes(v) : v;
  return out as T;
}
