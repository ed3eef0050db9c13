/**
 * Wire schemas built on first use. Building every zod schema of the wire
 * protocol when the module loads cost a CLI command 25-45 ms of its cold
 * start (zod attaches dozens of methods to each schema and each `.meta()`,
 * `.min()` or `.max()` is another schema), while `coffer get` on a warm
 * replica parses none of them and a server route parses two or three.
 */
import { z } from 'zod';

/**
 * A schema that `build` makes the first time anything touches it. It is a
 * stand-in for the built schema: the same methods (`parse`, `safeParse`,
 * `.optional()`, ...), `instanceof`, and composition into other schemas.
 * Its metadata (`.meta()`: names and descriptions) is the stand-in's too.
 *
 * @example
 * export const HexId = lazySchema(() => z.string().regex(/^[0-9a-f]{32}$/));
 * HexId.safeParse('00'.repeat(16)).success; // true (built on this first use)
 */
export function lazySchema<T extends z.ZodType>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => {
    if (built === undefined) {
      built = build();
      // zod finds metadata (names and descriptions for the OpenAPI document)
      // by identity, and every other schema holds the stand-in.
      const meta = z.globalRegistry.get(built);
      if (meta !== undefined) z.globalRegistry.add(standIn, meta);
      if (meta?.id !== undefined) {
        // The name is the stand-in's alone: a schema derived through a
        // method (`Named.nullable()`) wraps the built one, and two schemas
        // of one name in one document are an error to zod.
        const { id: _id, ...rest } = meta;
        z.globalRegistry.remove(built).add(built, rest);
      }
    }
    return built;
  };
  const standIn: T = new Proxy({} as T, {
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
    set: (_, key, value) => Reflect.set(real(), key, value),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    ownKeys: () => Reflect.ownKeys(real()),
    // Reported configurable: a proxy may not claim a non-configurable
    // property (zod's `_zod`) that its own empty target lacks.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  return standIn;
}
