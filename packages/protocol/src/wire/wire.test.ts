import { describe, expect, it } from 'vitest';
import { base64urlBytes, HexId, KdfParams, Username } from './common.ts';
import { WIRE_LIMITS } from './limits.ts';
import { loginChallengeMessage } from './login-message.ts';
import { parseClientHeader } from './meta.ts';
import { buildOpenApiDocument } from './openapi.ts';
import {
  MAX_RECORD_ENVELOPE_BYTES,
  PULL_PAGE_BINARY_LAYOUT,
  PULL_PAGE_BINARY_TYPE,
} from './pull-page-binary.ts';
import { PushRequest } from './records.ts';
import { ROUTES } from './routes.ts';

const b64 = (n: number) => Buffer.alloc(n, 0xff).toString('base64url');

describe('wire building blocks', () => {
  it('accepts only canonical unpadded base64url of the exact length', () => {
    const key = base64urlBytes(32, 'key');
    expect(key.safeParse(b64(32)).success).toBe(true);
    expect(key.safeParse(b64(31)).success).toBe(false);
    expect(key.safeParse(`${b64(32)}=`).success).toBe(false);
    // Same bytes, non-zero unused bits: a second spelling, refused.
    const canonical = Buffer.alloc(32).toString('base64url');
    expect(key.safeParse(canonical).success).toBe(true);
    expect(key.safeParse(`${canonical.slice(0, -1)}B`).success).toBe(false);
  });

  it('ids are lower-case hex, usernames lower-case, KDF params within floor and ceiling', () => {
    expect(HexId.safeParse('ab'.repeat(16)).success).toBe(true);
    expect(HexId.safeParse('AB'.repeat(16)).success).toBe(false);
    expect(Username.safeParse('alice').success).toBe(true);
    expect(Username.safeParse('Alice').success).toBe(false);
    expect(Username.safeParse('al').success).toBe(false);
    const ok = { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1 };
    expect(KdfParams.safeParse(ok).success).toBe(true);
    expect(KdfParams.safeParse({ ...ok, memoryKiB: 65_535 }).success).toBe(false);
    expect(KdfParams.safeParse({ ...ok, iterations: 11 }).success).toBe(false);
    expect(KdfParams.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });

  it('push mutations are strict and discriminated by op', () => {
    const base = { mutationId: 'a'.repeat(32), recordId: 'b'.repeat(32), baseRevision: null };
    const put = { ...base, op: 'put', epoch: 1, envelope: 'cfr1.AAAA' };
    expect(PushRequest.parse({ mutations: [put] }).atomic).toBe(false);
    expect(PushRequest.safeParse({ mutations: [{ ...base, op: 'delete' }] }).success).toBe(true);
    expect(
      PushRequest.safeParse({ mutations: [{ ...base, op: 'delete', envelope: 'cfr1.AAAA' }] })
        .success,
    ).toBe(false);
    expect(PushRequest.safeParse({ mutations: [{ ...put, envelope: undefined }] }).success).toBe(
      false,
    );
  });

  it('parses Coffer-Client headers', () => {
    expect(parseClientHeader('coffer-cli/0.1.0')).toEqual({ app: 'coffer-cli', version: '0.1.0' });
    expect(parseClientHeader('no-version')).toBeUndefined();
    expect(parseClientHeader(undefined)).toBeUndefined();
  });

  it('the login message separates purpose, challenge, origin and username', () => {
    const challenge = new Uint8Array(32).fill(7);
    const input = {
      purpose: 'login',
      challenge,
      origin: 'https://a:1',
      username: 'alice',
    } as const;
    const base = Buffer.from(loginChallengeMessage(input)).toString('hex');
    const variants = [
      { ...input, purpose: 'delete-account' as const },
      { ...input, origin: 'https://a:2' },
      { ...input, username: 'alicf' },
      { ...input, challenge: new Uint8Array(32).fill(8) },
      // Moving bytes between fields must change the message (length prefixes).
      { ...input, origin: 'https://a:1a', username: 'lice' },
    ];
    for (const v of variants)
      expect(Buffer.from(loginChallengeMessage(v)).toString('hex')).not.toBe(base);
    expect(Buffer.from(loginChallengeMessage(input)).subarray(0, 16).toString()).toBe(
      'coffer/v1/login\0',
    );
  });

  it('the OpenAPI document covers every route and resolves every $ref', () => {
    const doc = buildOpenApiDocument({ version: '1.2.3' }) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()]).toBeDefined();
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  it('publishes the binary pull page beside the JSON answer, with its layout', () => {
    const doc = buildOpenApiDocument({ version: '1.2.3' }) as {
      paths: Record<string, { get: { responses: Record<string, Record<string, unknown>> } }>;
    };
    const ok = doc.paths['/v1/vaults/{vaultId}/changes']!.get.responses['200']!;
    expect(Object.keys(ok.content as object)).toEqual(['application/json', PULL_PAGE_BINARY_TYPE]);
    expect(ok.description).toContain(PULL_PAGE_BINARY_LAYOUT);
    // The published limits are the ones the decoder enforces.
    expect(PULL_PAGE_BINARY_LAYOUT).toContain(`at most ${WIRE_LIMITS.maxPullLimit}`);
    expect(PULL_PAGE_BINARY_LAYOUT).toContain(`1 .. ${MAX_RECORD_ENVELOPE_BYTES}; then`);
  });
});
