import { randomBytes } from '../primitives/random.ts';

/**
 * Where the writer's random bytes come from. Production code uses the CSPRNG;
 * only the golden-vector generator injects a seeded one (marked `deterministic`,
 * which also makes HPKE derive its ephemeral key from it).
 */
export type RandomSource = ((length: number) => Uint8Array) & { deterministic?: true };

/** The WebCrypto CSPRNG. */
export const systemRandom: RandomSource = (length) => randomBytes(length);
