/**
 * The SDK's view of the server: one typed method per route of protocol v1.
 * {@link HttpTransport} implements it over fetch; unit tests use small fakes.
 * Every value returned has been parsed with the protocol's wire schema.
 */
import type {
  AccountResponse,
  AddMemberRequest,
  BlobStatus,
  ChallengeRequest,
  ChallengeResponse,
  Change,
  ChangeCredentialsRequest,
  ChangeRoleRequest,
  GrantList,
  LoginRequest,
  LoginResponse,
  MemberList,
  MetaResponse,
  NewEpochRequest,
  PreloginResponse,
  PublicKeysResponse,
  PushRequest,
  PushResponse,
  PutGrantsRequest,
  SessionList,
  SignupRequest,
  SignupResponse,
  VaultList,
  VaultSummary,
} from '@coffer/protocol';

/** One `seq` notification of the live stream. */
/**
 * A change of a pull page: its envelope as armor (a JSON answer) or as bytes
 * (a binary answer, `PULL_PAGE_BINARY_TYPE`); null for a tombstone.
 */
export interface PulledChange extends Omit<Change, 'envelope'> {
  envelope: string | Uint8Array | null;
}

/** A pull page, whichever encoding the server answered with. */
export interface PulledPage {
  changes: PulledChange[];
  nextCursor: number;
  hasMore: boolean;
}

export interface LiveEvent {
  vaultId: string;
  /** The vault's newest sequence; -1 on the first event, which only says "connected". */
  seq: number;
}

/** One `vaults` notification of the account stream: list the vaults again. */
export interface AccountLiveEvent {
  /** `connected`: (re)subscribed, news may have been missed; `changed`: memberships changed. */
  reason: 'connected' | 'changed';
}

/** Typed access to every route the SDK uses. */
export interface Transport {
  /** The server origin (what challenges must name). */
  readonly origin: string;
  /** Bearer token for authenticated routes (`undefined`: logged out). */
  setToken(token: string | undefined): void;

  /**
   * `GET /v1/meta`; `features: true` also asks for the optional capabilities
   * (an older server ignores the question and answers without them).
   */
  getMeta(options?: { features?: boolean }): Promise<MetaResponse>;
  signup(body: SignupRequest): Promise<SignupResponse>;
  prelogin(username: string): Promise<PreloginResponse>;
  challenge(body: ChallengeRequest): Promise<ChallengeResponse>;
  login(body: LoginRequest): Promise<LoginResponse>;
  logout(): Promise<void>;
  listSessions(): Promise<SessionList>;
  revokeSession(sessionId: string): Promise<void>;
  getAccount(): Promise<AccountResponse>;
  changeCredentials(body: ChangeCredentialsRequest): Promise<void>;
  getPublicKeys(username: string): Promise<PublicKeysResponse>;

  createVault(): Promise<VaultSummary>;
  listVaults(): Promise<VaultList>;
  getVault(vaultId: string): Promise<VaultSummary>;
  listMembers(vaultId: string): Promise<MemberList>;
  addMember(vaultId: string, body: AddMemberRequest): Promise<void>;
  changeRole(vaultId: string, accountId: string, body: ChangeRoleRequest): Promise<void>;
  removeMember(vaultId: string, accountId: string): Promise<void>;
  newEpoch(vaultId: string, body: NewEpochRequest): Promise<{ epoch: number }>;
  putGrants(vaultId: string, body: PutGrantsRequest): Promise<void>;
  listGrants(vaultId: string): Promise<GrantList>;

  push(vaultId: string, body: PushRequest): Promise<PushResponse>;
  /** `resync`: paging a full resync from 0 (the server skips its purge-horizon check). */
  pull(
    vaultId: string,
    cursor: number,
    limit: number,
    options?: { resync?: boolean },
  ): Promise<PulledPage>;
  /** Live `seq` events until `signal` aborts or the stream ends (then reconnect). */
  events(vaultId: string, signal: AbortSignal): AsyncIterable<LiveEvent>;
  /** The account's live stream (servers whose meta lists `account-events`). */
  accountEvents(signal: AbortSignal): AsyncIterable<AccountLiveEvent>;

  createBlob(vaultId: string, size: number): Promise<BlobStatus>;
  getBlobStatus(vaultId: string, blobId: string): Promise<BlobStatus>;
  uploadChunk(
    vaultId: string,
    blobId: string,
    offset: number,
    bytes: Uint8Array,
  ): Promise<BlobStatus>;
  completeBlob(vaultId: string, blobId: string): Promise<BlobStatus>;
  /** The blob's bytes from `start` as a stream (resumable download). */
  downloadBlob(
    vaultId: string,
    blobId: string,
    start?: number,
  ): Promise<ReadableStream<Uint8Array>>;
}
