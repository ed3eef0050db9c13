import { Username } from '@coffer/protocol';

/**
 * Usernames are lower-case on the server (two spellings never name two
 * accounts), so "Alice" typed on a phone keyboard means "alice".
 */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * Why a (normalized) username cannot be one, in words, or null when it can.
 * Checked before anything is sent or stored: the server would only answer
 * "invalid input", and a login attempt opens a replica named after it.
 */
export function usernameProblem(username: string): string | null {
  if (Username.safeParse(username).success) return null;
  return 'A username is 3 to 64 characters: lower-case letters, digits, “.”, “_” or “-”, starting with a letter or digit.';
}
