import { concatBytes } from '../bytes.ts';
import { cobblestoneSeal } from '../cobblestone/whole-message.ts';
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
  const { header, inputKey } = await prepareEnvelope(options, random);
  const body = await cobblestoneSeal(inputKey, bodyContext(header, options.context), plaintext, {
    salt: random(24),
  });
  if (!options.signer) return concatBytes(header, body);
  const footer = await signFooter(options.signer, await sha512(concatBytes(header, body)));
  return concatBytes(header, body, footer);
}
