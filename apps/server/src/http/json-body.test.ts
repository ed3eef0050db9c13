import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isPoisoned, parseJsonBody } from './json-body.ts';

type Outcome = { error: string } | { value: unknown };

function run(
  parser: (req: never, body: string, done: (e: Error | null, v?: unknown) => void) => void,
  body: string,
): Outcome {
  let outcome: Outcome | undefined;
  parser({} as never, body, (error, value) => {
    outcome = error ? { error: (error as { code?: string }).code ?? 'thrown' } : { value };
  });
  if (!outcome) throw new Error('parser did not call done');
  return outcome;
}

describe('parseJsonBody', () => {
  // Fastify's own default parser, as the app configures it (onProtoPoisoning/onConstructorPoisoning: error).
  const app = Fastify();
  const fastifyDefault = app.getDefaultJsonParser('error', 'error') as unknown as Parameters<
    typeof run
  >[0];

  it('answers every body exactly as Fastify’s default JSON parser', () => {
    const bodies = [
      '{"mutations":[{"op":"put","envelope":"cfr1.Q0ZS"}],"atomic":true}',
      '',
      '{"username": "x',
      '\ufeff{"a":1}',
      '{"a":1}\ufeff',
      '[1,2,{"b":null}]',
      '"just a string"',
      '42',
      'null',
      '{"__proto__":{"x":1}}',
      '{"a":{"b":[{"__proto__":{}}]}}',
      '{"\\u005f\\u005Fproto__":{"x":1}}',
      '{"a":"\\"__proto__\\": 1"}',
      '{"a":"__proto__"}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"x":[{"constructor":{"prototype":null}}]}',
      '{"constructor":{"name":"x"}}',
      '{"constructor":"text"}',
      '{"constructor":null}',
      '{"c\\u006fnstructor":{"prototype":1}}',
      '{"prototype":{"constructor":1}}',
    ];
    for (const body of bodies) {
      expect(run(parseJsonBody as unknown as Parameters<typeof run>[0], body), body).toEqual(
        run(fastifyDefault, body),
      );
    }
  });

  it('finds poisoning at any depth, and nothing in ordinary values', () => {
    expect(isPoisoned(JSON.parse('[[[[{"__proto__":1}]]]]'))).toBe(true);
    expect(isPoisoned(JSON.parse('{"a":{"constructor":{"prototype":{}}}}'))).toBe(true);
    expect(isPoisoned(JSON.parse('{"a":{"constructor":{"proto":{}}}}'))).toBe(false);
    expect(isPoisoned({ a: 'x', b: [1, 'y', null] })).toBe(false);
    expect(isPoisoned('__proto__')).toBe(false);
  });
});
