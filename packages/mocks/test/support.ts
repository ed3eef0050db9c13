// Test helpers: a tiny fetch wrapper with the protocol headers, and signed-in
// users created through the mock's own HTTP routes (real keys, real envelopes).
import { randomBytes } from '@coffer/protocol';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { signChallenge, testKeyGrant, testSignupBody } from '../src/index.ts';
import { setupCofferServer } from '../src/node.ts';

export const BASE = 'https://coffer.test';

export interface CallOptions {
  json?: unknown;
  raw?: string | Uint8Array;
  contentType?: string;
  token?: string;
  headers?: Record<string, string>;
  noProtocolHeaders?: boolean;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test helper reads arbitrary JSON answers
  body: any;
  text: string;
  headers: Headers;
}

export async function call(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = options.noProtocolHeaders
    ? {}
    : { 'coffer-protocol': '1', 'coffer-client': 'mock-tests/1.0.0' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = options.raw as BodyInit;
  }
  Object.assign(headers, options.headers);
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** One mock server per test file, reset after every test. */
export function useMockServer() {
  const coffer = setupCofferServer({ baseUrl: BASE });
  beforeAll(() => coffer.listen());
  afterEach(() => coffer.mock.reset());
  afterAll(() => coffer.close());
  return coffer;
}

export interface User {
  username: string;
  accountId: string;
  loginSeed: Uint8Array;
  token: string;
  sessionId: string;
}

let counter = 0;

export async function login(username: string, seed: Uint8Array) {
  const challenge = await call('POST', '/v1/auth/challenge', { json: { username } });
  const proof = await signChallenge(challenge.body, username, seed, 'login');
  return call('POST', '/v1/auth/login', { json: { username, ...proof } });
}

/** Sign up and log in through HTTP. */
export async function createUser(prefix = 'user'): Promise<User> {
  const username = `${prefix}-${++counter}`;
  const loginSeed = randomBytes(32);
  const signup = await call('POST', '/v1/accounts', {
    json: await testSignupBody(username, loginSeed),
  });
  if (signup.status !== 201) throw new Error(`signup ${signup.status} ${signup.text}`);
  const res = await login(username, loginSeed);
  if (res.status !== 200) throw new Error(`login ${res.status} ${res.text}`);
  return {
    username,
    accountId: signup.body.accountId,
    loginSeed,
    token: res.body.token,
    sessionId: res.body.sessionId,
  };
}

/** A vault owned by `user` with the owner's epoch-1 grant. */
export async function createVault(user: User): Promise<string> {
  const res = await call('POST', '/v1/vaults', { json: {}, token: user.token });
  const vaultId = res.body.vaultId as string;
  const grant = await call('PUT', `/v1/vaults/${vaultId}/grants`, {
    token: user.token,
    json: {
      grants: [{ accountId: user.accountId, epoch: 1, grant: await testKeyGrant(vaultId, 1) }],
    },
  });
  if (grant.status !== 204) throw new Error(`grant ${grant.status} ${grant.text}`);
  return vaultId;
}

export const hexId = (): string =>
  Array.from(randomBytes(16), (b) => b.toString(16).padStart(2, '0')).join('');
