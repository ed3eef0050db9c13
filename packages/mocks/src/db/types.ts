/**
 * Rows of the mock's in-memory store. Envelopes are kept as armor (the wire
 * form): the mock, like the server, never opens them.
 */
import type { Kdf, Role } from '@coffer/protocol';

export interface AccountRow {
  accountId: string;
  username: string;
  loginPublicKey: Uint8Array;
  kdf: Kdf;
  keyBundle: string;
  encryptionPublicKey: string;
  signingPublicKey: string;
  createdAt: number;
}

export interface SessionRow {
  sessionId: string;
  accountId: string;
  token: string;
  label: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface ChallengeRow {
  challengeId: string;
  /** Null for an unknown username: such a challenge can never succeed. */
  accountId: string | null;
  challenge: Uint8Array;
  expiresAt: number;
}

export interface MemberRow {
  role: Role;
  addedAt: number;
}

export interface GrantRow {
  epoch: number;
  recipientId: string;
  granterId: string;
  envelope: string;
  createdAt: number;
}

/** The newest state of a record (a tombstone has `envelope: null`). */
export interface RecordRow {
  recordId: string;
  revision: number;
  seq: number;
  envelope: string | null;
  epoch: number;
  authorId: string;
}

export interface VaultRow {
  vaultId: string;
  createdAt: number;
  currentEpoch: number;
  /** Newest sequence (a per-vault counter, gapless across writes). */
  headSeq: number;
  /** Tombstones with seq <= purgeHorizon are gone. */
  purgeHorizon: number;
  members: Map<string, MemberRow>;
  /** Keyed `${recipientId}:${epoch}`. */
  grants: Map<string, GrantRow>;
  records: Map<string, RecordRow>;
  /** Every revision ever written per record, oldest first (what a malicious server could replay). */
  history: Map<string, RecordRow[]>;
  /** Outcome of every applied mutation, by `mutationId/recordId` (idempotent retries). */
  applied: Map<string, { recordId: string; revision: number; seq: number }>;
}

export interface UploadRow {
  blobId: string;
  vaultId: string;
  accountId: string;
  size: number;
  chunks: Uint8Array[];
  received: number;
  complete: boolean;
  createdAt: number;
}
