// Key bundles (DIRECT under the master key) and key grants (WRAPPED, SIGNED),
// through the real envelope code.
import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.ts';
import { keyGrantAppContext } from '../src/envelope/app-contexts.ts';
import { parseEnvelopeHeader } from '../src/envelope/header-parse.ts';
import { sealEnvelope } from '../src/envelope/seal.ts';
import { DecryptionError, EnvelopeFormatError, KeyNotFoundError } from '../src/errors.ts';
import {
  createKeyBundle,
  type KeyBundle,
  openKeyBundle,
  resealKeyBundle,
  sealKeyBundle,
} from '../src/keys/key-bundle.ts';
import { type OpenKeyGrantOptions, openKeyGrant, sealKeyGrant } from '../src/keys/key-grant.ts';
import { kidForPublicKey, kidForSymmetricKey } from '../src/keys/kid.ts';
import { generateVaultKey } from '../src/keys/vault-key.ts';

const random32 = () => crypto.getRandomValues(new Uint8Array(32));
const accountId = 'acct-0001';

async function member(bundle?: KeyBundle) {
  const keys = bundle ?? (await createKeyBundle());
  return {
    keys,
    x25519Kid: await kidForPublicKey('x25519', keys.x25519.publicKey),
    ed25519Kid: await kidForPublicKey('ed25519', keys.ed25519.publicKey),
  };
}
type Member = Awaited<ReturnType<typeof member>>;

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

describe('key bundle', () => {
  it('round trips under the master key; header is DIRECT key-bundle, epoch 0', async () => {
    const bundle = await createKeyBundle();
    const masterKey = random32();
    const envelope = await sealKeyBundle(bundle, masterKey, { accountId });
    const header = parseEnvelopeHeader(envelope);
    expect(header).toMatchObject({ mode: 'direct', contentType: 'key-bundle', epoch: 0 });
    expect(header.signed).toBe(false);
    expect(toHex(header.kid)).toBe(toHex(await kidForSymmetricKey(masterKey)));
    expect(header.plaintextLength).toBe(65);

    const opened = await openKeyBundle(envelope, masterKey, { accountId });
    expect(opened).toEqual(bundle);
  });

  it('refuses another master key, another account, and any flipped byte', async () => {
    const bundle = await createKeyBundle();
    const masterKey = random32();
    const envelope = await sealKeyBundle(bundle, masterKey, { accountId });
    await expect(openKeyBundle(envelope, random32(), { accountId })).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
    await expect(
      openKeyBundle(envelope, masterKey, { accountId: 'acct-0002' }),
    ).rejects.toBeInstanceOf(DecryptionError);
    for (const index of [40, envelope.length - 1]) {
      await expect(
        openKeyBundle(flip(envelope, index), masterKey, { accountId }),
      ).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it('a passphrase change re-seals only the bundle: same key pairs, old key refused', async () => {
    const bundle = await createKeyBundle();
    const [oldKey, newKey] = [random32(), random32()];
    const before = await sealKeyBundle(bundle, oldKey, { accountId });
    const after = await resealKeyBundle(before, oldKey, newKey, { accountId });
    expect(await openKeyBundle(after, newKey, { accountId })).toEqual(bundle);
    await expect(openKeyBundle(after, oldKey, { accountId })).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
  });
});

describe('key grant', () => {
  const vaultId = crypto.getRandomValues(new Uint8Array(16));

  async function setup() {
    const [alice, bob, carol, mallory] = await Promise.all([
      member(),
      member(),
      member(),
      member(),
    ]);
    const vaultKey = await generateVaultKey(3);
    const grant = await sealKeyGrant({
      vaultId,
      vaultKey,
      recipients: [alice, bob].map((m) => ({
        kid: m.x25519Kid,
        x25519PublicKey: m.keys.x25519.publicKey,
      })),
      granter: { kid: alice.ed25519Kid, ed25519Seed: alice.keys.ed25519.seed },
    });
    return { alice, bob, carol, mallory, vaultKey, grant };
  }

  function optionsFor(m: Member, granter: Member, epoch = 3): OpenKeyGrantOptions {
    return {
      vaultId,
      epoch,
      recipient: { kid: m.x25519Kid, x25519PrivateKey: m.keys.x25519.privateKey },
      trustedGranters: [
        { kid: granter.ed25519Kid, ed25519PublicKey: granter.keys.ed25519.publicKey },
      ],
    };
  }

  it('every recipient recovers the vault key; header is WRAPPED, SIGNED, one stanza each', async () => {
    const { alice, bob, vaultKey, grant } = await setup();
    const header = parseEnvelopeHeader(grant);
    expect(header).toMatchObject({
      mode: 'wrapped',
      contentType: 'key-grant',
      epoch: 3,
      signed: true,
    });
    expect(header.stanzas.map((s) => s.kind)).toEqual(['x25519', 'x25519']);
    expect(toHex(header.signerKid!)).toBe(toHex(alice.ed25519Kid));
    for (const m of [alice, bob]) {
      expect(await openKeyGrant(grant, optionsFor(m, alice))).toEqual(vaultKey);
    }
  });

  it('a non-recipient gets KeyNotFoundError', async () => {
    const { alice, carol, grant } = await setup();
    await expect(openKeyGrant(grant, optionsFor(carol, alice))).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
  });

  it('untrusted, forged or missing signatures are DecryptionError', async () => {
    const { alice, bob, mallory, vaultKey, grant } = await setup();
    // Signed by alice, but bob trusts only mallory.
    await expect(openKeyGrant(grant, optionsFor(bob, mallory))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    const sealed = (signer?: { kid: Uint8Array; seed: Uint8Array }) =>
      sealEnvelope(vaultKey.key, {
        contentType: 'key-grant',
        context: keyGrantAppContext(vaultId, 3),
        epoch: 3,
        recipients: [{ type: 'x25519', kid: bob.x25519Kid, publicKey: bob.keys.x25519.publicKey }],
        ...(signer ? { signer } : {}),
      });
    // Unsigned.
    await expect(openKeyGrant(await sealed(), optionsFor(bob, alice))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    // Mallory signs with her own key but writes alice's kid in the footer.
    const forged = await sealed({ kid: alice.ed25519Kid, seed: mallory.keys.ed25519.seed });
    await expect(openKeyGrant(forged, optionsFor(bob, alice))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    // A flipped signature byte.
    await expect(
      openKeyGrant(flip(grant, grant.length - 1), optionsFor(bob, alice)),
    ).rejects.toBeInstanceOf(DecryptionError);
  });

  it('a grant for another vault or epoch is DecryptionError', async () => {
    const { alice, bob, vaultKey, grant } = await setup();
    await expect(
      openKeyGrant(grant, { ...optionsFor(bob, alice), vaultId: new Uint8Array(16) }),
    ).rejects.toBeInstanceOf(DecryptionError);
    await expect(openKeyGrant(grant, optionsFor(bob, alice, 4))).rejects.toBeInstanceOf(
      DecryptionError,
    );
    // Header says epoch 3 but the writer bound epoch 4 into the context.
    const mismatched = await sealEnvelope(vaultKey.key, {
      contentType: 'key-grant',
      context: keyGrantAppContext(vaultId, 4),
      epoch: 3,
      recipients: [{ type: 'x25519', kid: bob.x25519Kid, publicKey: bob.keys.x25519.publicKey }],
      signer: { kid: alice.ed25519Kid, seed: alice.keys.ed25519.seed },
    });
    await expect(openKeyGrant(mismatched, optionsFor(bob, alice))).rejects.toBeInstanceOf(
      DecryptionError,
    );
  });

  it('refuses to seal with kids that do not name their keys, or 0 / 33 recipients', async () => {
    const { alice, bob, vaultKey } = await setup();
    const recipient = { kid: bob.x25519Kid, x25519PublicKey: bob.keys.x25519.publicKey };
    const granter = { kid: alice.ed25519Kid, ed25519Seed: alice.keys.ed25519.seed };
    const attempts = [
      {
        vaultId,
        vaultKey: { ...vaultKey, kid: new Uint8Array(16) },
        recipients: [recipient],
        granter,
      },
      { vaultId, vaultKey, recipients: [{ ...recipient, kid: alice.x25519Kid }], granter },
      { vaultId, vaultKey, recipients: [recipient], granter: { ...granter, kid: bob.ed25519Kid } },
      { vaultId, vaultKey, recipients: [], granter },
      { vaultId, vaultKey, recipients: Array(33).fill(recipient), granter },
    ];
    for (const input of attempts) {
      await expect(sealKeyGrant(input)).rejects.toMatchObject({ code: 'bad_argument' });
    }
  });

  it('a key bundle is not a key grant', async () => {
    const { alice } = await setup();
    const bundle = await sealKeyBundle(alice.keys, random32(), { accountId });
    const error = await openKeyGrant(bundle, optionsFor(alice, alice)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvelopeFormatError);
    expect((error as EnvelopeFormatError).code).toBe('unexpected_content_type');
  });

  it('plays the whole story: rotate on removal, re-grant to who remains', async () => {
    const { alice, bob, carol } = await setup();
    const next = await generateVaultKey(4);
    const regrant = await sealKeyGrant({
      vaultId,
      vaultKey: next,
      recipients: [alice, carol].map((m) => ({
        kid: m.x25519Kid,
        x25519PublicKey: m.keys.x25519.publicKey,
      })),
      granter: { kid: alice.ed25519Kid, ed25519Seed: alice.keys.ed25519.seed },
    });
    expect((await openKeyGrant(regrant, optionsFor(carol, alice, 4))).key).toEqual(next.key);
    await expect(openKeyGrant(regrant, optionsFor(bob, alice, 4))).rejects.toBeInstanceOf(
      KeyNotFoundError,
    );
  });
});
