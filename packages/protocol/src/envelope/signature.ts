import { concatBytes, constantTimeEqual, ownedCopy } from '../bytes.ts';
import { DecryptionError, EnvelopeFormatError, KeyNotFoundError } from '../errors.ts';
import { ed25519Sign, ed25519Verify } from '../primitives/ed25519.ts';
import { signatureMessage } from './contexts.ts';
import type { EnvelopeHeader } from './header-types.ts';
import type { OpenEnvelopeOptions, Signer } from './options.ts';

/** SHA-512 of a whole message (WebCrypto). */
export async function sha512(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', ownedCopy(bytes)));
}

/** Footer bytes: signerKid(16) ‖ Ed25519(seed, "coffer/v1/sig" ‖ 0x00 ‖ digest). */
export async function signFooter(signer: Signer, digest: Uint8Array): Promise<Uint8Array> {
  const signature = await ed25519Sign(signer.seed, signatureMessage(digest));
  return concatBytes(signer.kid, signature);
}

/**
 * Decide, before any decryption, which trusted key will verify the footer.
 * Returns undefined when nothing will be verified (unsigned envelope, or a
 * SIGNED one opened without trusted signers and without requireSignature).
 */
export function selectTrustedSigner(
  header: EnvelopeHeader,
  signerKid: Uint8Array | undefined,
  options: OpenEnvelopeOptions,
): { kid: Uint8Array; publicKey: Uint8Array } | undefined {
  if (!header.signed) {
    if (options.requireSignature) {
      throw new EnvelopeFormatError('not_signed', 'envelope is not signed');
    }
    return undefined;
  }
  if (!options.trustedSigners && !options.requireSignature) return undefined;
  const trusted = signerKid
    ? options.trustedSigners?.find((s) => constantTimeEqual(s.kid, signerKid))
    : undefined;
  if (!trusted) throw new KeyNotFoundError('envelope signer is not a trusted key');
  return trusted;
}

/** Verify a footer against a trusted key; any failure is the uniform DecryptionError. */
export async function verifyFooter(
  publicKey: Uint8Array,
  digest: Uint8Array,
  footer: Uint8Array,
): Promise<void> {
  const ok = await ed25519Verify(publicKey, signatureMessage(digest), footer.subarray(16, 80));
  if (!ok) throw new DecryptionError();
}
