/**
 * The distrust check of pulled records, as a batch that needs nothing but
 * bytes and keys (so it runs the same in this thread or in a worker): every
 * armored envelope is decoded strictly and opened under its own (vault,
 * record) context, and a SIGNED footer must name a current member of the
 * vault. Outcomes are plain data; nothing here touches a store.
 */
import {
  constantTimeEqual,
  KeyNotFoundError,
  openRecord,
  parseEnvelopeHeader,
  recordFreshness,
  type SymmetricKey,
} from '@coffer/protocol';
import { decodePackedArmor, type PackedEnvelopes, packedEnvelope } from './packed-armor.ts';

/** An Ed25519 key of a current member (pinned by this device). */
export interface MemberSigner {
  kid: Uint8Array;
  ed25519PublicKey: Uint8Array;
}

/** What opening needs of a keyring (structured-clonable). */
export interface OpenKeys {
  vaultIdBytes: Uint8Array;
  keys: ReadonlyArray<SymmetricKey>;
  /** The newest epoch held: only current members hold its key. */
  currentEpoch: number;
  /**
   * Current members' signing keys. Set: every record envelope must be signed
   * by one of them. Unset (a keyring built without an account): not checked.
   */
  signers?: ReadonlyArray<MemberSigner> | undefined;
}

/** One envelope to open for its record slot. */
export interface OpenJob {
  recordId: string;
  /** Armor (a JSON pull page) or the envelope's bytes (a binary one). */
  envelope: string | Uint8Array;
}

/** The result of one job. */
export type OpenOutcome =
  | {
      ok: true /** recordFreshness of the opened record (the replay check's time). */;
      freshness: number;
    }
  | { ok: false; reason: 'key_missing' | 'rejected' | 'signer_untrusted' | 'malformed' };

const hexValue = (c: number) => (c <= 57 ? c - 48 : c - 87);

/** Lower-case hex record id to bytes (wire-validated: 32 hex digits). */
function idBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = (hexValue(hex.charCodeAt(2 * i)) << 4) | hexValue(hex.charCodeAt(2 * i + 1));
  }
  return out;
}

/**
 * Open one envelope for its slot (the outcome, never a throw). The signer check: under the NEWEST epoch
 * only current members hold the key, so the AEAD itself proves a member
 * sealed it and the footer must name one of them (and match the record's
 * author). Under an OLDER epoch, removed members hold the key too, so the
 * footer's Ed25519 signature is verified against the named member's pinned
 * key (an Ed25519 verification costs more than the rest of the sync of a
 * record, which is why it is not spent where the AEAD already decides).
 *
 * @example
 * const outcome = await checkRecordEnvelope(openKeysOf(ring), recordId, envelope);
 */
export async function checkRecordEnvelope(
  keys: OpenKeys,
  recordId: string,
  envelope: Uint8Array,
): Promise<OpenOutcome> {
  try {
    const options = { vaultId: keys.vaultIdBytes, recordId: idBytes(recordId), keys: keys.keys };
    if (!keys.signers) {
      const opened = await openRecord(envelope, options);
      return { ok: true, freshness: recordFreshness(opened.record) };
    }
    const header = parseEnvelopeHeader(envelope);
    const kid = header.signed ? header.signerKid : undefined;
    const signer = kid && keys.signers.find((s) => constantTimeEqual(s.kid, kid));
    if (!kid || !signer) return { ok: false, reason: 'signer_untrusted' };
    if (header.epoch < keys.currentEpoch) {
      const trustedSigners = [{ kid: signer.kid, publicKey: signer.ed25519PublicKey }];
      const opened = await openRecord(envelope, { ...options, trustedSigners });
      return { ok: true, freshness: recordFreshness(opened.record) };
    }
    const opened = await openRecord(envelope, options);
    if (!constantTimeEqual(opened.record.authorKid, kid)) {
      return { ok: false, reason: 'signer_untrusted' };
    }
    return { ok: true, freshness: recordFreshness(opened.record) };
  } catch (error) {
    return { ok: false, reason: error instanceof KeyNotFoundError ? 'key_missing' : 'rejected' };
  }
}

/**
 * Decode and open a batch; `envelopes[i]` is job i's bytes (a view into one
 * buffer for the whole batch; undefined when the armor is not canonical).
 *
 * @example
 * const { outcomes, envelopes } = await openRecordBatch(keys, [{ recordId, envelope: armor }]);
 */
export async function openRecordBatch(
  keys: OpenKeys,
  jobs: ReadonlyArray<OpenJob>,
): Promise<{ outcomes: OpenOutcome[]; envelopes: Array<Uint8Array | undefined> }> {
  const { outcomes, page } = await openPackedBatch(keys, jobs);
  return { outcomes, envelopes: jobs.map((_, i) => packedEnvelope(page, i)) };
}

/**
 * {@link openRecordBatch} with the envelopes left packed (what a worker transfers).
 *
 * @example
 * const { outcomes, page } = await openPackedBatch(keys, jobs);
 */
export async function openPackedBatch(
  keys: OpenKeys,
  jobs: ReadonlyArray<OpenJob>,
): Promise<{ outcomes: OpenOutcome[]; page: PackedEnvelopes }> {
  const page = decodePackedArmor(jobs.map((j) => j.envelope));
  return {
    outcomes: await openDecoded(
      keys,
      jobs.map((j) => j.recordId),
      page,
    ),
    page,
  };
}

/**
 * Open a page whose armors are already decoded (`recordIds[i]` is envelope
 * i's slot); an armor that did not decode is `malformed`.
 *
 * @example
 * const outcomes = await openDecoded(keys, recordIds, decodePackedArmor(armors));
 */
export async function openDecoded(
  keys: OpenKeys,
  recordIds: ReadonlyArray<string>,
  page: PackedEnvelopes,
): Promise<OpenOutcome[]> {
  const outcomes: OpenOutcome[] = [];
  for (const [i, recordId] of recordIds.entries()) {
    const envelope = packedEnvelope(page, i);
    // One at a time: node:crypto answers synchronously, so awaiting in a loop
    // costs a microtask per record and keeps memory flat.
    outcomes.push(
      envelope
        ? await checkRecordEnvelope(keys, recordId, envelope)
        : { ok: false, reason: 'malformed' },
    );
  }
  return outcomes;
}
