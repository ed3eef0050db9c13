/**
 * The push body as the server parses it: the protocol's `PushRequest` with
 * one difference. The protocol schema checks every envelope's armor with a
 * regular expression; the route decodes each envelope anyway and `dearmor`
 * refuses any text that does not re-encode to itself (foreign characters,
 * padding, non-canonical bits), so the expression proved nothing more and
 * cost ~3.4 µs per 1 KiB envelope, a third of a push's parsing. The same
 * inputs are accepted and refused (tested), always with `validation_failed`.
 * The published schema (`/openapi.json`, clients, mocks) stays the protocol's.
 */
import { z } from 'zod';
import { DeleteMutation, PushRequest, PutMutation, WIRE_LIMITS } from '../protocol.ts';

const PutMutationOnTheEdge = PutMutation.extend({
  // Armor is proven by checkEnvelope (dearmor) on every put; see above.
  envelope: z
    .string()
    .max(
      WIRE_LIMITS.maxRecordEnvelopeChars,
      `envelope must be at most ${WIRE_LIMITS.maxRecordEnvelopeChars} characters of armor`,
    ),
});

/**
 * `PushRequest` for the push route; every envelope it returns must still go
 * through `checkEnvelope`.
 *
 * @example
 * const body = parseInput(PushRequestOnTheEdge, request.body);
 */
export const PushRequestOnTheEdge = PushRequest.extend({
  mutations: z
    .array(z.discriminatedUnion('op', [PutMutationOnTheEdge, DeleteMutation]))
    .min(1)
    .max(WIRE_LIMITS.maxPushBatch),
});
