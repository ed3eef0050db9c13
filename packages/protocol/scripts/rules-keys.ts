import { concatBytes, fromHex, toHex, utf8 } from '../src/bytes.ts';
import { keyBundleAppContext } from '../src/envelope/app-contexts.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import type { ContentType } from '../src/envelope/constants.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import { openKeyBundle } from '../src/keys/key-bundle.ts';
import { kidForSymmetricKey } from '../src/keys/kid.ts';
import { ed25519PublicKey } from '../src/primitives/ed25519.ts';
import { x25519PublicKey } from '../src/primitives/x25519.ts';
import { deriveRecordId, deriveVaultNameKey } from '../src/record/record-id.ts';
import type { Fixture } from './golden-fixtures.ts';
import { invalidCases, type KeyBundleCase, type RecordIdCase } from './rules-case.ts';

/** SPEC.md 14.4 known answer: the masterKey of "Café correct horse". */
export const KAT_MASTER_KEY = 'a49fb32c1d9a93823a7a14f6bac87d134e95484953ec5da15b12099e0708edac';
/** RFC 7748 6.1 (Alice) and RFC 8032 TEST 1: the key pairs of the 14.5 known answers. */
export const RFC_X25519_PRIVATE =
  '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
export const RFC_ED25519_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const USERNAME = 'alice.smith';

/**
 * Key bundle (SPEC.md 14.8): the 14.4 master key sealing the RFC key pairs
 * for a username; a writer reproduces the envelope from `bodySalt`. Invalid:
 * another username (case is not folded), another master key, another epoch,
 * another content type, and the two plaintext checks.
 */
export async function keyBundleCases(f: Fixture): Promise<KeyBundleCase[]> {
  const masterKey = fromHex(KAT_MASTER_KEY);
  const kid = await kidForSymmetricKey(masterKey);
  const plaintext = concatBytes(
    new Uint8Array([1]),
    fromHex(RFC_X25519_PRIVATE),
    fromHex(RFC_ED25519_SEED),
  );
  const context = keyBundleAppContext(utf8(USERNAME));
  const sealed = (pt: Uint8Array, o: { epoch?: number; contentType?: ContentType } = {}) =>
    sealEnvelopeWith(
      pt,
      {
        contentType: o.contentType ?? 'key-bundle',
        context,
        key: { kid, epoch: o.epoch ?? 0, key: masterKey },
      },
      f.random,
    );
  const bytes = await sealed(plaintext);
  const common = { username: USERNAME, masterKey: KAT_MASTER_KEY, kid: toHex(kid) };
  const valid: KeyBundleCase = {
    name: 'the 14.4 master key sealing the RFC 7748 / RFC 8032 key pairs for "alice.smith"',
    ...common,
    envelope: encodeArmor(bytes),
    plaintext: toHex(plaintext),
    x25519PrivateKey: RFC_X25519_PRIVATE,
    x25519PublicKey: toHex(await x25519PublicKey(fromHex(RFC_X25519_PRIVATE))),
    ed25519Seed: RFC_ED25519_SEED,
    ed25519PublicKey: toHex(await ed25519PublicKey(fromHex(RFC_ED25519_SEED))),
    bodySalt: toHex(bytes.subarray(30, 54)),
    result: 'valid',
  };
  const opened = await openKeyBundle(bytes, masterKey, { accountId: USERNAME });
  if (toHex(opened.ed25519.publicKey) !== valid.ed25519PublicKey)
    throw new Error('bundle KAT broken');

  const otherKey = masterKey.slice();
  otherKey[31]! ^= 1;
  const invalid = invalidCases<KeyBundleCase>(common);
  return [
    valid,
    invalid(
      'opened as "Alice.Smith" (usernames are bound as given, not case-folded)',
      bytes,
      'DecryptionError',
      undefined,
      {
        username: 'Alice.Smith',
      },
    ),
    invalid(
      'opened with another master key (its kid differs)',
      bytes,
      'KeyNotFoundError',
      undefined,
      {
        masterKey: toHex(otherKey),
        kid: toHex(await kidForSymmetricKey(otherKey)),
      },
    ),
    invalid(
      'sealed at keyEpoch 1 (the bundle is at epoch 0)',
      await sealed(plaintext, { epoch: 1 }),
      'KeyNotFoundError',
    ),
    invalid(
      'sealed as contentType record',
      await sealed(plaintext, { contentType: 'record' }),
      'EnvelopeFormatError',
      'unexpected_content_type',
    ),
    invalid(
      'plaintext of 64 bytes',
      await sealed(plaintext.subarray(0, 64)),
      'EnvelopeFormatError',
      'bad_length',
    ),
    invalid(
      'plaintext of 66 bytes',
      await sealed(concatBytes(plaintext, new Uint8Array(1))),
      'EnvelopeFormatError',
      'bad_length',
    ),
    invalid(
      'layout byte 0x02',
      await sealed(concatBytes(new Uint8Array([2]), plaintext.subarray(1))),
      'EnvelopeFormatError',
      'unsupported_version',
    ),
  ];
}

/**
 * Derived record ids (SPEC.md 10.4): NFC before hashing (composed, decomposed
 * and singleton forms agree), not NFKC (a ligature stays different), no case
 * folding, reserved names, astral characters.
 */
export async function recordIdCases(f: Fixture): Promise<RecordIdCase[]> {
  const names = [
    'Groceries',
    'groceries',
    '.coffer/vault',
    'Caf\u00e9',
    'Cafe\u0301',
    '\u00c5ngstr\u00f6m',
    '\u212Bngstro\u0308m',
    '\uFB01le',
    'file',
    '\u{1F511} keys',
  ];
  const out: RecordIdCase[] = [];
  for (const [name, vaultKey] of [
    [
      'first-epoch key 000102…1f',
      fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
    ],
    ['first-epoch key from the seeded generator', f.random(32)],
  ] as const) {
    const nameKey = await deriveVaultNameKey(vaultKey);
    const ids = [];
    for (const n of names) ids.push({ name: n, recordId: toHex(await deriveRecordId(nameKey, n)) });
    out.push({ name, vaultKey: toHex(vaultKey), vaultNameKey: toHex(nameKey), ids });
  }
  return out;
}
