import { concatBytes, toHex } from '../src/bytes.ts';
import { cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { encodeArmor } from '../src/envelope/armor.ts';
import { bodyContext } from '../src/envelope/contexts.ts';
import { encodeFixedHeader } from '../src/envelope/prepare.ts';
import { encodeStanza, wrapForRecipient } from '../src/envelope/stanzas.ts';
import { credentialFields, type GoldenCase } from './golden-case.ts';
import type { Fixture } from './golden-fixtures.ts';

/**
 * A WRAPPED record whose first stanza has an unknown type (0x7f, as a later
 * version might add): readers must skip it and use the SYMMETRIC stanza.
 * Built by hand because writers never emit unknown stanzas.
 */
export async function unknownStanzaEnvelope(
  f: Fixture,
  plaintext: Uint8Array,
): Promise<GoldenCase> {
  const context = f.random(20);
  const fixed = encodeFixedHeader(0x01, false, 0x01, 2, new Uint8Array(16), 2);
  const dek = f.random(32);
  const unknown = encodeStanza(0x7f, f.random(7), f.random(33));
  const symmetric = await wrapForRecipient({ type: 'symmetric', ...f.kek }, fixed, dek, f.random);
  const header = concatBytes(fixed, unknown, symmetric);
  const body = await cobblestoneSeal(dek, bodyContext(header, context), plaintext, {
    salt: f.random(24),
  });
  return {
    name: 'wrapped record, unknown stanza type 0x7f first (skipped), then SYMMETRIC',
    mode: 'wrapped',
    contentType: 'record',
    signed: false,
    context: '',
    ...credentialFields({ context, keks: [f.kek] }),
    epoch: 2,
    plaintext: toHex(plaintext),
    envelope: encodeArmor(concatBytes(header, body)),
    result: 'valid',
  };
}
