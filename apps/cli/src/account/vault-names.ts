/**
 * Vault names. The server knows vaults only by id; the name lives INSIDE the
 * vault as a reserved record (`.coffer/vault` = { name }), encrypted like any
 * other, so every member and device sees it and the server never does.
 * Names are resolved against the server's vault list when online, and against
 * the vault ids this profile has seen (store meta, ids only) when offline.
 */
import {
  isReservedRecordName,
  isTransient,
  isValidVaultName,
  VAULT_NAME_RECORD,
  vaultNameOf,
  vaultNameValue,
} from '@coffer/client';
import { toCliError } from '../cli/errors.ts';
import { CliError } from '../cli/exit-codes.ts';
import type { OpenedClient } from './open-client.ts';

const KNOWN_IDS = 'cli:vault-ids';
const KEY_MISSING = new Set(['key_not_found', 'vault_key_missing']);

export interface NamedVault {
  vaultId: string;
  name: string;
  role: string | undefined;
  /** The name record is in the replica but does not open (damaged or tampered): the id stands in. */
  unreadable?: CliError;
}

/** Is this a record name the CLI reserves (hidden from `ls`)? */
export function isReservedName(name: string): boolean {
  return isReservedRecordName(name);
}

async function rememberIds(opened: OpenedClient, ids: string[]): Promise<void> {
  const value = JSON.stringify([...new Set(ids)].sort());
  // Skip the (fsynced) write when nothing changed: `get` runs in scripts' hot loops.
  if ((await opened.store.getMeta(KNOWN_IDS)) !== value)
    await opened.store.setMeta(KNOWN_IDS, value);
}

const LEFT_IDS = 'cli:vault-ids-left';

/**
 * Ids of vaults this profile had that the server stopped listing (the account
 * was removed, or the vault deleted): ids only, like KNOWN_IDS, so "no vault
 * named X" can say that a removal may be why. Names cannot be kept: they are
 * secret, and the replica no longer opens a vault once its keys are revoked.
 */
async function rememberLeft(
  opened: OpenedClient,
  before: string[],
  now: string[],
): Promise<string[]> {
  const gone = before.filter((id) => !now.includes(id));
  if (gone.length === 0) return gone;
  const left = [...new Set([...(await leftIds(opened)), ...gone])].slice(-100);
  await opened.store.setMeta(LEFT_IDS, JSON.stringify(left));
  return gone;
}

async function leftIds(opened: OpenedClient): Promise<string[]> {
  const raw = await opened.store.getMeta(LEFT_IDS);
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

async function knownIds(opened: OpenedClient): Promise<string[]> {
  const raw = await opened.store.getMeta(KNOWN_IDS);
  return raw === undefined ? [] : (JSON.parse(raw) as string[]);
}

async function nameOf(opened: OpenedClient, vaultId: string): Promise<string | undefined> {
  const entry = await opened.client.records.get(vaultId, VAULT_NAME_RECORD);
  return vaultNameOf(entry?.value);
}

/**
 * Every vault of the account with its name. `sync` pulls each vault first
 * (needed on a new device); offline, only vaults already replicated are listed.
 */
export async function listNamedVaults(
  opened: OpenedClient,
  options: { sync: boolean; onOffline?: () => void; onLeft?: (vaults: string[]) => void },
): Promise<NamedVault[]> {
  let summaries: Array<{ vaultId: string; role: string | undefined }>;
  try {
    summaries = (await opened.client.vaults.list()).map((v) => ({
      vaultId: v.vaultId,
      role: v.role,
    }));
    const ids = summaries.map((v) => v.vaultId);
    const gone = await rememberLeft(opened, await knownIds(opened), ids);
    if (gone.length > 0 && options.onLeft !== undefined) {
      // The name, while this device can still open it (else the id).
      const labels: string[] = [];
      for (const id of gone) labels.push((await nameOf(opened, id).catch(() => undefined)) ?? id);
      options.onLeft(labels);
    }
    await rememberIds(opened, ids);
  } catch (e) {
    if (!isTransient(e)) throw e;
    summaries = (await knownIds(opened)).map((vaultId) => ({ vaultId, role: undefined }));
    options.onOffline?.();
    options = { sync: false };
  }
  const out: NamedVault[] = [];
  for (const s of summaries) {
    if (options.sync) await opened.client.sync(s.vaultId);
    let name: string | undefined;
    let unreadable: CliError | undefined;
    try {
      name = await nameOf(opened, s.vaultId);
    } catch (e) {
      if (e instanceof CliError) throw e;
      // A name that fails verification must not pass for a vault without one:
      // "no vault named X" would hide the damage (see resolveVault).
      // Only damage: a vault whose key this device lacks (not granted yet) has no name here either.
      const failed = toCliError(e);
      if (failed !== undefined && failed.exit === 'crypto' && !KEY_MISSING.has(failed.code))
        unreadable = failed;
      name = undefined;
    }
    out.push({
      vaultId: s.vaultId,
      name: name ?? s.vaultId,
      role: s.role,
      ...(unreadable === undefined ? {} : { unreadable }),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Names of `vaults` listed before they were pulled (a new device: the name
 * record was not replicated yet, so the id stood in), read again after a sync.
 */
export async function renameAfterSync(
  opened: OpenedClient,
  vaults: readonly NamedVault[],
): Promise<NamedVault[]> {
  const out: NamedVault[] = [];
  for (const v of vaults) {
    const name =
      v.name === v.vaultId && v.unreadable === undefined
        ? await nameOf(opened, v.vaultId).catch(() => undefined)
        : undefined;
    out.push(name === undefined ? v : { ...v, name });
  }
  return out;
}

/** Like {@link resolveVault}, and refuses (exit 3) when this account may only read the vault. */
export async function resolveWritableVault(opened: OpenedClient, name: string): Promise<string> {
  const vaultId = await resolveVault(opened, name, { sync: false });
  const role = (await listNamedVaults(opened, { sync: false })).find(
    (v) => v.vaultId === vaultId,
  )?.role;
  if (role === 'reader') {
    throw new CliError(
      'auth',
      'forbidden_by_role',
      `you are a reader of ${name}: you cannot change it`,
    );
  }
  return vaultId;
}

/** The id of the vault called `name` (or given by id). Not found is exit 4. */
export async function resolveVault(
  opened: OpenedClient,
  name: string,
  options: { sync: boolean },
): Promise<string> {
  let offline = false;
  const vaults = await listNamedVaults(opened, {
    ...options,
    onOffline: () => {
      offline = true;
    },
  });
  const matches = vaults.filter((v) => v.name === name || v.vaultId === name);
  if (matches.length === 0 && !options.sync && !offline)
    return resolveVault(opened, name, { sync: true });
  const unreadable = vaults.filter((v) => v.unreadable !== undefined);
  if (matches.length === 0 && unreadable.length > 0) throw unreadableNames(name, unreadable);
  // Only the server knows every vault: "not found" (exit 4) would tell a script
  // that the vault does not exist when it only could not ask (a new CI profile).
  if (matches.length === 0 && offline)
    throw new CliError(
      'network',
      'network',
      `cannot reach the server to look up vault ${name} (this device has no vault of that name)`,
      'is the server running? `coffer doctor` checks the connection',
    );
  if (matches.length === 0) {
    const left = (await leftIds(opened)).filter((id) => !vaults.some((v) => v.vaultId === id));
    throw new CliError(
      'notFound',
      'vault_not_found',
      `no vault named ${name}`,
      left.length === 0
        ? 'see: coffer vault list'
        : `see: coffer vault list. This account lost access to ${left.length} vault(s) it had here (removed by an owner or admin, or deleted); if ${name} was one, ask them to share it again`,
    );
  }
  if (matches.length > 1) {
    throw new CliError(
      'conflict',
      'ambiguous_vault',
      `several vaults are named ${name}`,
      `use the id: ${matches.map((m) => m.vaultId).join(', ')}`,
    );
  }
  return matches[0]!.vaultId;
}

/** The name looked up may be one this device can no longer read: say that, in the crypto class. */
function unreadableNames(name: string, unreadable: NamedVault[]): CliError {
  return new CliError(
    'crypto',
    'vault_name_unreadable',
    `no readable vault named ${name}: the name of ${unreadable.map((v) => v.vaultId).join(', ')} does not open (${unreadable[0]?.unreadable?.message ?? 'decryption failed'}); the local replica is damaged or was tampered with`,
    '`coffer logout` then `coffer login` rebuilds the replica from the server (which keeps everything pushed)',
  );
}

/** Warnings for `vault list`: vaults shown by id because their name does not open. */
export function unreadableNameWarnings(vaults: readonly NamedVault[]): string[] {
  return vaults
    .filter((v) => v.unreadable !== undefined)
    .map(
      (v) =>
        `the name of vault ${v.vaultId} does not open (damaged or tampered local replica); shown by its id`,
    );
}

/** Create a vault and write its name record (pushed at once). */
export async function createNamedVault(opened: OpenedClient, name: string): Promise<string> {
  if (!isValidVaultName(name)) {
    throw new CliError('usage', 'bad_vault_name', 'a vault name has 1-200 printable characters');
  }
  const existing = await listNamedVaults(opened, { sync: true });
  if (existing.some((v) => v.name === name)) {
    throw new CliError('conflict', 'already_exists', `a vault named ${name} already exists`);
  }
  const vault = await opened.client.vaults.create();
  await opened.client.records.put(vault.vaultId, VAULT_NAME_RECORD, vaultNameValue(name));
  await opened.client.sync(vault.vaultId);
  await rememberIds(opened, [...existing.map((v) => v.vaultId), vault.vaultId]);
  return vault.vaultId;
}
