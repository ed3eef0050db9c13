import { describe, expect, it } from 'vitest';
import { concatBytes } from '../src/bytes.ts';
import { parseEnvelopeHeader } from '../src/envelope/header-parse.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import { sealEnvelope } from '../src/envelope/seal.ts';
import { DecryptionError, EnvelopeFormatError, KeyNotFoundError } from '../src/errors.ts';
import { bytes, context, signerFixture, vaultKey, x25519Fixture } from './envelope-helpers.ts';

const plaintext = bytes(40_000, 5);

describe('DIRECT envelopes', () => {
  it('round-trips and exposes header fields', async () => {
    const envelope = await sealEnvelope(plaintext, {
      contentType: 'record',
      context,
      key: vaultKey,
    });
    const info = parseEnvelopeHeader(envelope);
    expect(info).toMatchObject({
      mode: 'direct',
      contentType: 'record',
      epoch: 3,
      signed: false,
      headerLength: 30,
      plaintextLength: 40_000,
      chunkCount: 3,
    });
    expect(info.kid).toEqual(vaultKey.kid);
    const opened = await openEnvelope(envelope, {
      context,
      keys: [vaultKey],
      contentType: 'record',
    });
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.kid).toEqual(vaultKey.kid);
  });

  it('rejects a wrong context, epoch, kid or key', async () => {
    const envelope = await sealEnvelope(plaintext, { contentType: 'blob', context, key: vaultKey });
    await expect(
      openEnvelope(envelope, { context: bytes(3, 1), keys: [vaultKey] }),
    ).rejects.toThrow(DecryptionError);
    await expect(
      openEnvelope(envelope, { context, keys: [{ ...vaultKey, epoch: 4 }] }),
    ).rejects.toThrow(KeyNotFoundError);
    await expect(
      openEnvelope(envelope, { context, keys: [{ ...vaultKey, kid: bytes(16, 99) }] }),
    ).rejects.toThrow(KeyNotFoundError);
    await expect(
      openEnvelope(envelope, { context, keys: [{ ...vaultKey, key: bytes(32, 3) }] }),
    ).rejects.toThrow(DecryptionError);
    await expect(
      openEnvelope(envelope, { context, keys: [vaultKey], contentType: 'record' }),
    ).rejects.toMatchObject({ code: 'unexpected_content_type' });
  });
});

describe('WRAPPED envelopes', () => {
  it('opens with any recipient (X25519 or KEK) and skips others', async () => {
    const alice = await x25519Fixture();
    const kek = { kid: bytes(16, 30), key: bytes(32, 31) };
    const envelope = await sealEnvelope(plaintext, {
      contentType: 'key-grant',
      context,
      epoch: 7,
      recipients: [
        { type: 'x25519', kid: alice.kid, publicKey: alice.publicKey },
        { type: 'symmetric', ...kek },
      ],
    });
    const info = parseEnvelopeHeader(envelope);
    expect(info.mode).toBe('wrapped');
    expect(info.stanzas.map((s) => s.kind)).toEqual(['x25519', 'symmetric']);
    expect(info.headerLength).toBe(30 + (5 + 16 + 80) + (5 + 16 + 104));
    const viaX = await openEnvelope(envelope, { context, x25519Keys: [alice] });
    expect(viaX.plaintext).toEqual(plaintext);
    expect(viaX.kid).toEqual(alice.kid);
    expect(viaX.epoch).toBe(7);
    const viaKek = await openEnvelope(envelope, { context, keks: [kek] });
    expect(viaKek.plaintext).toEqual(plaintext);
    await expect(openEnvelope(envelope, { context, keys: [vaultKey] })).rejects.toThrow(
      KeyNotFoundError,
    );
    await expect(
      openEnvelope(envelope, { context, keks: [{ ...kek, key: bytes(32, 1) }] }),
    ).rejects.toThrow(DecryptionError);
  });

  it('opens a PASSPHRASE envelope at the Argon2id floor', async () => {
    const envelope = await sealEnvelope(plaintext, {
      contentType: 'key-bundle',
      context,
      recipients: [{ type: 'passphrase', passphrase: 'correct horse' }],
    });
    const stanza = parseEnvelopeHeader(envelope).stanzas[0];
    expect(stanza?.kind === 'passphrase' && stanza.params).toEqual({
      memoryKiB: 65_536,
      iterations: 3,
      parallelism: 1,
    });
    const opened = await openEnvelope(envelope, { context, passphrase: 'correct horse' });
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.kid).toBeUndefined();
    await expect(openEnvelope(envelope, { context, passphrase: 'wrong' })).rejects.toThrow(
      DecryptionError,
    );
  });

  it('refuses Argon2id parameters below the floor before deriving', async () => {
    await expect(
      sealEnvelope(plaintext, {
        contentType: 'key-bundle',
        context,
        recipients: [
          {
            type: 'passphrase',
            passphrase: 'x',
            params: { memoryKiB: 1024, iterations: 3, parallelism: 1 },
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'kdf_params_out_of_range' });
  });
});

describe('SIGNED envelopes', () => {
  it('verifies the footer only against trusted signers', async () => {
    const signer = await signerFixture();
    const envelope = await sealEnvelope(plaintext, {
      contentType: 'vault-head',
      context,
      key: vaultKey,
      signer,
    });
    expect(parseEnvelopeHeader(envelope).signerKid).toEqual(signer.kid);
    const trusted = [{ kid: signer.kid, publicKey: signer.publicKey }];
    const opened = await openEnvelope(envelope, {
      context,
      keys: [vaultKey],
      trustedSigners: trusted,
      requireSignature: true,
    });
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.signerKid).toEqual(signer.kid);
    const unverified = await openEnvelope(envelope, { context, keys: [vaultKey] });
    expect(unverified.signed).toBe(true);
    expect(unverified.signerKid).toBeUndefined();
    await expect(
      openEnvelope(envelope, { context, keys: [vaultKey], trustedSigners: [] }),
    ).rejects.toThrow(KeyNotFoundError);
    const other = {
      kid: signer.kid,
      publicKey: (await signerFixture()).publicKey.map((b) => b ^ 1),
    };
    await expect(
      openEnvelope(envelope, { context, keys: [vaultKey], trustedSigners: [other] }),
    ).rejects.toThrow(DecryptionError);
    const forged = envelope.slice();
    forged[forged.length - 1]! ^= 1;
    await expect(
      openEnvelope(forged, { context, keys: [vaultKey], trustedSigners: trusted }),
    ).rejects.toThrow(DecryptionError);
  });

  it('requireSignature rejects an unsigned envelope', async () => {
    const envelope = await sealEnvelope(plaintext, {
      contentType: 'record',
      context,
      key: vaultKey,
    });
    await expect(
      openEnvelope(envelope, { context, keys: [vaultKey], requireSignature: true }),
    ).rejects.toMatchObject({ code: 'not_signed' });
  });
});

describe('structure', () => {
  it('rejects trailing data, unknown suite and flags as format errors', async () => {
    const envelope = await sealEnvelope(new Uint8Array(0), {
      contentType: 'record',
      context,
      key: vaultKey,
    });
    expect(envelope.length).toBe(30 + 72);
    const open = (bytes: Uint8Array) => openEnvelope(bytes, { context, keys: [vaultKey] });
    const withByte = (offset: number, value: number) => {
      const copy = envelope.slice();
      copy[offset] = value;
      return copy;
    };
    await expect(open(concatBytes(envelope, new Uint8Array(1)))).rejects.toThrow(DecryptionError);
    await expect(open(withByte(3, 2))).rejects.toMatchObject({ code: 'unsupported_version' });
    await expect(open(withByte(5, 2))).rejects.toMatchObject({ code: 'unsupported_suite' });
    await expect(open(withByte(7, 2))).rejects.toMatchObject({ code: 'bad_flags' });
    await expect(open(withByte(8, 9))).rejects.toMatchObject({ code: 'bad_content_type' });
    await expect(open(envelope.subarray(0, 20))).rejects.toThrow(EnvelopeFormatError);
  });
});
