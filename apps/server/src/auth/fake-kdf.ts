/**
 * Prelogin answers for unknown usernames: a salt derived from a server secret,
 * so the same name always gets the same salt, with the parameters clients
 * create accounts with (the protocol's default, the commonest real value), so
 * the answer looks like a real account's.
 */
import { createHmac } from 'node:crypto';
import { DEFAULT_KDF_PARAMS, type Kdf } from '../protocol.ts';

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
  return {
    salt: mac.subarray(0, 16).toString('base64url'),
    params: {
      algorithm: 'argon2id',
      memoryKiB: DEFAULT_KDF_PARAMS.memoryKiB,
      iterations: DEFAULT_KDF_PARAMS.iterations,
      parallelism: DEFAULT_KDF_PARAMS.parallelism,
    },
  };
}
