import { concatBytes, u16be, u32be, utf8 } from '../bytes.ts';

const ZERO = new Uint8Array([0]);
const RECORD_LABEL = utf8('coffer/v1/record');

function id16(value: Uint8Array, what: string): Uint8Array {
  if (value.length !== 16) throw new RangeError(`${what} must be 16 bytes`);
  return value;
}

/**
 * appContext of a record envelope: `"coffer/v1/record" ‖ 0x00 ‖ vaultId(16) ‖ recordId(16)`.
 * Binds the ciphertext to its slot, so a server cannot move it to another record or vault.
 *
 * @example
 * const context = recordAppContext(vaultId, recordId);
 */
export function recordAppContext(vaultId: Uint8Array, recordId: Uint8Array): Uint8Array {
  // Built in place: one per record opened or sealed.
  const out = new Uint8Array(RECORD_LABEL.length + 1 + 16 + 16);
  out.set(RECORD_LABEL);
  out.set(id16(vaultId, 'vaultId'), RECORD_LABEL.length + 1);
  out.set(id16(recordId, 'recordId'), RECORD_LABEL.length + 17);
  return out;
}

/**
 * appContext of a blob envelope: `"coffer/v1/blob" ‖ 0x00 ‖ vaultId(16) ‖ blobId(16)`.
 *
 * @example
 * const context = blobAppContext(vaultId, blobId);
 */
export function blobAppContext(vaultId: Uint8Array, blobId: Uint8Array): Uint8Array {
  return concatBytes(
    utf8('coffer/v1/blob'),
    ZERO,
    id16(vaultId, 'vaultId'),
    id16(blobId, 'blobId'),
  );
}

/**
 * appContext of a key-grant envelope (a vault key of one epoch, WRAPPED to members):
 * `"coffer/v1/key-grant" ‖ 0x00 ‖ vaultId(16) ‖ u32(epoch)`.
 *
 * @example
 * const context = keyGrantAppContext(vaultId, 3);
 */
export function keyGrantAppContext(vaultId: Uint8Array, epoch: number): Uint8Array {
  return concatBytes(utf8('coffer/v1/key-grant'), ZERO, id16(vaultId, 'vaultId'), u32be(epoch));
}

/**
 * appContext of a key-bundle envelope (an account's private keys under its master key):
 * `"coffer/v1/key-bundle" ‖ 0x00 ‖ u16(len(accountId)) ‖ accountId`.
 * `accountId` is the opaque account identifier of SPEC.md section 14 (at most 65 535 bytes).
 *
 * @example
 * const context = keyBundleAppContext(utf8('alice'));
 */
export function keyBundleAppContext(accountId: Uint8Array): Uint8Array {
  if (accountId.length > 0xffff) throw new RangeError('accountId too long');
  return concatBytes(utf8('coffer/v1/key-bundle'), ZERO, u16be(accountId.length), accountId);
}

/**
 * appContext of a vault-head envelope (signed vault settings/state):
 * `"coffer/v1/vault-head" ‖ 0x00 ‖ vaultId(16)`.
 *
 * @example
 * const context = vaultHeadAppContext(vaultId);
 */
export function vaultHeadAppContext(vaultId: Uint8Array): Uint8Array {
  return concatBytes(utf8('coffer/v1/vault-head'), ZERO, id16(vaultId, 'vaultId'));
}
