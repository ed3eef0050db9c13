/**
 * Hard limits of protocol version 1. The schemas enforce them, so every server
 * and client agrees; a server may announce smaller ones in `GET /v1/meta`.
 */
export const WIRE_LIMITS = {
  /** Armored key-bundle or key-grant envelope, characters (a grant holds up to 32 stanzas). */
  maxKeyEnvelopeChars: 65_536,
  /** Armored record envelope, characters (~256 KiB of envelope bytes). */
  maxRecordEnvelopeChars: 350_000,
  /** Mutations in one push. */
  maxPushBatch: 500,
  /** Changes in one pull page. */
  maxPullLimit: 1_000,
  /** Grants in one request (one per member). */
  maxGrants: 1_000,
  /** Device name of a session, characters. */
  maxDeviceNameChars: 64,
} as const;
