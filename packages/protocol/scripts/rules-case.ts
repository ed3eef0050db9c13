import { encodeArmor } from '../src/envelope/armor.ts';
import type { GoldenCase, RecordFields } from './golden-case.ts';

/**
 * The cases of `vectors/rules-v1.json` (SPEC.md section 13, "Rule vectors").
 * Bytes are lower-case hex; every group is an array.
 */
export interface RulesVectors {
  armor: ArmorCase[];
  envelopes: RuleEnvelopeCase[];
  records: RecordCase[];
  keyBundles: KeyBundleCase[];
  keyGrants: KeyGrantCase[];
  recordIds: RecordIdCase[];
  fingerprints: FingerprintCase[];
}

type Outcome =
  | { result: 'valid'; error?: never; code?: never }
  | {
      result: 'invalid';
      error: NonNullable<GoldenCase['error']>;
      code?: string;
    };

/** Armor text alone (SPEC.md 6): valid ones decode to `bytes` and re-encode to `armor`. */
export type ArmorCase = { name: string; armor: string; bytes?: string } & Outcome;

/** An envelope case with the fields of envelope-v1.json, plus the rule group it pins. */
export type RuleEnvelopeCase = GoldenCase & {
  group: 'kdf-bounds' | 'passphrase-nfc' | 'low-order-enc' | 'reading-order';
};

/** A record envelope opened by the record layer (SPEC.md 10.3). */
export type RecordCase = {
  name: string;
  vaultId: string;
  recordId: string;
  key: { kid: string; epoch: number; key: string };
  trustedSigners?: Array<{ kid: string; publicKey: string }>;
  /** The padded plaintext inside the envelope (what unpad and decode see). */
  plaintext: string;
  envelope: string;
  record?: RecordFields;
  signerKid?: string;
} & Outcome;

/** A key bundle (SPEC.md 14.8), opened with `masterKey` and `username`. */
export type KeyBundleCase = {
  name: string;
  username: string;
  masterKey: string;
  /** kidForSymmetricKey(masterKey), the header kid. */
  kid: string;
  envelope: string;
  /** valid: the bundle plaintext and the key pairs it holds. */
  plaintext?: string;
  x25519PrivateKey?: string;
  x25519PublicKey?: string;
  ed25519Seed?: string;
  ed25519PublicKey?: string;
  /** valid: the Cobblestone salt of the body (a writer reproduces `envelope` with it). */
  bodySalt?: string;
} & Outcome;

/** A key grant (SPEC.md 14.9), opened by one recipient. */
export type KeyGrantCase = {
  name: string;
  vaultId: string;
  epoch: number;
  recipient: { kid: string; x25519PrivateKey: string; x25519PublicKey: string };
  trustedGranters: Array<{ kid: string; ed25519PublicKey: string }>;
  envelope: string;
  /** valid: what openKeyGrant returns. */
  vaultKey?: { kid: string; epoch: number; key: string };
  /** valid: everything a writer needs to reproduce `envelope` byte for byte. */
  writer?: {
    granter: { ed25519Seed: string; ed25519PublicKey: string; kid: string };
    recipients: Array<{ kid: string; x25519PublicKey: string }>;
    dek: string;
    ephemeralPrivateKeys: string[];
    bodySalt: string;
  };
} & Outcome;

/** Derived record ids (SPEC.md 10.4) under one first-epoch vault key. */
export interface RecordIdCase {
  name: string;
  vaultKey: string;
  vaultNameKey: string;
  ids: Array<{ name: string; recordId: string }>;
}

/** A fingerprint (SPEC.md 14.6) and comparisons `fingerprintsEqual(a, b) === equal`. */
export interface FingerprintCase {
  name: string;
  accountId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  fingerprint: string;
  comparisons: Array<{ name: string; a: string; b: string; equal: boolean }>;
}

/**
 * The maker of a group's invalid cases: `common` fields, the envelope as
 * armor, fields that differ (`over`), the expected error class and code (key
 * order as in the frozen file).
 */
export function invalidCases<C extends { name: string; envelope: string }>(
  common: Record<string, unknown>,
): (
  name: string,
  envelope: Uint8Array,
  error: NonNullable<GoldenCase['error']>,
  code?: string,
  over?: Partial<C>,
) => C {
  return (name, envelope, error, code, over = {}) =>
    ({
      name,
      ...common,
      envelope: encodeArmor(envelope),
      ...over,
      result: 'invalid',
      error,
      ...(code ? { code } : {}),
    }) as unknown as C;
}
