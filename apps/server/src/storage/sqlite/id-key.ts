/**
 * The narrow lookup key of a 16-byte id (schema version 3). Record and
 * mutation ids are random, so every insert into an index on the full
 * (vault_id, id) pair dirtied a random page of a wide B-tree (~40 and
 * ~70 bytes a row), and every such page was written to the WAL at commit:
 * half of a push's SQLite time. The indexes now hold only the first 48 bits
 * of the id as an INTEGER (about 15 bytes a row, so a third as many pages);
 * the row itself keeps the full id and the vault, and every lookup compares
 * both, so two ids sharing a key (harmless, if rare) are told apart.
 */

/** SQL name of the same function, registered on each connection for migrations. */
export const ID_KEY_SQL_FUNCTION = 'coffer_id_key';

/**
 * The index key of an id: its first 6 bytes as an unsigned integer (a safe
 * JavaScript integer, bound by the driver without a BigInt).
 *
 * @example
 * idKey(Buffer.from('0123456789abcdef0123456789abcdef', 'hex')) // 0x0123456789ab
 */
export function idKey(id: Uint8Array): number {
  if (id.length < 6) throw new RangeError('an id has 16 bytes');
  // Two reads instead of Buffer#readUIntBE: no Buffer view is needed.
  return (
    ((id[0] as number) * 0x10000 + (id[1] as number) * 0x100 + (id[2] as number)) * 0x1000000 +
    ((id[3] as number) * 0x10000 + (id[4] as number) * 0x100 + (id[5] as number))
  );
}
