import { openMessage } from '../cobblestone/whole-message.ts';
import { bodyContext } from './contexts.ts';
import { parseEnvelopeHeader } from './header-parse.ts';
import { checkExpectations, obtainInputKey } from './input-key.ts';
import type { OpenEnvelopeOptions, OpenedEnvelope } from './options.ts';
import { selectTrustedSigner, sha512, verifyFooter } from './signature.ts';

/**
 * Open a whole Coffer envelope v1 in the normative reading order: parse with
 * hard limits, check version/suite, obtain the key, rebuild the context from
 * the header and the caller's appContext, check the commitment and every
 * chunk, then (SIGNED) verify the footer against a trusted key.
 *
 * @example
 * const { plaintext } = await openEnvelope(envelope, {
 *   context: recordAppContext(vaultId, recordId),
 *   keys: [{ kid, epoch: 1, key: vaultKey }],
 *   contentType: 'record',
 * });
 */
export async function openEnvelope(
  envelope: Uint8Array,
  options: OpenEnvelopeOptions,
): Promise<OpenedEnvelope> {
  const info = parseEnvelopeHeader(envelope, options.accept);
  checkExpectations(info, options);
  const trusted = selectTrustedSigner(info, info.signerKid, options);
  // DIRECT keys and the node:crypto backend answer synchronously: records
  // then pay for no promise beyond the one this function returns.
  const obtained = obtainInputKey(info, options);
  const { inputKey, kid } = obtained instanceof Promise ? await obtained : obtained;
  const bodyEnd = info.headerLength + info.bodyLength;
  const opened = openMessage(
    inputKey,
    bodyContext(info.headerBytes, options.context),
    envelope.subarray(info.headerLength, bodyEnd),
  );
  const plaintext = opened instanceof Promise ? await opened : opened;
  const result: OpenedEnvelope = {
    plaintext,
    mode: info.mode,
    contentType: info.contentType,
    epoch: info.epoch,
    kid: kid?.slice(),
    signed: info.signed,
  };
  if (trusted) {
    await verifyFooter(
      trusted.publicKey,
      await sha512(envelope.subarray(0, bodyEnd)),
      envelope.subarray(bodyEnd),
    );
    result.signerKid = trusted.kid.slice();
  }
  return result;
}
