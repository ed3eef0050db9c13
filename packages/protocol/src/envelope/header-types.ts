import type { Argon2idParams } from '../primitives/argon2id.ts';
import type { ContentType } from './constants.ts';

/** Envelope mode: DIRECT (keyring key) or WRAPPED (DEK in stanzas). */
export type EnvelopeMode = 'direct' | 'wrapped';

/** A parsed stanza; `typeByte`, `args` and `body` are the exact wire bytes. */
export type Stanza =
  | { kind: 'symmetric'; typeByte: 0x01; args: Uint8Array; body: Uint8Array; kid: Uint8Array }
  | { kind: 'x25519'; typeByte: 0x02; args: Uint8Array; body: Uint8Array; kid: Uint8Array }
  | {
      kind: 'passphrase';
      typeByte: 0x03;
      args: Uint8Array;
      body: Uint8Array;
      salt: Uint8Array;
      params: Argon2idParams;
    }
  | { kind: 'unknown'; typeByte: number; args: Uint8Array; body: Uint8Array };

/** Every header field, readable without any key. */
export interface EnvelopeHeader {
  version: number;
  suite: number;
  mode: EnvelopeMode;
  signed: boolean;
  contentType: ContentType;
  /** keyEpoch: generation of the symmetric key (u32). */
  epoch: number;
  /** DIRECT: id of the input key. WRAPPED: 16 zero bytes. */
  kid: Uint8Array;
  stanzas: ReadonlyArray<Stanza>;
  /** Length of the header in bytes (fixed part plus stanzas). */
  headerLength: number;
  /** The exact header bytes (a view into the input). */
  headerBytes: Uint8Array;
}

/** Header plus the sizes of a complete envelope (what a server checks before storing). */
export interface EnvelopeInfo extends EnvelopeHeader {
  bodyLength: number;
  /** 80 if SIGNED, else 0. */
  footerLength: number;
  /** Plaintext length implied by the body length. */
  plaintextLength: number;
  /** Number of Cobblestone chunks in the body (at least 1). */
  chunkCount: number;
  /** SIGNED only: the signer kid in the footer (unverified until opened). */
  signerKid?: Uint8Array;
}

/** Which format versions and suites a reader accepts (defaults: this build's). */
export interface AcceptPolicy {
  versions?: ReadonlyArray<number>;
  suites?: ReadonlyArray<number>;
}
