import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../src/bytes.ts';
import { decodeArmor, encodeArmor } from '../src/envelope/armor.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import type { OpenEnvelopeOptions, SealEnvelopeOptions } from '../src/envelope/options.ts';
import { sealEnvelope } from '../src/envelope/seal.ts';
import { CofferProtocolError } from '../src/errors.ts';
import { bytes, signerFixture, vaultKey, x25519Fixture } from './envelope-helpers.ts';

type Fixture = {
  name: string;
  seal: (context: Uint8Array) => SealEnvelopeOptions;
  open: (context: Uint8Array) => OpenEnvelopeOptions;
};

const kek = { kid: bytes(16, 50), key: bytes(32, 51) };
const fixtures: Fixture[] = [];

beforeAll(async () => {
  const signer = await signerFixture();
  const alice = await x25519Fixture();
  const trustedSigners = [{ kid: signer.kid, publicKey: signer.publicKey }];
  fixtures.push(
    {
      name: 'DIRECT',
      seal: (context) => ({ contentType: 'record', context, key: vaultKey }),
      open: (context) => ({ context, keys: [vaultKey] }),
    },
    {
      name: 'DIRECT SIGNED',
      seal: (context) => ({ contentType: 'vault-head', context, key: vaultKey, signer }),
      open: (context) => ({ context, keys: [vaultKey], trustedSigners, requireSignature: true }),
    },
    {
      name: 'WRAPPED X25519 + SYMMETRIC, SIGNED',
      seal: (context) => ({
        contentType: 'key-grant',
        context,
        epoch: 2,
        signer,
        recipients: [
          { type: 'x25519', kid: alice.kid, publicKey: alice.publicKey },
          { type: 'symmetric', ...kek },
        ],
      }),
      open: (context) => ({ context, keks: [kek], trustedSigners, requireSignature: true }),
    },
  );
});

const runs = { numRuns: 15 };

/** Opening must fail with a protocol error; a wrong plaintext is never returned. */
async function expectRejected(envelope: Uint8Array, options: OpenEnvelopeOptions): Promise<void> {
  const outcome = await openEnvelope(envelope, options).then(
    () => 'opened',
    (error: unknown) => (error instanceof CofferProtocolError ? 'rejected' : String(error)),
  );
  expect(outcome).toBe('rejected');
}

describe('envelope properties', () => {
  it('round-trips any plaintext and context in every mode', async () => {
    for (const fixture of fixtures) {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 20_000 }),
          fc.uint8Array({ maxLength: 64 }),
          async (plaintext, context) => {
            const envelope = await sealEnvelope(plaintext, fixture.seal(context));
            const opened = await openEnvelope(envelope, fixture.open(context));
            expect(opened.plaintext).toEqual(plaintext);
            expect(decodeArmor(encodeArmor(envelope))).toEqual(envelope);
          },
        ),
        { numRuns: 8 },
      );
    }
  });

  it('rejects any single-bit flip, truncation or extension', async () => {
    for (const fixture of fixtures) {
      const context = bytes(12, 3);
      const envelope = await sealEnvelope(bytes(17_000, 1), fixture.seal(context));
      const options = fixture.open(context);
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: envelope.length * 8 - 1 }), async (bit) => {
          const flipped = envelope.slice();
          flipped[bit >> 3]! ^= 1 << (bit & 7);
          await expectRejected(flipped, options);
        }),
        runs,
      );
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: envelope.length - 1 }), async (length) => {
          await expectRejected(envelope.subarray(0, length), options);
        }),
        runs,
      );
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 20_000 }), async (extra) => {
          await expectRejected(concatBytes(envelope, extra), options);
        }),
        runs,
      );
    }
  });

  it('flipping every header bit of a small WRAPPED envelope is rejected', async () => {
    const fixture = fixtures[2]!;
    const context = bytes(4, 3);
    const envelope = await sealEnvelope(bytes(5, 1), fixture.seal(context));
    const options = fixture.open(context);
    // Header bits exhaustively: the parser, the wrap contexts and the body context all bind them.
    const headerLength = 30 + (5 + 16 + 80) + (5 + 16 + 104);
    for (let bit = 0; bit < headerLength * 8; bit += 3) {
      const flipped = envelope.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      await expectRejected(flipped, options);
    }
  });

  it('rejects a wrong context, kid, epoch or key', async () => {
    const fixture = fixtures[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 32 }),
        fc.uint8Array({ maxLength: 32 }),
        fc.constantFrom('context', 'kid', 'epoch', 'key'),
        async (context, otherContext, what) => {
          fc.pre(what !== 'context' || toKey(context) !== toKey(otherContext));
          const envelope = await sealEnvelope(bytes(100, 0), fixture.seal(context));
          const key = {
            kid: what === 'kid' ? bytes(16, 200) : vaultKey.kid,
            epoch: what === 'epoch' ? vaultKey.epoch + 1 : vaultKey.epoch,
            key: what === 'key' ? bytes(32, 201) : vaultKey.key,
          };
          await expectRejected(envelope, {
            context: what === 'context' ? otherContext : context,
            keys: [key],
          });
        },
      ),
      { numRuns: 20 },
    );
  });
});

function toKey(value: Uint8Array): string {
  return Array.from(value).join(',');
}
