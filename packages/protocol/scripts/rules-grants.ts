import { toHex } from '../src/bytes.ts';
import { keyGrantAppContext } from '../src/envelope/app-contexts.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import type { ContentType } from '../src/envelope/constants.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { sealEnvelopeWith } from '../src/envelope/seal.ts';
import { openKeyGrant } from '../src/keys/key-grant.ts';
import { kidForPublicKey, kidForSymmetricKey } from '../src/keys/kid.ts';
import { ed25519PublicKey } from '../src/primitives/ed25519.ts';
import { x25519PublicKey } from '../src/primitives/x25519.ts';
import { deriveX25519PrivateKey } from '../test/hpke-reference.ts';
import type { Fixture } from './golden-fixtures.ts';
import { flipBit } from './golden-mutations.ts';
import { invalidCases, type KeyGrantCase } from './rules-case.ts';

/** The seeded source, remembering every draw (to report the DEK, ephemeral keys and salt). */
function recording(random: RandomSource): { random: RandomSource; draws: Uint8Array[] } {
  const draws: Uint8Array[] = [];
  const wrapped = ((n: number) => {
    const out = random(n);
    draws.push(out);
    return out;
  }) as RandomSource;
  if (random.deterministic) wrapped.deterministic = true;
  return { random: wrapped, draws };
}

async function member(random: RandomSource) {
  const x25519PrivateKey = random(32);
  const x25519Pk = await x25519PublicKey(x25519PrivateKey);
  return {
    kid: await kidForPublicKey('x25519', x25519Pk),
    x25519PrivateKey,
    x25519PublicKey: x25519Pk,
  };
}

const EPOCH = 5;

/**
 * Key grants (SPEC.md 14.9): a grant of an epoch-5 vault key to two members,
 * SIGNED by a third, with derived kids; `writer` holds the DEK, the ephemeral
 * X25519 private keys (in stanza order) and the body salt, so a writer
 * reproduces the envelope byte for byte. Invalid: every rejection 14.9 names.
 */
export async function keyGrantCases(f: Fixture): Promise<KeyGrantCase[]> {
  const r = f.random;
  const vaultId = r(16);
  const key = r(32);
  const vaultKey = { kid: await kidForSymmetricKey(key), epoch: EPOCH, key };
  const granterSeed = r(32);
  const granterPk = await ed25519PublicKey(granterSeed);
  const granter = { kid: await kidForPublicKey('ed25519', granterPk), seed: granterSeed };
  const alice = await member(r);
  const bob = await member(r);
  const carol = await member(r);
  const recipients = [alice, bob].map((m) => ({
    type: 'x25519' as const,
    kid: m.kid,
    publicKey: m.x25519PublicKey,
  }));

  const grant = (
    plaintext: Uint8Array,
    o: {
      signed?: boolean;
      contentType?: ContentType;
      contextEpoch?: number;
      headerEpoch?: number;
      direct?: boolean;
    } = {},
    random: RandomSource = r,
  ) =>
    sealEnvelopeWith(
      plaintext,
      {
        contentType: o.contentType ?? 'key-grant',
        context: keyGrantAppContext(vaultId, o.contextEpoch ?? EPOCH),
        ...(o.direct ? { key: vaultKey } : { recipients, epoch: o.headerEpoch ?? EPOCH }),
        ...(o.signed === false ? {} : { signer: granter }),
      },
      random,
    );
  const rec = recording(r);
  const bytes = await grant(key, {}, rec.random);
  const [dek, ikmAlice, ikmBob, bodySalt] = rec.draws;
  if (
    rec.draws.length !== 4 ||
    toHex(bodySalt!) !== toHex(bytes.subarray(30 + 2 * 101, 30 + 2 * 101 + 24))
  ) {
    throw new Error('unexpected draws while sealing the grant');
  }
  const ephemeral = [
    await deriveX25519PrivateKey(ikmAlice!),
    await deriveX25519PrivateKey(ikmBob!),
  ];
  for (const [i, sk] of ephemeral.entries()) {
    const enc = bytes.subarray(30 + i * 101 + 21, 30 + i * 101 + 21 + 32);
    if (toHex(await x25519PublicKey(sk)) !== toHex(enc)) throw new Error('ephemeral key mismatch');
  }
  const json = (m: typeof alice) => ({
    kid: toHex(m.kid),
    x25519PrivateKey: toHex(m.x25519PrivateKey),
    x25519PublicKey: toHex(m.x25519PublicKey),
  });
  const trusted = [{ kid: toHex(granter.kid), ed25519PublicKey: toHex(granterPk) }];
  const common = {
    vaultId: toHex(vaultId),
    epoch: EPOCH,
    recipient: json(bob),
    trustedGranters: trusted,
  };
  const writer = {
    granter: {
      ed25519Seed: toHex(granterSeed),
      ed25519PublicKey: toHex(granterPk),
      kid: toHex(granter.kid),
    },
    recipients: [alice, bob].map((m) => ({
      kid: toHex(m.kid),
      x25519PublicKey: toHex(m.x25519PublicKey),
    })),
    dek: toHex(dek!),
    ephemeralPrivateKeys: ephemeral.map(toHex),
    bodySalt: toHex(bodySalt!),
  };
  const expected = { kid: toHex(vaultKey.kid), epoch: EPOCH, key: toHex(key) };
  const opened = await openKeyGrant(bytes, {
    vaultId,
    epoch: EPOCH,
    recipient: { kid: bob.kid, x25519PrivateKey: bob.x25519PrivateKey },
    trustedGranters: [{ kid: granter.kid, ed25519PublicKey: granterPk }],
  });
  if (toHex(opened.key) !== expected.key) throw new Error('grant KAT broken');

  const otherSeed = r(32);
  const otherPk = await ed25519PublicKey(otherSeed);
  const bad = invalidCases<KeyGrantCase>(common);
  return [
    {
      name: 'epoch-5 vault key granted to two members, opened by the second',
      ...common,
      envelope: encodeArmor(bytes),
      vaultKey: expected,
      writer,
      result: 'valid',
    },
    {
      name: 'the same grant opened by the first member',
      ...common,
      recipient: json(alice),
      envelope: encodeArmor(bytes),
      vaultKey: expected,
      result: 'valid',
    },
    bad('opened for another vault', bytes, 'DecryptionError', undefined, { vaultId: toHex(r(16)) }),
    bad('opened expecting epoch 4 (header says 5)', bytes, 'DecryptionError', undefined, {
      epoch: 4,
    }),
    bad('granter not trusted (another member is)', bytes, 'DecryptionError', undefined, {
      trustedGranters: [
        { kid: toHex(await kidForPublicKey('ed25519', otherPk)), ed25519PublicKey: toHex(otherPk) },
      ],
    }),
    bad('granter kid trusted under another public key', bytes, 'DecryptionError', undefined, {
      trustedGranters: [{ kid: toHex(granter.kid), ed25519PublicKey: toHex(otherPk) }],
    }),
    bad('signature bit flipped', flipBit(bytes, bytes.length - 1), 'DecryptionError'),
    bad('not SIGNED', await grant(key, { signed: false }), 'DecryptionError'),
    bad(
      'appContext epoch 6 while the header says 5',
      await grant(key, { contextEpoch: 6 }),
      'DecryptionError',
    ),
    bad(
      'header epoch 6 while the appContext says 5 (the epoch expected): the header epoch is checked',
      await grant(key, { headerEpoch: 6 }),
      'DecryptionError',
    ),
    bad('no stanza for this member', bytes, 'KeyNotFoundError', undefined, {
      recipient: json(carol),
    }),
    bad(
      'plaintext of 31 bytes',
      await grant(key.subarray(0, 31)),
      'EnvelopeFormatError',
      'bad_length',
    ),
    bad(
      'sealed as contentType blob',
      await grant(key, { contentType: 'blob' }),
      'EnvelopeFormatError',
      'unexpected_content_type',
    ),
    bad(
      'DIRECT under the vault key',
      await grant(key, { direct: true }),
      'EnvelopeFormatError',
      'bad_mode',
    ),
  ];
}
