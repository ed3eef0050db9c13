import { constantTimeEqual } from '../bytes.ts';
import { recordAppContext } from '../envelope/app-contexts.ts';
import { openEnvelope } from '../envelope/open.ts';
import type { OpenEnvelopeOptions, Signer, SymmetricKey } from '../envelope/options.ts';
import { sealEnvelope } from '../envelope/seal.ts';
import { EnvelopeFormatError } from '../errors.ts';
import { padRecordPlaintext, unpadRecordPlaintext } from './padding.ts';
import { decodeRecordPlaintext, encodeRecordPlaintext, type RecordData } from './record-codec.ts';

/** Where a record lives and which vault key seals it. */
export interface SealRecordOptions {
  vaultId: Uint8Array;
  recordId: Uint8Array;
  /** The vault key of the newest epoch. */
  key: SymmetricKey;
  /** Optionally sign as the author (the footer's signer kid should equal `authorKid`). */
  signer?: Signer;
}

/**
 * Seal a record: encode, pad (PADMÉ), and seal as a DIRECT `record` envelope
 * under the vault key, bound to (vaultId, recordId).
 *
 * @example
 * const envelope = await sealRecord(record, { vaultId, recordId, key: { kid, epoch, key } });
 */
export function sealRecord(record: RecordData, options: SealRecordOptions): Promise<Uint8Array> {
  const plaintext = padRecordPlaintext(encodeRecordPlaintext(record));
  return sealEnvelope(plaintext, {
    contentType: 'record',
    context: recordAppContext(options.vaultId, options.recordId),
    key: options.key,
    ...(options.signer ? { signer: options.signer } : {}),
  });
}

/** Options of {@link openRecord}: the slot the caller expects and its vault keyring. */
export interface OpenRecordOptions
  extends Pick<OpenEnvelopeOptions, 'trustedSigners' | 'requireSignature' | 'accept'> {
  vaultId: Uint8Array;
  recordId: Uint8Array;
  /** Vault keys of every epoch the caller holds. */
  keys: ReadonlyArray<SymmetricKey>;
}

/** An opened record with the envelope facts a client needs (epoch for re-encryption). */
export interface OpenedRecord {
  record: RecordData;
  epoch: number;
  kid: Uint8Array;
  signerKid?: Uint8Array;
}

/**
 * Open a `record` envelope for a (vaultId, recordId) slot and decode it. When
 * the footer verified, the author kid must equal the signer kid.
 *
 * @example
 * const { record } = await openRecord(envelope, { vaultId, recordId, keys: vaultKeys });
 */
export async function openRecord(
  envelope: Uint8Array,
  options: OpenRecordOptions,
): Promise<OpenedRecord> {
  const opened = await openEnvelope(envelope, {
    context: recordAppContext(options.vaultId, options.recordId),
    keys: options.keys,
    contentType: 'record',
    ...(options.trustedSigners ? { trustedSigners: options.trustedSigners } : {}),
    ...(options.requireSignature ? { requireSignature: true } : {}),
    ...(options.accept ? { accept: options.accept } : {}),
  });
  const record = decodeRecordPlaintext(unpadRecordPlaintext(opened.plaintext));
  if (opened.signerKid && !constantTimeEqual(opened.signerKid, record.authorKid)) {
    throw new EnvelopeFormatError('bad_record', 'record author is not the signer');
  }
  const result: OpenedRecord = {
    record,
    epoch: opened.epoch,
    kid: opened.kid ?? new Uint8Array(16),
  };
  if (opened.signerKid) result.signerKid = opened.signerKid;
  return result;
}
