import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../src/bytes.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import { createOpenEnvelopeStream } from '../src/envelope/open-stream.ts';
import type { OpenEnvelopeOptions, SealEnvelopeOptions } from '../src/envelope/options.ts';
import type { RandomSource } from '../src/envelope/random-source.ts';
import { createEnvelopeRangeReader } from '../src/envelope/range-reader.ts';
import { sealEnvelope, sealEnvelopeWith } from '../src/envelope/seal.ts';
import {
  createSealEnvelopeStream,
  createSealEnvelopeStreamWith,
} from '../src/envelope/seal-stream.ts';
import { DecryptionError, EnvelopeFormatError, KeyNotFoundError } from '../src/errors.ts';
import { bytes, context, signerFixture, vaultKey } from './envelope-helpers.ts';

/** Split `data` into pieces of varying sizes (deterministic). */
function split(data: Uint8Array, sizes: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    pieces.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}

function source(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

/** Read a stream to its end; returns what was emitted and the error, if any. */
async function drain(
  stream: ReadableStream<Uint8Array>,
): Promise<{ out: Uint8Array; error?: unknown }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { out: concatBytes(...parts) };
      parts.push(value);
    }
  } catch (error) {
    return { out: concatBytes(...parts), error };
  }
}

const plaintext = bytes(50_000, 3);
const kek = { kid: bytes(16, 60), key: bytes(32, 61) };
let signer: Awaited<ReturnType<typeof signerFixture>>;
let cases: Array<{ name: string; seal: SealEnvelopeOptions; open: OpenEnvelopeOptions }>;

beforeAll(async () => {
  signer = await signerFixture();
  const trustedSigners = [{ kid: signer.kid, publicKey: signer.publicKey }];
  cases = [
    {
      name: 'DIRECT',
      seal: { contentType: 'blob', context, key: vaultKey },
      open: { context, keys: [vaultKey], contentType: 'blob' },
    },
    {
      name: 'WRAPPED SIGNED',
      seal: { contentType: 'blob', context, recipients: [{ type: 'symmetric', ...kek }], signer },
      open: { context, keks: [kek], trustedSigners, requireSignature: true },
    },
  ];
});

describe('envelope streams', () => {
  it('stream-sealed envelopes open whole, and whole envelopes open streamed', async () => {
    for (const c of cases) {
      const sealed = await drain(
        source(split(plaintext, [1, 5000, 16_384, 20_000])).pipeThrough(
          createSealEnvelopeStream(c.seal),
        ),
      );
      expect(sealed.error).toBeUndefined();
      const whole = await openEnvelope(sealed.out, c.open);
      expect(whole.plaintext).toEqual(plaintext);

      const envelope = await sealEnvelope(plaintext, c.seal);
      for (const sizes of [[envelope.length], [1, 7, 79, 81], [16_400, 3]]) {
        const opener = createOpenEnvelopeStream(c.open);
        const opened = await drain(source(split(envelope, sizes)).pipeThrough(opener));
        expect(opened.error).toBeUndefined();
        expect(opened.out).toEqual(plaintext);
        const result = await opener.result;
        expect(result.header.contentType).toBe('blob');
        if (c.seal.signer) expect(result.signerKid).toEqual(signer.kid);
      }
    }
  });

  it('a stream-sealed envelope is byte-identical to the whole-message one', async () => {
    // Not random at all: only to give both writers the same bytes.
    const counter = (): RandomSource => {
      let next = 0;
      return (length) => Uint8Array.from({ length }, () => next++ & 0xff);
    };
    for (const c of cases) {
      const whole = await sealEnvelopeWith(plaintext, c.seal, counter());
      const streamed = await drain(
        source(split(plaintext, [3000, 40_000])).pipeThrough(
          createSealEnvelopeStreamWith(c.seal, counter()),
        ),
      );
      expect(streamed.out).toEqual(whole);
    }
  });

  it('fails at once on a bad header, before any body arrives', async () => {
    const envelope = await sealEnvelope(plaintext, cases[0]!.seal);
    const opener = createOpenEnvelopeStream(cases[0]!.open);
    const bad = envelope.slice(0, 40);
    bad[7] = 0x80;
    // The source never ends: the stream must fail on the header alone.
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bad);
      },
    });
    const { error } = await drain(endless.pipeThrough(opener));
    expect(error).toMatchObject({ code: 'bad_flags' });
    await expect(opener.result).rejects.toMatchObject({ code: 'bad_flags' });
  });

  it('seals an empty stream', async () => {
    const sealed = await drain(source([]).pipeThrough(createSealEnvelopeStream(cases[0]!.seal)));
    expect((await openEnvelope(sealed.out, cases[0]!.open)).plaintext).toEqual(new Uint8Array(0));
  });

  it('releases only authentic chunks and errors on a modified chunk', async () => {
    const envelope = await sealEnvelope(plaintext, cases[0]!.seal);
    const tampered = envelope.slice();
    tampered[30 + 56 + 16_400 + 10]! ^= 1; // inside the second chunk
    const opener = createOpenEnvelopeStream(cases[0]!.open);
    const { out, error } = await drain(source(split(tampered, [4096])).pipeThrough(opener));
    expect(error).toBeInstanceOf(DecryptionError);
    expect(out.length).toBeLessThanOrEqual(16_384);
    expect(out).toEqual(plaintext.subarray(0, out.length));
    await expect(opener.result).rejects.toThrow(DecryptionError);
  });

  it('errors at the end of a SIGNED stream whose footer does not verify', async () => {
    const c = cases[1]!;
    const envelope = await sealEnvelope(plaintext, c.seal);
    const forged = envelope.slice();
    forged[forged.length - 1]! ^= 1;
    const opener = createOpenEnvelopeStream(c.open);
    const { error } = await drain(source([forged]).pipeThrough(opener));
    expect(error).toBeInstanceOf(DecryptionError);
    const untrusted = createOpenEnvelopeStream({ ...c.open, trustedSigners: [] });
    expect((await drain(source([envelope]).pipeThrough(untrusted))).error).toBeInstanceOf(
      KeyNotFoundError,
    );
    const cut = createOpenEnvelopeStream(c.open);
    expect(
      (await drain(source([envelope.subarray(0, 200)]).pipeThrough(cut))).error,
    ).toBeInstanceOf(EnvelopeFormatError);
  });

  it('rejects trailing data and truncation at a chunk boundary', async () => {
    const envelope = await sealEnvelope(plaintext, cases[0]!.seal);
    for (const bad of [
      concatBytes(envelope, new Uint8Array([0])),
      envelope.subarray(0, 30 + 56 + 16_400),
    ]) {
      const { error } = await drain(
        source([bad]).pipeThrough(createOpenEnvelopeStream(cases[0]!.open)),
      );
      expect(error).toBeInstanceOf(DecryptionError);
    }
  });
});

describe('envelope range reads', () => {
  it('reads any range of a DIRECT blob and authenticates what it reads', async () => {
    const envelope = await sealEnvelope(plaintext, cases[0]!.seal);
    let fetched = 0;
    const from = (bytes: Uint8Array) => ({
      size: bytes.length,
      read: async (offset: number, length: number) => {
        fetched += length;
        return bytes.slice(offset, offset + length);
      },
    });
    const reader = await createEnvelopeRangeReader(from(envelope), cases[0]!.open);
    expect(reader.plaintextLength).toBe(plaintext.length);
    fetched = 0;
    expect(await reader.read(40_000, 100)).toEqual(plaintext.subarray(40_000, 40_100));
    expect(fetched).toBeLessThanOrEqual(16_400);
    expect(await reader.read(0, plaintext.length)).toEqual(plaintext);
    await reader.verifyLength();

    const tampered = envelope.slice();
    tampered[30 + 56 + 5]! ^= 1;
    const damaged = await createEnvelopeRangeReader(from(tampered), cases[0]!.open);
    expect(await damaged.read(20_000, 10)).toEqual(plaintext.subarray(20_000, 20_010));
    await expect(damaged.read(0, 10)).rejects.toThrow(DecryptionError);
    await expect(
      createEnvelopeRangeReader(from(envelope), { ...cases[0]!.open, context: bytes(2, 2) }),
    ).rejects.toThrow(DecryptionError);
    await expect(
      createEnvelopeRangeReader(from(envelope), { ...cases[0]!.open, requireSignature: true }),
    ).rejects.toMatchObject({ code: 'bad_argument' });
  });
});
