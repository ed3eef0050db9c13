/**
 * The push answer when every mutation was applied (the common case), written
 * as one string instead of 100 result objects, two filters and
 * JSON.stringify: ~9 instead of ~43 µs for a push of 100. Every value in it
 * is a mutation id the request schema accepted as 32 lower-case hex
 * characters or a safe integer, so nothing needs JSON escaping; the text is
 * identical to `JSON.stringify` of the `PushResponse` (tested). Answers with
 * a conflict or an abort go through the objects as before.
 */
import type { MutationOutcome } from '../storage/contract.ts';

/**
 * The `PushResponse` JSON when every outcome is `applied`; undefined otherwise.
 *
 * @example
 * const text = encodeAllApplied(outcomes); // '{"results":[{"mutationId":"…","status":"applied","revision":1,"seq":7}],"applied":true}'
 */
export function encodeAllApplied(outcomes: ReadonlyArray<MutationOutcome>): string | undefined {
  let text = '{"results":[';
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i] as MutationOutcome;
    if (o.status !== 'applied') return undefined;
    text += `${i === 0 ? '' : ','}{"mutationId":"${o.mutationId}","status":"applied","revision":${o.revision},"seq":${o.seq}}`;
  }
  return `${text}],"applied":true}`;
}
