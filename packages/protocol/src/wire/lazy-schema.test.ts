import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

describe('lazySchema', () => {
  it('builds on first use, once', () => {
    let builds = 0;
    const Id = lazySchema(() => {
      builds++;
      return z.string().regex(/^[0-9a-f]{4}$/);
    });
    expect(builds).toBe(0);
    expect(Id.safeParse('00ff').success).toBe(true);
    expect(Id.safeParse('00FF').success).toBe(false);
    expect(() => Id.parse(7)).toThrow(z.ZodError);
    expect(builds).toBe(1);
  });

  it('stands in for the schema: instanceof, methods, composition', () => {
    const Count = lazySchema(() => z.int().min(0));
    expect(Count instanceof z.ZodType).toBe(true);
    expect(Count.optional().parse(undefined)).toBeUndefined();
    const Page = z.strictObject({ counts: z.array(Count), next: Count.nullable() });
    expect(Page.parse({ counts: [1, 2], next: null })).toEqual({ counts: [1, 2], next: null });
    expect(Page.safeParse({ counts: [-1], next: null }).success).toBe(false);
    const Extended = lazySchema(() => Page.extend({ more: z.boolean() }));
    expect(Extended.safeParse({ counts: [], next: 3, more: true }).success).toBe(true);
    expect(Object.keys(Extended.shape)).toEqual(['counts', 'next', 'more']);
  });

  it('keeps the name of a named schema where another one uses it (OpenAPI $ref)', () => {
    const Named = lazySchema(() =>
      z.strictObject({ id: z.string() }).meta({ id: 'LazySchemaTestNamed' }),
    );
    const Outer = lazySchema(() => z.strictObject({ a: Named, b: Named.nullable() }));
    const json = z.toJSONSchema(Outer, { target: 'draft-2020-12' }) as unknown as {
      properties: { a: { $ref?: string }; b: { anyOf?: unknown[] } };
      $defs?: Record<string, unknown>;
    };
    expect(json.properties.a.$ref).toBe('#/$defs/LazySchemaTestNamed');
    expect(json.$defs?.LazySchemaTestNamed).toBeDefined();
    // Derived through a method: from the built schema, which has no name (no duplicate).
    expect(json.properties.b.anyOf).toHaveLength(2);
  });

  it('loading the protocol builds none of its wire schemas', () => {
    // A fresh process: this one may have built them for other tests. Named
    // schemas register their id when built, so none may be registered yet.
    const index = fileURLToPath(new URL('../index.ts', import.meta.url));
    const code = `await import(${JSON.stringify(index)});
      const { z } = await import('zod');
      console.log(JSON.stringify([...z.globalRegistry._idmap.keys()]));`;
    const child = spawnSync(
      process.execPath,
      ['--conditions=@coffer/source', '--input-type=module', '-e', code],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) },
    );
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual([]);
  });
});
