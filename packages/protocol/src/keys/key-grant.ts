import { constantTimeEqual } from '../bytes.ts';
import { keyGrantAppContext } from '../envelope/app-contexts.ts';
import { parseEnvelopeHeader } from '../envelope/header-parse.ts';
import { openEnvelope } from '../envelope/open.ts';
import { sealEnvelope } from '../envelope/seal.ts';
import { DecryptionError, EnvelopeFormatError } from '../errors.ts';
import { ed25519PublicKey } from '../primitives/ed25519.ts';
import { requireEpoch, requireLength } from './input.ts';
import { kidForPublicKey, kidForSymmetricKey } from './kid.ts';
import type { VaultKey } from './vault-key.ts';

/** A member who receives the vault key: their X25519 key and its kid. */
export interface GrantRecipient {
  kid: Uint8Array;
  x25519PublicKey: Uint8Array;
}

/** What {@link sealKeyGrant} needs. */
export interface SealKeyGrantInput {
  vaultId: Uint8Array;
  vaultKey: VaultKey;
  /** 1..32 members; one X25519 stanza each. */
  recipients: ReadonlyArray<GrantRecipient>;
  /** The granting member's Ed25519 key (kid = kidForPublicKey('ed25519', publicKey)). */
  granter: { kid: Uint8Array; ed25519Seed: Uint8Array };
}

/** What {@link openKeyGrant} checks the grant against; all from the caller's own state. */
export interface OpenKeyGrantOptions {
  vaultId: Uint8Array;
  epoch: number;
  recipient: { kid: Uint8Array; x25519PrivateKey: Uint8Array };
  /** Ed25519 keys allowed to grant this vault's keys (pinned member keys). */
  trustedGranters: ReadonlyArray<{ kid: Uint8Array; ed25519PublicKey: Uint8Array }>;
}

async function sameKid(kid: Uint8Array, expected: Promise<Uint8Array>, what: string) {
  if (!constantTimeEqual(requireLength(kid, 16, `${what} kid`), await expected)) {
    throw new EnvelopeFormatError('bad_argument', `${what} kid does not name its key`);
  }
}

/**
 * Grant a vault key of one epoch to members: a `key-grant` envelope, WRAPPED
 * (one X25519 stanza per recipient), keyEpoch = the key's epoch, SIGNED by the
 * granter, appContext `"coffer/v1/key-grant" ‖ 0x00 ‖ vaultId(16) ‖ u32(epoch)`,
 * plaintext = the 32-byte key. Every kid must be the one SPEC.md section 14 derives.
 *
 * @example
 * const grant = await sealKeyGrant({
 *   vaultId, vaultKey,
 *   recipients: [{ kid: bobKid, x25519PublicKey: bobX25519 }],
 *   granter: { kid: aliceSigningKid, ed25519Seed: alice.ed25519.seed },
 * });
 */
export async function sealKeyGrant(input: SealKeyGrantInput): Promise<Uint8Array> {
  const { vaultKey, granter } = input;
  requireEpoch(vaultKey.epoch);
  requireLength(vaultKey.key, 32, 'vault key');
  await sameKid(vaultKey.kid, kidForSymmetricKey(vaultKey.key), 'vault key');
  await sameKid(
    granter.kid,
    ed25519PublicKey(requireLength(granter.ed25519Seed, 32, 'Ed25519 seed')).then((pk) =>
      kidForPublicKey('ed25519', pk),
    ),
    'granter',
  );
  if (input.recipients.length < 1 || input.recipients.length > 32) {
    throw new EnvelopeFormatError('bad_argument', 'a key grant has 1..32 recipients');
  }
  for (const r of input.recipients) {
    await sameKid(r.kid, kidForPublicKey('x25519', r.x25519PublicKey), 'recipient');
  }
  return sealEnvelope(vaultKey.key, {
    contentType: 'key-grant',
    context: keyGrantAppContext(requireLength(input.vaultId, 16, 'vaultId'), vaultKey.epoch),
    epoch: vaultKey.epoch,
    recipients: input.recipients.map((r) => ({
      type: 'x25519' as const,
      kid: r.kid,
      publicKey: r.x25519PublicKey,
    })),
    signer: { kid: granter.kid, seed: granter.ed25519Seed },
  });
}

/**
 * Open a key grant addressed to `recipient` and return the vault key. The
 * grant must be signed by one of `trustedGranters`: an unsigned grant, one
 * signed by any other key, a grant for another vault or epoch, or any
 * tampering is the same DecryptionError. A grant with no stanza for this
 * recipient is a KeyNotFoundError.
 *
 * @example
 * const vaultKey = await openKeyGrant(grant, {
 *   vaultId, epoch: 3,
 *   recipient: { kid: myX25519Kid, x25519PrivateKey: bundle.x25519.privateKey },
 *   trustedGranters: [{ kid: aliceSigningKid, ed25519PublicKey: aliceEd25519 }],
 * });
 */
export async function openKeyGrant(
  envelope: Uint8Array,
  options: OpenKeyGrantOptions,
): Promise<VaultKey> {
  requireEpoch(options.epoch);
  const context = keyGrantAppContext(requireLength(options.vaultId, 16, 'vaultId'), options.epoch);
  const header = parseEnvelopeHeader(envelope);
  if (header.contentType !== 'key-grant') {
    throw new EnvelopeFormatError('unexpected_content_type', 'expected a key-grant envelope');
  }
  if (header.mode !== 'wrapped') {
    throw new EnvelopeFormatError('bad_mode', 'a key grant is WRAPPED');
  }
  // Who signed decides whether the grant counts at all, so these are
  // authentication failures, not format problems.
  const signerKid = header.signerKid;
  const trusted =
    header.signed && signerKid
      ? options.trustedGranters.some((g) => constantTimeEqual(g.kid, signerKid))
      : false;
  if (!trusted || header.epoch !== options.epoch) throw new DecryptionError();

  const opened = await openEnvelope(envelope, {
    context,
    contentType: 'key-grant',
    x25519Keys: [{ kid: options.recipient.kid, privateKey: options.recipient.x25519PrivateKey }],
    trustedSigners: options.trustedGranters.map((g) => ({
      kid: g.kid,
      publicKey: g.ed25519PublicKey,
    })),
    requireSignature: true,
  });
  if (opened.signerKid === undefined) throw new DecryptionError();
  if (opened.plaintext.length !== 32) {
    throw new EnvelopeFormatError('bad_length', 'a key grant holds exactly 32 bytes');
  }
  const key = opened.plaintext;
  return { kid: await kidForSymmetricKey(key), epoch: options.epoch, key };
}
