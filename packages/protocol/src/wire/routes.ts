/**
 * The catalog of every route of protocol version 1: method, path, whether it
 * needs a session, and the schemas of its request and answer. The server's
 * OpenAPI document and API page, and the mocks, are generated from this list.
 */
import type { z } from 'zod';
import { ACCOUNT_EVENTS_PATH } from './account-events.ts';
import * as accounts from './accounts.ts';
import * as blobs from './blobs.ts';
import { MetaQuery, MetaResponse } from './meta.ts';
import { PULL_PAGE_BINARY_LAYOUT, PULL_PAGE_BINARY_TYPE } from './pull-page-binary.ts';
import * as records from './records.ts';
import * as vaults from './vaults.ts';

/** One route of the API. Paths use OpenAPI `{param}` placeholders. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operationId: string;
  summary: string;
  tag: 'meta' | 'auth' | 'account' | 'keys' | 'vaults' | 'records' | 'blobs' | 'ops';
  /** Needs `Authorization: Bearer <token>`. */
  auth: boolean;
  body?: z.ZodType;
  /** The body is raw bytes (`application/octet-stream`), not JSON. */
  binaryBody?: boolean;
  query?: z.ZodType;
  /** Success status and schema; `null` schema means no body (204) or a non-JSON body. */
  success: {
    status: number;
    schema: z.ZodType | null;
    contentType?: string;
    /** Another representation of the same answer, sent only to a client whose `Accept` lists it. */
    alternative?: { contentType: string; description: string };
  };
}

const noContent = { status: 204, schema: null } as const;

/** Every route, in the order the API page lists them. */
export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/v1/meta',
    operationId: 'getMeta',
    summary: 'Protocol range, envelope versions and suites, limits (and features, if asked)',
    tag: 'meta',
    auth: false,
    query: MetaQuery,
    success: { status: 200, schema: MetaResponse },
  },
  {
    method: 'POST',
    path: '/v1/accounts',
    operationId: 'signup',
    summary: 'Create an account',
    tag: 'auth',
    auth: false,
    body: accounts.SignupRequest,
    success: { status: 201, schema: accounts.SignupResponse },
  },
  {
    method: 'POST',
    path: '/v1/auth/prelogin',
    operationId: 'prelogin',
    summary: 'KDF salt and parameters of a username',
    tag: 'auth',
    auth: false,
    body: accounts.PreloginRequest,
    success: { status: 200, schema: accounts.PreloginResponse },
  },
  {
    method: 'POST',
    path: '/v1/auth/challenge',
    operationId: 'challenge',
    summary: 'A fresh single-use challenge to sign',
    tag: 'auth',
    auth: false,
    body: accounts.ChallengeRequest,
    success: { status: 200, schema: accounts.ChallengeResponse },
  },
  {
    method: 'POST',
    path: '/v1/auth/login',
    operationId: 'login',
    summary: 'Exchange a signed challenge for a session token',
    tag: 'auth',
    auth: false,
    body: accounts.LoginRequest,
    success: { status: 200, schema: accounts.LoginResponse },
  },
  {
    method: 'POST',
    path: '/v1/auth/logout',
    operationId: 'logout',
    summary: 'End the current session',
    tag: 'auth',
    auth: true,
    success: noContent,
  },
  {
    method: 'GET',
    path: '/v1/sessions',
    operationId: 'listSessions',
    summary: 'My sessions',
    tag: 'account',
    auth: true,
    success: { status: 200, schema: accounts.SessionList },
  },
  {
    method: 'DELETE',
    path: '/v1/sessions/{sessionId}',
    operationId: 'revokeSession',
    summary: 'Revoke one of my sessions',
    tag: 'account',
    auth: true,
    success: noContent,
  },
  {
    method: 'GET',
    path: '/v1/account',
    operationId: 'getAccount',
    summary: 'My account: KDF, sealed key bundle, public keys',
    tag: 'account',
    auth: true,
    success: { status: 200, schema: accounts.AccountResponse },
  },
  {
    method: 'PUT',
    path: '/v1/account/credentials',
    operationId: 'changeCredentials',
    summary: 'Replace login key, KDF salt and key bundle (passphrase change)',
    tag: 'account',
    auth: true,
    body: accounts.ChangeCredentialsRequest,
    success: noContent,
  },
  {
    method: 'DELETE',
    path: '/v1/account',
    operationId: 'deleteAccount',
    summary: 'Delete my account',
    tag: 'account',
    auth: true,
    body: accounts.DeleteAccountRequest,
    success: noContent,
  },
  {
    method: 'GET',
    path: '/v1/users/{username}/keys',
    operationId: 'getPublicKeys',
    summary: "A user's public keys (key directory)",
    tag: 'keys',
    auth: true,
    success: { status: 200, schema: accounts.PublicKeysResponse },
  },
  {
    method: 'POST',
    path: '/v1/vaults',
    operationId: 'createVault',
    summary: 'Create a vault (I become its owner)',
    tag: 'vaults',
    auth: true,
    body: vaults.CreateVaultRequest,
    success: { status: 201, schema: vaults.VaultSummary },
  },
  {
    method: 'GET',
    path: '/v1/vaults',
    operationId: 'listVaults',
    summary: 'Vaults I am a member of',
    tag: 'vaults',
    auth: true,
    success: { status: 200, schema: vaults.VaultList },
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}',
    operationId: 'getVault',
    summary: 'One of my vaults',
    tag: 'vaults',
    auth: true,
    success: { status: 200, schema: vaults.VaultSummary },
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/members',
    operationId: 'listMembers',
    summary: 'Members and roles',
    tag: 'vaults',
    auth: true,
    success: { status: 200, schema: vaults.MemberList },
  },
  {
    method: 'POST',
    path: '/v1/vaults/{vaultId}/members',
    operationId: 'addMember',
    summary: 'Add a member with key grants (owner, admin)',
    tag: 'vaults',
    auth: true,
    body: vaults.AddMemberRequest,
    success: noContent,
  },
  {
    method: 'PATCH',
    path: '/v1/vaults/{vaultId}/members/{accountId}',
    operationId: 'changeRole',
    summary: "Change a member's role (owner, admin)",
    tag: 'vaults',
    auth: true,
    body: vaults.ChangeRoleRequest,
    success: noContent,
  },
  {
    method: 'DELETE',
    path: '/v1/vaults/{vaultId}/members/{accountId}',
    operationId: 'removeMember',
    summary: 'Remove a member (or leave); rotate the key afterwards',
    tag: 'vaults',
    auth: true,
    success: noContent,
  },
  {
    method: 'POST',
    path: '/v1/vaults/{vaultId}/epochs',
    operationId: 'newEpoch',
    summary: 'Rotate to a new key epoch with a grant per member (owner, admin)',
    tag: 'vaults',
    auth: true,
    body: vaults.NewEpochRequest,
    success: { status: 201, schema: vaults.NewEpochResponse },
  },
  {
    method: 'PUT',
    path: '/v1/vaults/{vaultId}/grants',
    operationId: 'putGrants',
    summary: 'Store key grants of existing epochs for members (owner, admin)',
    tag: 'vaults',
    auth: true,
    body: vaults.PutGrantsRequest,
    success: noContent,
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/grants',
    operationId: 'listGrants',
    summary: 'My key grants for this vault',
    tag: 'vaults',
    auth: true,
    success: { status: 200, schema: vaults.GrantList },
  },
  {
    method: 'POST',
    path: '/v1/vaults/{vaultId}/push',
    operationId: 'push',
    summary: 'Push a batch of mutations (writer and up)',
    tag: 'records',
    auth: true,
    body: records.PushRequest,
    success: { status: 200, schema: records.PushResponse },
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/changes',
    operationId: 'pull',
    summary:
      'Changes after a cursor, in sequence order (JSON; the binary pull page, application/vnd.coffer.pull-page.v1, when Accept lists it)',
    tag: 'records',
    auth: true,
    query: records.PullQuery,
    success: {
      status: 200,
      schema: records.PullResponse,
      alternative: { contentType: PULL_PAGE_BINARY_TYPE, description: PULL_PAGE_BINARY_LAYOUT },
    },
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/events',
    operationId: 'liveEvents',
    summary: 'Server-sent events: `seq` when new changes exist',
    tag: 'records',
    auth: true,
    success: { status: 200, schema: null, contentType: 'text/event-stream' },
  },
  {
    method: 'GET',
    path: ACCOUNT_EVENTS_PATH,
    operationId: 'accountEvents',
    summary: "Server-sent events: `vaults` when this account's vault memberships change",
    tag: 'account',
    auth: true,
    success: { status: 200, schema: null, contentType: 'text/event-stream' },
  },
  {
    method: 'POST',
    path: '/v1/vaults/{vaultId}/blobs',
    operationId: 'createBlob',
    summary: 'Start a resumable blob upload (writer and up)',
    tag: 'blobs',
    auth: true,
    body: blobs.CreateBlobRequest,
    success: { status: 201, schema: blobs.BlobStatus },
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/blobs/{blobId}',
    operationId: 'getBlobStatus',
    summary: 'Upload progress of a blob (where to resume)',
    tag: 'blobs',
    auth: true,
    success: { status: 200, schema: blobs.BlobStatus },
  },
  {
    method: 'PUT',
    path: '/v1/vaults/{vaultId}/blobs/{blobId}/chunks',
    operationId: 'uploadChunk',
    summary: 'Append a chunk at `offset` (application/octet-stream)',
    tag: 'blobs',
    auth: true,
    binaryBody: true,
    query: blobs.ChunkQuery,
    success: { status: 200, schema: blobs.BlobStatus },
  },
  {
    method: 'POST',
    path: '/v1/vaults/{vaultId}/blobs/{blobId}/complete',
    operationId: 'completeBlob',
    summary: 'Finish an upload once every byte arrived',
    tag: 'blobs',
    auth: true,
    success: { status: 200, schema: blobs.BlobStatus },
  },
  {
    method: 'DELETE',
    path: '/v1/vaults/{vaultId}/blobs/{blobId}',
    operationId: 'deleteBlob',
    summary: 'Delete a blob (its uploader, an admin or the owner); frees quota',
    tag: 'blobs',
    auth: true,
    success: noContent,
  },
  {
    method: 'GET',
    path: '/v1/vaults/{vaultId}/blobs/{blobId}/content',
    operationId: 'downloadBlob',
    summary: 'Download a blob; `Range: bytes=a-b` gives 206',
    tag: 'blobs',
    auth: true,
    success: { status: 200, schema: null, contentType: 'application/octet-stream' },
  },
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    summary: 'The process is alive',
    tag: 'ops',
    auth: false,
    success: { status: 200, schema: null, contentType: 'text/plain' },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'ready',
    summary: 'The store is reachable',
    tag: 'ops',
    auth: false,
    success: { status: 200, schema: null, contentType: 'text/plain' },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    summary: "Prometheus metrics (loopback clients, or the operator's metrics bearer token)",
    tag: 'ops',
    auth: false,
    success: { status: 200, schema: null, contentType: 'text/plain; version=0.0.4' },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This API as OpenAPI 3.1',
    tag: 'ops',
    auth: false,
    success: { status: 200, schema: null, contentType: 'application/json' },
  },
  {
    method: 'GET',
    path: '/docs',
    operationId: 'docs',
    summary: 'This API as a web page',
    tag: 'ops',
    auth: false,
    success: { status: 200, schema: null, contentType: 'text/html' },
  },
];
