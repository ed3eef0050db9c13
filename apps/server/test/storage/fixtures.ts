/** Builders shared by the storage contract suites. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Mutation, NewAccount, StorageErrorCode, Store } from '../../src/storage/contract.ts';
import { StorageError } from '../../src/storage/contract.ts';

export const T0 = 1_700_000_000_000;

export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function randomData(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

let accountCounter = 0;

export function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
  accountCounter += 1;
  return {
    accountId: newId(),
    username: `user-${accountCounter}-${newId().slice(0, 6)}`,
    loginPublicKey: randomData(32),
    kdfSalt: randomData(16),
    kdfParams: { memoryKiB: 65536, iterations: 3, parallelism: 1 },
    keyBundle: randomData(120),
    x25519PublicKey: randomData(32),
    ed25519PublicKey: randomData(32),
    createdAt: T0,
    ...overrides,
  };
}

export async function createAccount(store: Store, overrides: Partial<NewAccount> = {}) {
  const account = newAccount(overrides);
  await store.createAccount(account);
  return account;
}

/** A vault with its owner (and epoch-1 grant for the owner). */
export async function createVault(store: Store, ownerId?: string) {
  const owner = ownerId ?? (await createAccount(store)).accountId;
  const vaultId = newId();
  await store.createVault({
    vaultId,
    ownerId: owner,
    createdAt: T0,
    grants: [{ epoch: 1, recipientId: owner, granterId: owner, envelope: bytes(`grant-${owner}`) }],
  });
  return { vaultId, ownerId: owner };
}

export function mutation(overrides: Partial<Mutation> & Pick<Mutation, 'recordId'>): Mutation {
  return {
    mutationId: newId(),
    baseRevision: null,
    envelope: bytes(`envelope-${newId()}`),
    epoch: 1,
    ...overrides,
  };
}

/** Push one mutation (non-atomic) and return its outcome. */
export async function pushOne(store: Store, vaultId: string, authorId: string, m: Mutation) {
  const [outcome] = await store.pushMutations(vaultId, authorId, [m], { atomic: false, now: T0 });
  if (outcome === undefined) throw new Error('no outcome');
  return outcome;
}

/** Assert that `promise` rejects with a StorageError of `code`; returns the error. */
export async function expectStorageError(
  promise: Promise<unknown>,
  code: StorageErrorCode,
): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
  return error as StorageError;
}

/** Read an async iterable of byte chunks into one array. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

export function concat(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Byte equality for large arrays: vitest's deep equality walks element by
 * element, which takes seconds on megabytes.
 */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return;
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  expect.fail(`bytes differ: lengths ${a.length} and ${b.length}, first difference at ${at}`);
}
