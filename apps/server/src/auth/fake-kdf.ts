/**
 * Prelogin answers for unknown usernames: a salt derived from a server secret,
 * so the same name always gets the same salt and the answer looks like a real
 * account's. Parameters are the client default, the commonest real value.
 */
import { createHmac } from 'node:crypto';
import type { Kdf } from '../protocol.ts';

/** The parameters clients create accounts with (must follow the client's default). */
export const DEFAULT_KDF_PARAMS = {
  algorithm: 'argon2id',
  memoryKiB: 65_536,
  iterations: 3,
  parallelism: 1,
} as const;

/**
 * A deterministic fake salt for `username`.
 *
 * @example
 * fakeKdf(secret, 'mallory') // same salt every time, indistinguishable from random
 */
export function fakeKdf(serverSecret: Uint8Array, username: string): Kdf {
  const mac = createHmac('sha256', serverSecret)
    .update('coffer/v1/fake-salt\0')
    .update(username, 'utf8')
    .digest();
  return { salt: mac.subarray(0, 16).toString('base64url'), params: { ...DEFAULT_KDF_PARAMS } };
}
