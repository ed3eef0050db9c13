/** Small runtime-agnostic helpers (the browser entry cannot use Buffer). */
import { randomBytes, toHex } from '@coffer/protocol';

/**
 * Unpadded base64url of bytes.
 *
 * @example
 * base64url(new Uint8Array([255])) // '_w'
 */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes of unpadded base64url text (the schemas already checked its shape). */
export function fromBase64url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A random 16-byte id as 32 lower-case hex digits. */
export function newId(): string {
  return toHex(randomBytes(16));
}

/** A session token like the server's: 256 random bits, base64url (43 characters). */
export function newToken(): string {
  return base64url(randomBytes(32));
}

/** Milliseconds as an RFC 3339 UTC timestamp. */
export const iso = (ms: number): string => new Date(ms).toISOString();
