/**
 * The wire schema of a pull page, and a fast path for it. A page of 1 000
 * changes is the one answer a sync parses by the hundred; zod walks and
 * copies every change (about 3 µs a record on the main thread, a tenth of the
 * main thread's work per record in an initial sync). The fast path checks the
 * parsed JSON in place against exactly the same rules and hands it back
 * uncopied; anything it does not accept goes to zod, which stays the one
 * authority on what is valid and says what is not (a pull page is still
 * parsed with its zod schema whenever the fast path does not vouch for it).
 */
import { Change, lazySchema, PullResponse, WIRE_LIMITS } from '@coffer/protocol';
import { z } from 'zod';

/**
 * The protocol's PullResponse with the armor pattern of each envelope left
 * to the strict armor decoder that every pulled envelope goes through anyway
 * (`open-records.ts`: a bad one is refused as `envelope_rejected`). The
 * pattern is the one check that reads every character of the page on the
 * main thread; length limits and every other field are checked here as before.
 */
export const PullPage = lazySchema(() =>
  PullResponse.extend({
    changes: z.array(
      Change.extend({
        envelope: z.string().max(WIRE_LIMITS.maxRecordEnvelopeChars).nullable(),
      }),
    ),
  }),
);
export type PullPage = z.infer<typeof PullPage>;

const HEX_ID = /^[0-9a-f]{32}$/;
const CHANGE_KEYS = ['seq', 'recordId', 'revision', 'epoch', 'envelope', 'deleted', 'authorId'];
const PAGE_KEYS = ['changes', 'nextCursor', 'hasMore'];

type Json = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Json =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

/** Exactly these own keys (zod's strict objects: none missing, none more). */
function hasExactKeys(value: Json, keys: ReadonlyArray<string>): boolean {
  let n = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    n++;
  }
  if (n !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(value, key)) return false;
  return true;
}

const intIn = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

const hexId = (value: unknown): boolean => typeof value === 'string' && HEX_ID.test(value);

function isChange(c: unknown): boolean {
  if (!isPlainObject(c) || !hasExactKeys(c, CHANGE_KEYS)) return false;
  const envelope = c.envelope;
  return (
    intIn(c.seq, 0, Number.MAX_SAFE_INTEGER) &&
    hexId(c.recordId) &&
    intIn(c.revision, 1, Number.MAX_SAFE_INTEGER) &&
    intIn(c.epoch, 0, 0xffff_ffff) &&
    (envelope === null ||
      (typeof envelope === 'string' && envelope.length <= WIRE_LIMITS.maxRecordEnvelopeChars)) &&
    typeof c.deleted === 'boolean' &&
    hexId(c.authorId)
  );
}

/**
 * The page itself when it plainly satisfies {@link PullPage} (the fast path),
 * else undefined: the caller then parses it with the zod schema.
 *
 * @example
 * const page = fastPullPage(json) ?? PullPage.parse(json);
 */
export function fastPullPage(json: unknown): PullPage | undefined {
  if (!isPlainObject(json) || !hasExactKeys(json, PAGE_KEYS)) return undefined;
  const { changes, nextCursor, hasMore } = json;
  if (!Array.isArray(changes) || Object.getPrototypeOf(changes) !== Array.prototype) {
    return undefined;
  }
  if (!intIn(nextCursor, 0, Number.MAX_SAFE_INTEGER) || typeof hasMore !== 'boolean') {
    return undefined;
  }
  for (let i = 0; i < changes.length; i++) {
    // A hole (sparse array) is not a change.
    if (!(i in changes) || !isChange(changes[i])) return undefined;
  }
  return json as PullPage;
}

/**
 * {@link PullPage} with the fast path in front: the same `safeParse` answer.
 *
 * @example
 * const parsed = PullPageParser.safeParse(JSON.parse(text));
 */
export const PullPageParser = {
  safeParse(json: unknown): { success: true; data: PullPage } | { success: false } {
    const fast = fastPullPage(json);
    if (fast) return { success: true, data: fast };
    const parsed = PullPage.safeParse(json);
    return parsed.success ? { success: true, data: parsed.data } : { success: false };
  },
};
