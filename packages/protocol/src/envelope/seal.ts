import { cobblestoneCiphertextLength } from '../cobblestone/layout.ts';
import { cobblestoneSealInto } from '../cobblestone/whole-message.ts';
import { FOOTER_SIZE } from './constants.ts';
import { bodyContext } from './contexts.ts';
import type { SealEnvelopeOptions } from './options.ts';
import { prepareEnvelope } from './prepare.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import { sha512, signFooter } from './signature.ts';

/**
 * Seal a whole message into a Coffer envelope v1: `header ‖ body ‖ footer?`.
 * DIRECT with `key`, WRAPPED with `recipients`; `signer` adds the footer.
 *
 * @example
 * const envelope = await sealEnvelope(plaintext, {
 *   contentType: 'record',
 *   context: recordAppContext(vaultId, recordId),
 *   key: { kid, epoch: 1, key: vaultKey },
 * });
 */
export function sealEnvelope(
  plaintext: Uint8Array,
  options: SealEnvelopeOptions,
): Promise<Uint8Array> {
  return sealEnvelopeWith(plaintext, options, systemRandom);
}

/** {@link sealEnvelope} with an injected random source (golden vectors only; not exported). */
export async function sealEnvelopeWith(
  plaintext: Uint8Array,
  options: SealEnvelopeOptions,
  random: RandomSource,
): Promise<Uint8Array> {
  const prepared = prepareEnvelope(options, random);
  const { header, inputKey } = prepared instanceof Promise ? await prepared : prepared;
  const context = bodyContext(header, options.context);
  const salt = random(24);
  // header ‖ body ‖ footer? written into one buffer: no concatenation copies.
  const bodyEnd = header.length + cobblestoneCiphertextLength(plaintext.length);
  const envelope = new Uint8Array(bodyEnd + (options.signer ? FOOTER_SIZE : 0));
  envelope.set(header);
  const sealing = cobblestoneSealInto(inputKey, context, plaintext, salt, envelope, header.length);
  if (sealing) await sealing;
  if (!options.signer) return envelope;
  const footer = await signFooter(options.signer, await sha512(envelope.subarray(0, bodyEnd)));
  envelope.set(footer, bodyEnd);
  return envelope;
}
