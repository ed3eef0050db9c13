/**
 * The exact bytes a client signs with its login key to answer a challenge.
 * Domain-separated and length-prefixed so a signature made for one purpose,
 * server, account or challenge is worth nothing for any other.
 */
import { concatBytes, u32be, utf8 } from '../bytes.ts';

/** What a signed challenge authorises. */
export type ChallengePurpose = 'login' | 'change-credentials' | 'delete-account';

/** Inputs of {@link loginChallengeMessage}. */
export interface LoginChallengeInput {
  purpose: ChallengePurpose;
  /** The 32 random challenge bytes from the server. */
  challenge: Uint8Array;
  /** The server origin the challenge names (clients check it is the server they meant). */
  origin: string;
  username: string;
}

const LABEL = utf8('coffer/v1/login');

function field(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32be(bytes.length), bytes);
}

/**
 * Bytes to sign: `"coffer/v1/login" ‖ 0x00 ‖ lp(purpose) ‖ lp(challenge) ‖ lp(origin) ‖ lp(username)`
 * where `lp(x) = u32be(len(x)) ‖ x`.
 *
 * @example
 * const msg = loginChallengeMessage({ purpose: 'login', challenge, origin: 'https://127.0.0.1:8443', username: 'alice' });
 * const signature = await ed25519Sign(loginSeed, msg);
 */
export function loginChallengeMessage(input: LoginChallengeInput): Uint8Array {
  if (input.challenge.length !== 32) throw new RangeError('challenge must be 32 bytes');
  return concatBytes(
    LABEL,
    new Uint8Array([0]),
    field(utf8(input.purpose)),
    field(input.challenge),
    field(utf8(input.origin)),
    field(utf8(input.username)),
  );
}
