import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastPullPage, PullPage, PullPageParser } from './pull-page.ts';

const id = (c: string) => c.repeat(32);
const change = (seq: number): Record<string, unknown> => ({
  seq,
  recordId: id('a'),
  revision: 1,
  epoch: 1,
  envelope: 'cfr1.AAAA',
  deleted: false,
  authorId: id('b'),
});
const page = (
  changes: unknown[] = [change(1), { ...change(2), envelope: null, deleted: true }],
) => ({
  changes,
  nextCursor: 2,
  hasMore: false,
});

/** Values a hostile or broken server could put in any field. */
const odd = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, Number.NaN, '', id('A'), id('a'), 'x'),
  fc.integer(),
  fc.string(),
  fc.constant({}),
  fc.constant([]),
  fc.constant('a'.repeat(350_001)),
);
const keys = ['seq', 'recordId', 'revision', 'epoch', 'envelope', 'deleted', 'authorId', 'extra'];

describe('fastPullPage', () => {
  it('vouches for a well-formed page and hands it back uncopied', () => {
    const json = page();
    expect(fastPullPage(json)).toBe(json);
    expect(PullPage.parse(json)).toEqual(json);
  });

  it('leaves to zod what zod refuses: extra or missing keys, bad numbers, ids, lengths, holes', () => {
    const bad: unknown[] = [
      null,
      [],
      { ...page(), extra: 1 },
      { changes: [], hasMore: false },
      { ...page(), nextCursor: -1 },
      { ...page(), nextCursor: 1.5 },
      { ...page(), hasMore: 'no' },
      page([{ ...change(1), extra: 1 }]),
      page([{ ...change(1), seq: 2 ** 53 }]),
      page([{ ...change(1), revision: 0 }]),
      page([{ ...change(1), epoch: 2 ** 32 }]),
      page([{ ...change(1), recordId: id('A') }]),
      page([{ ...change(1), authorId: `${id('a')}\n` }]),
      page([{ ...change(1), envelope: 'a'.repeat(350_001) }]),
      page([{ ...change(1), deleted: 0 }]),
      page([Object.assign(Object.create({ inherited: 1 }), change(1))]),
      page(new Array(2)),
      JSON.parse('{"changes":[],"nextCursor":0,"hasMore":false,"__proto__":{}}'),
    ];
    for (const json of bad) {
      expect(fastPullPage(json), JSON.stringify(json)?.slice(0, 80)).toBeUndefined();
    }
  });

  it('never accepts what the zod schema refuses, and accepts the same data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom(...keys),
            drop: fc.boolean(),
            value: odd,
          }),
          { maxLength: 4 },
        ),
        fc.integer({ min: 0, max: 2 }),
        (edits, at) => {
          const changes = [change(1), change(2), change(3)];
          const target = changes[at]!;
          for (const e of edits) {
            if (e.drop) delete target[e.key];
            else target[e.key] = e.value;
          }
          const json = page(changes);
          const fast = fastPullPage(json);
          const zod = PullPage.safeParse(json);
          if (fast) {
            expect(zod.success).toBe(true);
            expect(fast).toEqual(zod.data);
          }
          expect(PullPageParser.safeParse(json).success).toBe(zod.success);
        },
      ),
      { numRuns: 300 },
    );
  });
});
