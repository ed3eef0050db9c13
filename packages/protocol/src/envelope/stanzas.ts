import { concatBytes, constantTimeEqual, u16be, u32be, wipe } from '../bytes.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../cobblestone/whole-message.ts';
import { DecryptionError, KeyNotFoundError } from '../errors.ts';
import { ARGON2ID_FLOOR } from '../primitives/argon2id.ts';
import {
  DEK_SIZE,
  KID_SIZE,
  PASSPHRASE_SALT_SIZE,
  STANZA_PASSPHRASE,
  STANZA_SYMMETRIC,
  STANZA_X25519,
} from './constants.ts';
import { wrapContext } from './contexts.ts';
import type { Stanza } from './header-types.ts';
import type { OpenEnvelopeOptions, Recipient } from './options.ts';
import { passphraseKek } from './passphrase.ts';
import type { RandomSource } from './random-source.ts';
import { unwrapX25519, wrapX25519 } from './stanza-x25519.ts';

/** Wire bytes of one stanza: `type u8 ‖ argsLen u16 ‖ args ‖ bodyLen u16 ‖ body`. */
export function encodeStanza(typeByte: number, args: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(
    new Uint8Array([typeByte]),
    u16be(args.length),
    args,
    u16be(body.length),
    body,
  );
}

function kid16(kid: Uint8Array): Uint8Array {
  if (kid.length !== KID_SIZE) throw new RangeError('kid must be 16 bytes');
  return kid;
}

/** Wrap the DEK for one recipient, bound to the fixed header (which includes stanzaCount). */
export async function wrapForRecipient(
  recipient: Recipient,
  fixedHeader: Uint8Array,
  dek: Uint8Array,
  random: RandomSource,
): Promise<Uint8Array> {
  switch (recipient.type) {
    case 'symmetric': {
      const args = kid16(recipient.kid);
      const context = wrapContext(fixedHeader, STANZA_SYMMETRIC, args);
      const body = await cobblestoneSeal(recipient.key, context, dek, { salt: random(24) });
      return encodeStanza(STANZA_SYMMETRIC, args, body);
    }
    case 'x25519': {
      const args = kid16(recipient.kid);
      const context = wrapContext(fixedHeader, STANZA_X25519, args);
      const body = await wrapX25519(
        recipient.publicKey,
        context,
        dek,
        random.deterministic ? random(32) : undefined,
      );
      return encodeStanza(STANZA_X25519, args, body);
    }
    case 'passphrase': {
      const params = recipient.params ?? ARGON2ID_FLOOR;
      const args = concatBytes(
        random(PASSPHRASE_SALT_SIZE),
        u32be(params.memoryKiB),
        new Uint8Array([params.iterations, params.parallelism]),
      );
      const kek = await passphraseKek(
        recipient.passphrase,
        args.subarray(0, PASSPHRASE_SALT_SIZE),
        params,
      );
      const context = wrapContext(fixedHeader, STANZA_PASSPHRASE, args);
      const body = await cobblestoneSeal(kek, context, dek, { salt: random(24) });
      wipe(kek);
      return encodeStanza(STANZA_PASSPHRASE, args, body);
    }
  }
}

function findByKid<T extends { kid: Uint8Array }>(
  list: ReadonlyArray<T> | undefined,
  kid: Uint8Array,
): T | undefined {
  return list?.find((entry) => constantTimeEqual(entry.kid, kid));
}

/**
 * Recover the DEK from the first stanza the caller holds a key for and that
 * unwraps. Unknown stanza types are skipped. No usable stanza: KeyNotFoundError;
 * usable stanzas that all fail: DecryptionError.
 */
export async function unwrapDek(
  stanzas: ReadonlyArray<Stanza>,
  fixedHeader: Uint8Array,
  options: OpenEnvelopeOptions,
): Promise<{ dek: Uint8Array; kid: Uint8Array | undefined }> {
  let attempted = false;
  for (const stanza of stanzas) {
    if (stanza.kind === 'unknown') continue;
    const context = wrapContext(fixedHeader, stanza.typeByte, stanza.args);
    let attempt: (() => Promise<Uint8Array>) | undefined;
    if (stanza.kind === 'symmetric') {
      const kek = findByKid(options.keks, stanza.kid);
      if (kek) attempt = () => cobblestoneOpen(kek.key, context, stanza.body);
    } else if (stanza.kind === 'x25519') {
      const key = findByKid(options.x25519Keys, stanza.kid);
      if (key) attempt = () => unwrapX25519(key.privateKey, context, stanza.body);
    } else if (options.passphrase !== undefined) {
      const passphrase = options.passphrase;
      attempt = async () => {
        const kek = await passphraseKek(passphrase, stanza.salt, stanza.params);
        try {
          return await cobblestoneOpen(kek, context, stanza.body);
        } finally {
          wipe(kek);
        }
      };
    }
    if (!attempt) continue;
    attempted = true;
    try {
      const dek = await attempt();
      if (dek.length === DEK_SIZE) {
        return { dek, kid: stanza.kind === 'passphrase' ? undefined : stanza.kid };
      }
    } catch {
      // Try the next stanza; the failure is reported uniformly below.
    }
  }
  if (attempted) throw new DecryptionError();
  throw new KeyNotFoundError();
}
