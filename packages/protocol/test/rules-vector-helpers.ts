import { expect } from 'vitest';
import type { GoldenCase } from '../scripts/golden-case.ts';
import type { KeyGrantCase } from '../scripts/rules-case.ts';
import { concatBytes, fromHex, toHex, u16be, utf8 } from '../src/bytes.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { keyGrantAppContext } from '../src/envelope/app-contexts.ts';
import { bodyContext, wrapContext } from '../src/envelope/contexts.ts';
import { parseEnvelopeHeader } from '../src/envelope/header-parse.ts';
import { openEnvelope } from '../src/envelope/open.ts';
import type { OpenEnvelopeOptions, OpenedEnvelope } from '../src/envelope/options.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { sha512, signFooter } from '../src/envelope/signature.ts';
import { DecryptionError, EnvelopeFormatError, KeyNotFoundError } from '../src/errors.ts';
import { aes256GcmDecrypt, aes256GcmEncrypt } from '../src/primitives/aes-gcm.ts';
import { x25519, x25519PublicKey } from '../src/primitives/x25519.ts';
import { baseKeySchedule, kemSharedSecret, suiteId } from './hpke-reference.ts';

export const ERRORS = { EnvelopeFormatError, KeyNotFoundError, DecryptionError };

/** The error a promise rejects with (undefined if it resolves). */
export function failure(run: () => Promise<unknown> | unknown): Promise<unknown> {
  return (async () => run())().then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Reader options of an envelope case (fields as in envelope-v1.json). */
export function optionsOf(c: GoldenCase): OpenEnvelopeOptions {
  const options: OpenEnvelopeOptions = { context: fromHex(c.context) };
  if (c.key)
    options.keys = [{ kid: fromHex(c.key.kid), epoch: c.key.epoch, key: fromHex(c.key.key) }];
  if (c.keks) options.keks = c.keks.map((k) => ({ kid: fromHex(k.kid), key: fromHex(k.key) }));
  if (c.x25519Keys) {
    options.x25519Keys = c.x25519Keys.map((k) => ({
      kid: fromHex(k.kid),
      privateKey: fromHex(k.privateKey),
    }));
  }
  if (c.passphrase !== undefined) options.passphrase = c.passphrase;
  if (c.trustedSigners) {
    options.trustedSigners = c.trustedSigners.map((s) => ({
      kid: fromHex(s.kid),
      publicKey: fromHex(s.publicKey),
    }));
  }
  if (c.requireSignature) options.requireSignature = true;
  if (c.expectContentType) options.contentType = c.expectContentType;
  return options;
}

/**
 * A valid envelope case: its header says what the case says, and it opens
 * with the case's credentials to its plaintext, reporting its signer.
 */
export async function expectOpensAsStated(
  c: GoldenCase,
  envelope: Uint8Array,
  options: OpenEnvelopeOptions,
): Promise<OpenedEnvelope> {
  const info = parseEnvelopeHeader(envelope);
  expect([info.mode, info.contentType, info.signed, info.epoch]).toEqual([
    c.mode,
    c.contentType,
    c.signed,
    c.epoch,
  ]);
  const opened = await openEnvelope(envelope, options);
  expect(toHex(opened.plaintext)).toBe(c.plaintext);
  expect(opened.signed).toBe(c.signed);
  expect(opened.signerKid && toHex(opened.signerKid)).toBe(c.signerKid);
  return opened;
}

const HPKE_SUITE = suiteId(0x0020, 0x0001, 0x0002);
const HPKE_INFO = utf8('coffer/v1/hpke');

/**
 * What a reader WITHOUT the checks of SPEC.md 14.3 gets from an X25519 stanza
 * whose `enc` has low order: the DH output is then all zero, so the DEK
 * unwraps without the recipient's key. Returns the body's plaintext if that
 * DEK opens it (the vector is a real forgery), else undefined.
 */
export async function openAsNaiveReader(
  envelope: Uint8Array,
  recipientPublicKey: Uint8Array,
  context: Uint8Array,
): Promise<Uint8Array | undefined> {
  const fixed = envelope.subarray(0, 30);
  const kid = envelope.subarray(33, 49);
  const enc = envelope.subarray(51, 83);
  const ct = envelope.subarray(83, 131);
  const shared = await kemSharedSecret(new Uint8Array(32), concatBytes(enc, recipientPublicKey));
  const schedule = await baseKeySchedule(HPKE_SUITE, shared, HPKE_INFO, 32);
  const dek = await aes256GcmDecrypt(
    schedule.key,
    schedule.baseNonce,
    ct,
    wrapContext(fixed, 0x02, kid),
  );
  const header = envelope.subarray(0, 131);
  return cobblestoneOpen(dek, bodyContext(header, context), envelope.subarray(131));
}

/**
 * A key grant rebuilt from the vector's writer inputs by the rules of
 * SPEC.md 5, 8 and 14.9 alone (HPKE from the RFC 9180 reference schedule).
 */
export async function rebuildGrant(c: KeyGrantCase): Promise<Uint8Array> {
  const w = c.writer!;
  const dek = fromHex(w.dek);
  const fixed = encodeFixedHeader(
    0x01,
    true,
    0x03,
    c.epoch,
    new Uint8Array(16),
    w.recipients.length,
  );
  const stanzas: Uint8Array[] = [];
  for (const [i, r] of w.recipients.entries()) {
    const skE = fromHex(w.ephemeralPrivateKeys[i]!);
    const pkR = fromHex(r.x25519PublicKey);
    const enc = await x25519PublicKey(skE);
    const shared = await kemSharedSecret(await x25519(skE, pkR), concatBytes(enc, pkR));
    const schedule = await baseKeySchedule(HPKE_SUITE, shared, HPKE_INFO, 32);
    const kid = fromHex(r.kid);
    const ct = await aes256GcmEncrypt(
      schedule.key,
      schedule.baseNonce,
      dek,
      wrapContext(fixed, 0x02, kid),
    );
    stanzas.push(new Uint8Array([0x02]), u16be(16), kid, u16be(80), enc, ct);
  }
  const header = concatBytes(fixed, ...stanzas);
  const context = keyGrantAppContext(fromHex(c.vaultId), c.epoch);
  const body = await cobblestoneSeal(dek, bodyContext(header, context), fromHex(c.vaultKey!.key), {
    salt: fromHex(w.bodySalt),
  });
  const signed = concatBytes(header, body);
  const signer = { kid: fromHex(w.granter.kid), seed: fromHex(w.granter.ed25519Seed) };
  return concatBytes(signed, await signFooter(signer, await sha512(signed)));
}
