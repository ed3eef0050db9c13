/**
 * Accounts, authentication, sessions and the key directory. The server stores
 * only public keys, the KDF salt and parameters, and the key bundle sealed on
 * the device; a session token is returned exactly once.
 */
import { z } from 'zod';
import {
  armoredEnvelope,
  base64urlBytes,
  HexId,
  Kdf,
  PublicKey32,
  Signature64,
  Timestamp,
  Username,
} from './common.ts';
import { lazySchema } from './lazy-schema.ts';
import { WIRE_LIMITS } from './limits.ts';

/** The account's key bundle: its X25519 and Ed25519 key pairs sealed under `masterKey`. */
export const KeyBundleEnvelope = lazySchema(() =>
  armoredEnvelope(WIRE_LIMITS.maxKeyEnvelopeChars, 'key-bundle'),
);

/** `POST /v1/accounts`: create an account. */
export const SignupRequest = lazySchema(() =>
  z
    .strictObject({
      username: Username,
      loginPublicKey: PublicKey32.meta({
        description: 'Ed25519 login public key (from loginSeed)',
      }),
      kdf: Kdf,
      keyBundle: KeyBundleEnvelope,
      encryptionPublicKey: PublicKey32.meta({ description: 'X25519 public key for key grants' }),
      signingPublicKey: PublicKey32.meta({ description: 'Ed25519 public key that signs writes' }),
    })
    .meta({ id: 'SignupRequest' }),
);
export type SignupRequest = z.infer<typeof SignupRequest>;

export const SignupResponse = lazySchema(() =>
  z.strictObject({ accountId: HexId, username: Username }).meta({ id: 'SignupResponse' }),
);
export type SignupResponse = z.infer<typeof SignupResponse>;

/** `POST /v1/auth/prelogin`: fetch KDF salt and parameters (a deterministic fake for unknown users). */
export const PreloginRequest = lazySchema(() =>
  z.strictObject({ username: Username }).meta({ id: 'PreloginRequest' }),
);
export const PreloginResponse = lazySchema(() =>
  z.strictObject({ kdf: Kdf }).meta({ id: 'PreloginResponse' }),
);
export type PreloginResponse = z.infer<typeof PreloginResponse>;

/**
 * `POST /v1/auth/challenge`: a fresh single-use challenge (also for unknown
 * usernames, so the answer reveals nothing). What it authorises is fixed by the
 * purpose the client signs with it (see `loginChallengeMessage`).
 */
export const ChallengeRequest = lazySchema(() =>
  z.strictObject({ username: Username }).meta({ id: 'ChallengeRequest' }),
);
export type ChallengeRequest = z.infer<typeof ChallengeRequest>;

export const ChallengeResponse = lazySchema(() =>
  z
    .strictObject({
      challengeId: HexId,
      challenge: base64urlBytes(32, '32 random bytes to sign'),
      origin: z
        .string()
        .meta({ description: 'server origin; a client refuses one it did not connect to' }),
      expiresAt: Timestamp,
    })
    .meta({ id: 'ChallengeResponse' }),
);
export type ChallengeResponse = z.infer<typeof ChallengeResponse>;

/** A signed challenge: proof of the login key. */
export const SignedChallenge = lazySchema(() =>
  z.strictObject({ challengeId: HexId, signature: Signature64 }),
);

/**
 * Any code point but controls (Cc), format characters (Cf: bidi embeddings,
 * overrides, isolates and marks, invisible operators), lone surrogates and
 * line/paragraph separators; ZWNJ, ZWJ and the emoji tag characters stay.
 * (Unassigned code points are allowed: newer emoji must not depend on this
 * runtime's Unicode version.)
 */
const DEVICE_NAME_PATTERN =
  /^(?:(?![\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}])[\s\S]|\u200C|\u200D|[\u{E0020}-\u{E007F}])*$/u;

/**
 * The label a device gives its session at login. Shown in session lists
 * (terminals included) and stored as text, which PostgreSQL cannot hold with
 * a NUL: no control characters, and no format characters (bidi overrides and
 * isolates, invisible marks) that make a label display as something else.
 * Line separators and lone surrogates likewise. Kept: ZWJ/ZWNJ (emoji
 * sequences, Indic and Persian scripts) and tag characters (subdivision flags).
 */
export const DeviceName = lazySchema(() =>
  z
    .string()
    .min(1)
    .max(WIRE_LIMITS.maxDeviceNameChars)
    .regex(DEVICE_NAME_PATTERN, 'must not contain control or format characters'),
);

/** `POST /v1/auth/login`. */
export const LoginRequest = lazySchema(() =>
  z
    .strictObject({
      username: Username,
      challengeId: HexId,
      signature: Signature64,
      deviceName: DeviceName.optional(),
    })
    .meta({ id: 'LoginRequest' }),
);
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = lazySchema(() =>
  z
    .strictObject({
      token: z
        .string()
        .meta({ description: 'bearer token, shown once; send as Authorization: Bearer <token>' }),
      sessionId: HexId,
      accountId: HexId,
      expiresAt: Timestamp,
    })
    .meta({ id: 'LoginResponse' }),
);
export type LoginResponse = z.infer<typeof LoginResponse>;

export const SessionInfo = lazySchema(() =>
  z.strictObject({
    sessionId: HexId,
    /** The device name given at login, else the `Coffer-Client` header. */
    label: z.string(),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
    expiresAt: Timestamp,
    current: z.boolean(),
  }),
);
export const SessionList = lazySchema(() =>
  z.strictObject({ sessions: z.array(SessionInfo) }).meta({ id: 'SessionList' }),
);
export type SessionList = z.infer<typeof SessionList>;

/** `GET /v1/account`: what a new device needs after login. */
export const AccountResponse = lazySchema(() =>
  z
    .strictObject({
      accountId: HexId,
      username: Username,
      kdf: Kdf,
      keyBundle: KeyBundleEnvelope,
      encryptionPublicKey: PublicKey32,
      signingPublicKey: PublicKey32,
    })
    .meta({ id: 'Account' }),
);
export type AccountResponse = z.infer<typeof AccountResponse>;

/** `PUT /v1/account/credentials`: passphrase change, authorised by a challenge signed with the OLD login key. */
export const ChangeCredentialsRequest = lazySchema(() =>
  z
    .strictObject({
      challengeId: HexId,
      signature: Signature64,
      loginPublicKey: PublicKey32,
      kdf: Kdf,
      keyBundle: KeyBundleEnvelope,
    })
    .meta({ id: 'ChangeCredentialsRequest' }),
);
export type ChangeCredentialsRequest = z.infer<typeof ChangeCredentialsRequest>;

/** `DELETE /v1/account` body: a challenge signed for `delete-account`. */
export const DeleteAccountRequest = lazySchema(() =>
  SignedChallenge.meta({ id: 'DeleteAccountRequest' }),
);

/** `GET /v1/users/{username}/keys`: the key directory. */
export const PublicKeysResponse = lazySchema(() =>
  z
    .strictObject({
      accountId: HexId,
      username: Username,
      encryptionPublicKey: PublicKey32,
      signingPublicKey: PublicKey32,
    })
    .meta({ id: 'PublicKeys' }),
);
export type PublicKeysResponse = z.infer<typeof PublicKeysResponse>;
