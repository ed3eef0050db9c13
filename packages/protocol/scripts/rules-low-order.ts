import { concatBytes, fromHex, utf8 } from '../src/bytes.ts';
import { cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { bodyContext, wrapContext } from '../src/envelope/contexts.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { encodeStanza } from '../src/envelope/stanzas.ts';
import { aes256GcmEncrypt } from '../src/primitives/aes-gcm.ts';
import { x25519PublicKey } from '../src/primitives/x25519.ts';
import { baseKeySchedule, kemSharedSecret, suiteId } from '../test/hpke-reference.ts';
import { invalidCase } from './golden-case.ts';
import { type Fixture, seal } from './golden-fixtures.ts';
import type { RuleEnvelopeCase } from './rules-case.ts';

/**
 * SPEC.md 14.3: the small-order encodings (top bit of byte 31 clear). Written
 * out from SPEC rather than imported from src/primitives/x25519-low-order.ts:
 * the vectors must not inherit a point missing from the implementation's list.
 */
export const LOW_ORDER_POINTS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

/**
 * The X25519 stanza body that anyone can forge for a low-order `enc`: the
 * DH output is then all zero whatever the recipient's key, so the HPKE key
 * schedule is computable without it. A reader that skips the checks of 14.3
 * unwraps `dek` from this body.
 */
export async function forgedStanzaBody(
  enc: Uint8Array,
  recipientPublicKey: Uint8Array,
  aad: Uint8Array,
  dek: Uint8Array,
): Promise<Uint8Array> {
  const shared = await kemSharedSecret(new Uint8Array(32), concatBytes(enc, recipientPublicKey));
  const schedule = await baseKeySchedule(
    suiteId(0x0020, 0x0001, 0x0002),
    shared,
    utf8('coffer/v1/hpke'),
    32,
  );
  return concatBytes(enc, await aes256GcmEncrypt(schedule.key, schedule.baseNonce, dek, aad));
}

/**
 * Low-order `enc` (SPEC.md 5, 14.3): WRAPPED blobs whose only X25519 stanza
 * carries a small-order `enc` (each of the 7 encodings, and each with the
 * top bit of byte 31 set) and a ciphertext forged under the all-zero shared
 * secret; the body is really sealed under the forged DEK. A conforming reader
 * fails with DecryptionError; one without the checks would open them. A
 * control case sealed normally to the same recipient opens.
 */
export async function lowOrderCases(f: Fixture): Promise<RuleEnvelopeCase[]> {
  const r = f.random;
  const context = r(20);
  const recipient = { kid: r(16), privateKey: r(32) } as {
    kid: Uint8Array;
    privateKey: Uint8Array;
    publicKey: Uint8Array;
  };
  recipient.publicKey = await x25519PublicKey(recipient.privateKey);
  const control = await seal(
    f,
    'control: the same recipient, a normal ephemeral key',
    r(40),
    {
      contentType: 'blob',
      context,
      recipients: [{ type: 'x25519', kid: recipient.kid, publicKey: recipient.publicKey }],
    },
    { x25519Keys: [recipient] },
  );
  const out: RuleEnvelopeCase[] = [{ ...control.case, group: 'low-order-enc' }];
  const fixed = encodeFixedHeader(0x01, false, 0x02, 0, new Uint8Array(16), 1);
  const aad = wrapContext(fixed, 0x02, recipient.kid);
  for (const topBit of [false, true]) {
    for (const hex of LOW_ORDER_POINTS) {
      const enc = fromHex(hex);
      if (topBit) enc[31]! |= 0x80;
      const dek = r(32);
      const stanza = encodeStanza(
        0x02,
        recipient.kid,
        await forgedStanzaBody(enc, recipient.publicKey, aad, dek),
      );
      const header = concatBytes(fixed, stanza);
      const body = await cobblestoneSeal(dek, bodyContext(header, context), r(24), { salt: r(24) });
      out.push({
        ...invalidCase(
          `enc ${hex.slice(0, 8)}…${topBit ? ' with the top bit set' : ''}, ciphertext forged under the zero shared secret`,
          control.base,
          control.credentials,
          concatBytes(header, body),
          'DecryptionError',
        ),
        group: 'low-order-enc',
      });
    }
  }
  return out;
}
