import { toHex } from '../src/bytes.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import type { SealEnvelopeOptions } from '../src/envelope/options.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import { ed25519PublicKey } from '../src/primitives/ed25519.ts';
import { x25519PublicKey } from '../src/primitives/x25519.ts';
import { type Credentials, credentialFields, type GoldenCase } from './golden-case.ts';
import { seededRandom } from './seeded-random.ts';

/** Keys and identities shared by the golden cases, all drawn from the seeded RNG. */
export interface Fixture {
  random: RandomSource;
  vaultKey: { kid: Uint8Array; epoch: number; key: Uint8Array };
  maxEpochKey: { kid: Uint8Array; epoch: number; key: Uint8Array };
  kek: { kid: Uint8Array; key: Uint8Array };
  alice: { kid: Uint8Array; privateKey: Uint8Array; publicKey: Uint8Array };
  bob: { kid: Uint8Array; privateKey: Uint8Array; publicKey: Uint8Array };
  signer: { kid: Uint8Array; seed: Uint8Array; publicKey: Uint8Array };
  passphrase: string;
}

async function x25519Identity(random: RandomSource) {
  const kid = random(16);
  const privateKey = random(32);
  return { kid, privateKey, publicKey: await x25519PublicKey(privateKey) };
}

export async function makeFixtures(seed: string): Promise<Fixture> {
  const random = seededRandom(seed);
  const vaultKey = { kid: random(16), epoch: 1, key: random(32) };
  const maxEpochKey = { kid: random(16), epoch: 0xffff_ffff, key: random(32) };
  const kek = { kid: random(16), key: random(32) };
  const alice = await x25519Identity(random);
  const bob = await x25519Identity(random);
  const signerSeed = random(32);
  const signer = {
    kid: random(16),
    seed: signerSeed,
    publicKey: await ed25519PublicKey(signerSeed),
  };
  return {
    random,
    vaultKey,
    maxEpochKey,
    kek,
    alice,
    bob,
    signer,
    passphrase: 'correct horse battery staple ✓',
  };
}

/** A sealed valid case plus its raw bytes and credentials (to derive invalid cases). */
export interface Sealed {
  case: GoldenCase;
  bytes: Uint8Array;
  credentials: Credentials;
  base: Pick<GoldenCase, 'mode' | 'contentType' | 'signed'>;
}

/**
 * Seal `plaintext` with the seeded RNG and describe it as a valid case. The
 * default credentials are the DIRECT key, and for SIGNED envelopes the signer
 * as the only trusted key with requireSignature.
 */
export async function seal(
  f: Fixture,
  name: string,
  plaintext: Uint8Array,
  options: SealEnvelopeOptions,
  open: Omit<Credentials, 'context'> = {},
): Promise<Sealed> {
  const bytes = await sealEnvelopeWith(plaintext, options, f.random);
  const credentials: Credentials = { context: options.context, ...open };
  if ('key' in options) credentials.key = options.key;
  if (options.signer) {
    credentials.trustedSigners = [{ kid: f.signer.kid, publicKey: f.signer.publicKey }];
    credentials.requireSignature = true;
  }
  const base = {
    mode: 'key' in options ? ('direct' as const) : ('wrapped' as const),
    contentType: options.contentType,
    signed: options.signer !== undefined,
  };
  return {
    bytes,
    credentials,
    base,
    case: described(name, base, credentials, bytes, plaintext, options),
  };
}

function described(
  name: string,
  base: Sealed['base'],
  credentials: Credentials,
  bytes: Uint8Array,
  plaintext: Uint8Array,
  options: SealEnvelopeOptions,
): GoldenCase {
  const result: GoldenCase = {
    name,
    ...base,
    context: '',
    ...credentialFields(credentials),
    epoch: 'key' in options ? options.key.epoch : (options.epoch ?? 0),
    plaintext: toHex(plaintext),
    envelope: encodeArmor(bytes),
    result: 'valid',
  };
  if (options.signer) result.signerKid = toHex(options.signer.kid);
  return result;
}
