import type { Argon2idParams } from '../primitives/argon2id.ts';
import type { ContentType } from './constants.ts';
import type { AcceptPolicy, EnvelopeMode } from './header-types.ts';

/** A symmetric key of a keyring: 16-byte id, u32 epoch, 32-byte key. */
export interface SymmetricKey {
  kid: Uint8Array;
  epoch: number;
  key: Uint8Array;
}

/** A recipient of a WRAPPED envelope; each becomes one stanza, in order. */
export type Recipient =
  | { type: 'x25519'; kid: Uint8Array; publicKey: Uint8Array }
  | { type: 'symmetric'; kid: Uint8Array; key: Uint8Array }
  | { type: 'passphrase'; passphrase: string | Uint8Array; params?: Argon2idParams };

/** An Ed25519 signer: its 16-byte kid (written in the footer) and 32-byte seed. */
export interface Signer {
  kid: Uint8Array;
  seed: Uint8Array;
}

interface SealCommonOptions {
  contentType: ContentType;
  /** The caller's appContext (for example {@link recordAppContext}); never written to the envelope. */
  context: Uint8Array;
  /** Sign the envelope (SIGNED flag, footer). */
  signer?: Signer;
}

/** DIRECT: the body is sealed under a keyring key named by (kid, epoch). */
export interface SealDirectOptions extends SealCommonOptions {
  key: SymmetricKey;
}

/** WRAPPED: a fresh DEK seals the body and is wrapped once per recipient. */
export interface SealWrappedOptions extends SealCommonOptions {
  recipients: ReadonlyArray<Recipient>;
  /** keyEpoch header field (for a key-grant: the epoch of the granted key). Default 0. */
  epoch?: number;
}

export type SealEnvelopeOptions = SealDirectOptions | SealWrappedOptions;

/** Options shared by every reader (whole message and stream). */
export interface OpenEnvelopeOptions {
  /** The appContext the caller expects, rebuilt from its own state. */
  context: Uint8Array;
  /** DIRECT keyring: matched on kid AND epoch. */
  keys?: ReadonlyArray<SymmetricKey>;
  /** WRAPPED, X25519 stanzas: private keys by recipient kid. */
  x25519Keys?: ReadonlyArray<{ kid: Uint8Array; privateKey: Uint8Array }>;
  /** WRAPPED, SYMMETRIC stanzas: key-encryption keys by kid. */
  keks?: ReadonlyArray<{ kid: Uint8Array; key: Uint8Array }>;
  /** WRAPPED, PASSPHRASE stanza. Strings are NFC-normalised, then UTF-8 encoded. */
  passphrase?: string | Uint8Array;
  /** Ed25519 public keys the caller trusts, by kid. A footer is only ever verified against these. */
  trustedSigners?: ReadonlyArray<{ kid: Uint8Array; publicKey: Uint8Array }>;
  /** Reject unsigned envelopes (and envelopes whose signer is not trusted). */
  requireSignature?: boolean;
  /** Reject any other content type (`unexpected_content_type`). */
  contentType?: ContentType;
  /** Format versions and suites to accept (default: all this build reads). */
  accept?: AcceptPolicy;
}

/** What a successful open returns. */
export interface OpenedEnvelope {
  plaintext: Uint8Array;
  mode: EnvelopeMode;
  contentType: ContentType;
  epoch: number;
  /** DIRECT: the key's kid. WRAPPED: kid of the stanza that unwrapped (undefined for PASSPHRASE). */
  kid: Uint8Array | undefined;
  signed: boolean;
  /**
   * Set only when the footer verified against a trusted signer. A SIGNED
   * envelope opened without `trustedSigners` has `signed: true` and no signerKid.
   */
  signerKid?: Uint8Array;
}
