import {
  ACCOUNT_EVENTS_PATH,
  AccountResponse,
  BlobStatus,
  ChallengeResponse,
  CLIENT_HEADER,
  GrantList,
  LoginResponse,
  MemberList,
  MetaResponse,
  NewEpochResponse,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PreloginResponse,
  PublicKeysResponse,
  PushResponse,
  SeqEvent,
  SessionList,
  SignupResponse,
  VAULTS_CHANGED_EVENT,
  VaultList,
  VaultSummary,
  VaultsChangedEvent,
} from '@coffer/protocol';
import { CofferClientError, InvalidResponseError, NetworkError } from './errors.ts';
import { problemToError } from './problem.ts';
import { BINARY_PULL_ACCEPT, isBinaryPullPage, readBinaryPullPage } from './pull-answer.ts';
import { PullPageParser } from './pull-page.ts';
import { readServerSentEvents } from './sse.ts';
import { answerToResponse, type TextAnswer, type TextRequest } from './text-request.ts';
import type { AccountLiveEvent, LiveEvent, PulledPage, Transport } from './transport.ts';
import { checkServerUrl } from './url.ts';

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  serverUrl: string;
  clientName: string;
  clientVersion: string;
  /** A fetch implementation (Node: one with a pinned TLS dispatcher). */
  fetch?: typeof fetch;
  /** Protocol version to announce (tests of the version handshake). */
  protocolVersion?: number;
  /**
   * Node: a text request over the same pinned connections as `fetch`, used
   * for pull pages (the hot path of a sync); everything else uses `fetch`.
   */
  request?: TextRequest;
  /**
   * Ask for pull pages in the binary encoding (default true). A server that
   * does not know it answers JSON, which is read as before; false always asks
   * for JSON (what an older client does).
   */
  binaryPulls?: boolean;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  raw?: Uint8Array;
  query?: Record<string, string | number>;
  auth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const enc = encodeURIComponent;

/** A wire schema, or anything that answers `safeParse` as one does (the pull page's fast path). */
interface Parser<T> {
  safeParse(json: unknown): { success: true; data: T } | { success: false };
}

/**
 * Failures of making a connection: no byte of the request left this machine
 * (Node's and undici's codes, found in the fetch error's causes).
 */
const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a failed fetch certainly never reached the server (see NetworkError.unsent). */
function isUnsent(error: unknown): boolean {
  // A browser that knows it is offline fails every fetch before sending it.
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  if (nav?.onLine === false) return true;
  for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && UNSENT_CODES.has(code)) return true;
  }
  return false;
}

/**
 * {@link Transport} over HTTPS with fetch. Every request carries
 * `Coffer-Protocol` and `Coffer-Client`; every JSON answer is parsed with its
 * wire schema exactly once; errors become typed errors.
 *
 * @example
 * const t = new HttpTransport({ serverUrl: 'https://127.0.0.1:8443', clientName: 'app', clientVersion: '1.0.0' });
 * const meta = await t.getMeta();
 */
export class HttpTransport implements Transport {
  readonly origin: string;
  readonly #fetch: typeof fetch;
  readonly #client: string;
  readonly #protocol: number;
  readonly #request: TextRequest | undefined;
  readonly #binaryPulls: boolean;
  #token: string | undefined;

  constructor(options: HttpTransportOptions) {
    this.origin = checkServerUrl(options.serverUrl);
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#client = `${options.clientName}/${options.clientVersion}`;
    this.#protocol = options.protocolVersion ?? PROTOCOL_VERSION;
    this.#request = options.request;
    this.#binaryPulls = options.binaryPulls ?? true;
  }

  setToken(token: string | undefined): void {
    this.#token = token;
  }

  #target(call: Call): { url: URL; headers: Record<string, string> } {
    const url = new URL(call.path, this.origin);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      [PROTOCOL_HEADER]: String(this.#protocol),
      [CLIENT_HEADER]: this.#client,
      accept: 'application/json, application/problem+json',
      ...call.headers,
    };
    if (call.auth !== false && this.#token) headers.authorization = `Bearer ${this.#token}`;
    return { url, headers };
  }

  async #send(call: Call): Promise<Response> {
    const { url, headers } = this.#target(call);
    let body: BodyInit | undefined;
    if (call.raw) {
      headers['content-type'] = 'application/octet-stream';
      body = call.raw as Uint8Array<ArrayBuffer>;
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    let response: Response;
    try {
      const init: RequestInit = { method: call.method, headers };
      if (body !== undefined) init.body = body;
      if (call.signal) init.signal = call.signal;
      response = await this.#fetch(url, init);
    } catch (error) {
      if (call.signal?.aborted) throw error;
      throw this.#unreachable(error);
    }
    if (!response.ok) throw await problemToError(response, this.#protocol, this.#client);
    return response;
  }

  /**
   * The error for a request that got no answer. A server whose certificate
   * does not match the pin was reached, and may be an impostor: that is the
   * pinned connector's `TlsPinMismatchError` itself (the fetch buries it in
   * its causes), never "cannot reach" nor a reason to go offline quietly.
   */
  #unreachable(error: unknown): CofferClientError {
    for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
      if (at instanceof CofferClientError && at.code === 'tls_pin_mismatch') return at;
    }
    // The cause keeps the TLS failure for callers; the message names no secret.
    return new NetworkError(`cannot reach ${this.origin}`, {
      cause: error,
      unsent: isUnsent(error),
    });
  }

  /** A GET through the text request: the same headers and errors as {@link #send}. */
  async #requestAnswer(call: Call, request: TextRequest): Promise<TextAnswer> {
    const { url, headers } = this.#target(call);
    let answer: TextAnswer;
    try {
      answer = await request(url.href, { method: 'GET', headers });
    } catch (error) {
      throw this.#unreachable(error);
    }
    if (answer.status < 200 || answer.status > 599) {
      throw new InvalidResponseError(`${call.method} ${call.path}: unexpected HTTP status`);
    }
    if (answer.status >= 300) {
      throw await problemToError(answerToResponse(answer), this.#protocol, this.#client);
    }
    return answer;
  }

  /** A pull page: binary when the server answered so (and this transport asked), else JSON. */
  async #pull(call: Call): Promise<PulledPage> {
    const what = `${call.method} ${call.path}`;
    const request = this.#request;
    if (request) {
      const answer = await this.#requestAnswer(call, request);
      if (isBinaryPullPage(answer.headers['content-type'])) {
        if (!call.headers?.accept || !answer.bytes) {
          throw new InvalidResponseError(`${what}: a binary answer that was not asked for`);
        }
        return readBinaryPullPage(answer.bytes, what);
      }
      return this.#parse(call, PullPageParser, this.#jsonText(call, answer.text));
    }
    const response = await this.#send(call);
    if (isBinaryPullPage(response.headers.get('content-type'))) {
      if (!call.headers?.accept) {
        throw new InvalidResponseError(`${what}: a binary answer that was not asked for`);
      }
      return readBinaryPullPage(new Uint8Array(await response.arrayBuffer()), what);
    }
    return this.#parse(call, PullPageParser, await this.#jsonBody(call, response));
  }

  #jsonText(call: Call, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidResponseError(`${call.method} ${call.path}: body is not JSON`);
    }
  }

  async #jsonBody(call: Call, response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new InvalidResponseError(`${call.method} ${call.path}: body is not JSON`);
    }
  }

  async #json<T>(call: Call, schema: Parser<T>): Promise<T> {
    const response = await this.#send(call);
    return this.#parse(call, schema, await this.#jsonBody(call, response));
  }

  #parse<T>(call: Call, schema: Parser<T>, json: unknown): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidResponseError(
        `${call.method} ${call.path}: answer does not match the protocol`,
      );
    }
    return parsed.data;
  }

  async #none(call: Call): Promise<void> {
    const response = await this.#send(call);
    await response.body?.cancel();
  }

  getMeta(options: { features?: boolean } = {}) {
    const call: Call = { method: 'GET', path: '/v1/meta', auth: false };
    if (options.features) call.query = { features: 1 };
    return this.#json(call, MetaResponse);
  }
  signup(body: unknown) {
    return this.#json({ method: 'POST', path: '/v1/accounts', body, auth: false }, SignupResponse);
  }
  prelogin(username: string) {
    const call: Call = { method: 'POST', path: '/v1/auth/prelogin', body: { username } };
    return this.#json({ ...call, auth: false }, PreloginResponse);
  }
  challenge(body: unknown) {
    const call: Call = { method: 'POST', path: '/v1/auth/challenge', body, auth: false };
    return this.#json(call, ChallengeResponse);
  }
  login(body: unknown) {
    return this.#json({ method: 'POST', path: '/v1/auth/login', body, auth: false }, LoginResponse);
  }
  logout() {
    return this.#none({ method: 'POST', path: '/v1/auth/logout' });
  }
  listSessions() {
    return this.#json({ method: 'GET', path: '/v1/sessions' }, SessionList);
  }
  revokeSession(sessionId: string) {
    return this.#none({ method: 'DELETE', path: `/v1/sessions/${enc(sessionId)}` });
  }
  getAccount() {
    return this.#json({ method: 'GET', path: '/v1/account' }, AccountResponse);
  }
  changeCredentials(body: unknown) {
    return this.#none({ method: 'PUT', path: '/v1/account/credentials', body });
  }
  getPublicKeys(username: string) {
    const call: Call = { method: 'GET', path: `/v1/users/${enc(username)}/keys` };
    return this.#json(call, PublicKeysResponse);
  }
  createVault() {
    return this.#json({ method: 'POST', path: '/v1/vaults', body: {} }, VaultSummary);
  }
  listVaults() {
    return this.#json({ method: 'GET', path: '/v1/vaults' }, VaultList);
  }
  getVault(vaultId: string) {
    return this.#json({ method: 'GET', path: `/v1/vaults/${enc(vaultId)}` }, VaultSummary);
  }
  listMembers(vaultId: string) {
    return this.#json({ method: 'GET', path: `/v1/vaults/${enc(vaultId)}/members` }, MemberList);
  }
  addMember(vaultId: string, body: unknown) {
    return this.#none({ method: 'POST', path: `/v1/vaults/${enc(vaultId)}/members`, body });
  }
  changeRole(vaultId: string, accountId: string, body: unknown) {
    const path = `/v1/vaults/${enc(vaultId)}/members/${enc(accountId)}`;
    return this.#none({ method: 'PATCH', path, body });
  }
  removeMember(vaultId: string, accountId: string) {
    const path = `/v1/vaults/${enc(vaultId)}/members/${enc(accountId)}`;
    return this.#none({ method: 'DELETE', path });
  }
  newEpoch(vaultId: string, body: unknown) {
    const call: Call = { method: 'POST', path: `/v1/vaults/${enc(vaultId)}/epochs`, body };
    return this.#json(call, NewEpochResponse);
  }
  putGrants(vaultId: string, body: unknown) {
    return this.#none({ method: 'PUT', path: `/v1/vaults/${enc(vaultId)}/grants`, body });
  }
  listGrants(vaultId: string) {
    return this.#json({ method: 'GET', path: `/v1/vaults/${enc(vaultId)}/grants` }, GrantList);
  }
  push(vaultId: string, body: unknown) {
    const call: Call = { method: 'POST', path: `/v1/vaults/${enc(vaultId)}/push`, body };
    return this.#json(call, PushResponse);
  }
  pull(vaultId: string, cursor: number, limit: number, options: { resync?: boolean } = {}) {
    const path = `/v1/vaults/${enc(vaultId)}/changes`;
    const query = options.resync ? { cursor, limit, resync: '1' } : { cursor, limit };
    // Binary pages only where the answer can be read as bytes (fetch, or a request that says so).
    const binary = this.#binaryPulls && (!this.#request || this.#request.readsBytes === true);
    const call: Call = { method: 'GET', path, query };
    if (binary) call.headers = { accept: BINARY_PULL_ACCEPT };
    return this.#pull(call);
  }

  async *events(vaultId: string, signal: AbortSignal): AsyncIterable<LiveEvent> {
    const response = await this.#send({
      method: 'GET',
      path: `/v1/vaults/${enc(vaultId)}/events`,
      signal,
      headers: { accept: 'text/event-stream' },
    });
    if (!response.body) throw new InvalidResponseError('event stream without a body');
    // Subscribed: the caller pulls now, so nothing committed before this point is missed.
    yield { vaultId, seq: -1 };
    for await (const event of readServerSentEvents(response.body)) {
      if (event.event !== 'seq') continue;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        throw new InvalidResponseError('event stream: data is not JSON');
      }
      const parsed = SeqEvent.safeParse(json);
      if (!parsed.success) throw new InvalidResponseError('event stream: bad seq event');
      yield parsed.data;
    }
  }

  async *accountEvents(signal: AbortSignal): AsyncIterable<AccountLiveEvent> {
    const response = await this.#send({
      method: 'GET',
      path: ACCOUNT_EVENTS_PATH,
      signal,
      headers: { accept: 'text/event-stream' },
    });
    if (!response.body) throw new InvalidResponseError('event stream without a body');
    for await (const event of readServerSentEvents(response.body)) {
      if (event.event !== VAULTS_CHANGED_EVENT) continue;
      let json: unknown;
      try {
        json = JSON.parse(event.data);
      } catch {
        json = undefined;
      }
      // Only a prompt to list again: a reason this SDK does not know (a newer
      // server) is still one, not a broken stream to reconnect for ever.
      const parsed = VaultsChangedEvent.safeParse(json);
      yield { reason: parsed.success ? parsed.data.reason : 'changed' };
    }
  }

  createBlob(vaultId: string, size: number) {
    const call: Call = { method: 'POST', path: `/v1/vaults/${enc(vaultId)}/blobs`, body: { size } };
    return this.#json(call, BlobStatus);
  }
  getBlobStatus(vaultId: string, blobId: string) {
    const path = `/v1/vaults/${enc(vaultId)}/blobs/${enc(blobId)}`;
    return this.#json({ method: 'GET', path }, BlobStatus);
  }
  uploadChunk(vaultId: string, blobId: string, offset: number, bytes: Uint8Array) {
    const path = `/v1/vaults/${enc(vaultId)}/blobs/${enc(blobId)}/chunks`;
    return this.#json({ method: 'PUT', path, raw: bytes, query: { offset } }, BlobStatus);
  }
  completeBlob(vaultId: string, blobId: string) {
    const path = `/v1/vaults/${enc(vaultId)}/blobs/${enc(blobId)}/complete`;
    return this.#json({ method: 'POST', path }, BlobStatus);
  }
  async downloadBlob(vaultId: string, blobId: string, start = 0) {
    const path = `/v1/vaults/${enc(vaultId)}/blobs/${enc(blobId)}/content`;
    const headers: Record<string, string> = { accept: 'application/octet-stream' };
    if (start > 0) headers.range = `bytes=${start}-`;
    const response = await this.#send({ method: 'GET', path, headers });
    if (!response.body) throw new InvalidResponseError('blob download without a body');
    return response.body;
  }
}
