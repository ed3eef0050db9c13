/**
 * Vaults: create, list, share with pinned keys, roles, removal with key
 * rotation; and the keyring of each vault, opened from key grants that must
 * be signed by a member whose key this device trusts.
 */
import {
  decodeArmor,
  encodeArmor,
  fingerprint,
  fromHex,
  generateVaultKey,
  kidForPublicKey,
  type MemberList,
  openKeyGrant,
  sealKeyGrant,
  toHex,
  type VaultKey,
  type VaultSummary,
} from '@coffer/protocol';
import type { AccountSession } from '../account/accounts-api.ts';
import type { LocalStore } from '../store/types.ts';
import { CofferClientError, isTransient } from '../transport/errors.ts';
import type { Transport } from '../transport/transport.ts';
import { fromBase64Url } from '../util/base64url.ts';
import type { Clock } from '../util/env.ts';
import { buildKeyring, type VaultKeyring } from './keyring.ts';
import { writeReencryptProgress } from './reencrypt-progress.ts';

/** The public keys a key grant and a signature check need. */
type MemberKeys = Pick<UserKeys, 'x25519PublicKey' | 'ed25519PublicKey'>;

const ownKeys = (s: AccountSession): MemberKeys => ({
  x25519PublicKey: s.bundle.x25519.publicKey,
  ed25519PublicKey: s.bundle.ed25519.publicKey,
});

/** Store meta naming the member this device removed from a vault, until the rotation is done. */
const removalKey = (vaultId: string) => `member-removal:${vaultId}`;

/** A user's public keys as checked against this device's pins. */
export interface UserKeys {
  accountId: string;
  username: string;
  fingerprint: string;
  x25519PublicKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
}

export class VaultsApi {
  readonly #transport: Transport;
  readonly #store: LocalStore;
  readonly #clock: Clock;
  readonly #session: () => AccountSession;
  readonly #rings = new Map<string, Promise<VaultKeyring>>();
  /** Reports grants that are not signed by a trusted member. */
  readonly #report: (code: string, message: string, vaultId: string) => void;

  constructor(
    transport: Transport,
    store: LocalStore,
    clock: Clock,
    session: () => AccountSession,
    report: (code: string, message: string, vaultId: string) => void,
  ) {
    this.#transport = transport;
    this.#store = store;
    this.#clock = clock;
    this.#session = session;
    this.#report = report;
  }

  /**
   * A user's keys from the key directory, pinned on first use. A key that
   * differs from the pin is a `user_key_changed` error unless `acceptChangedKey`.
   * `pin: false` only looks: an app that asks its user to compare the
   * fingerprint first must not pin keys the user then rejects (`share` pins).
   */
  async userKeys(
    username: string,
    options: { acceptChangedKey?: boolean; pin?: boolean } = {},
  ): Promise<UserKeys> {
    const dir = await this.#transport.getPublicKeys(username);
    const keys = {
      accountId: dir.accountId,
      username,
      x25519PublicKey: fromBase64Url(dir.encryptionPublicKey),
      ed25519PublicKey: fromBase64Url(dir.signingPublicKey),
    };
    const fp = await fingerprint(keys);
    const pin = await this.#store.getPinnedUser(username);
    if (pin && pin.fingerprint !== fp && !options.acceptChangedKey) {
      throw new CofferClientError(
        'user_key_changed',
        `the keys of ${username} changed since they were pinned: compare fingerprints out of band`,
      );
    }
    if (options.pin !== false && (!pin || pin.fingerprint !== fp)) {
      await this.#store.putPinnedUser({
        username,
        fingerprint: fp,
        x25519PublicKey: keys.x25519PublicKey,
        ed25519PublicKey: keys.ed25519PublicKey,
        pinnedAt: this.#clock.now(),
      });
    }
    return { ...keys, fingerprint: fp };
  }

  async #granter() {
    const s = this.#session();
    return { kid: s.signingKid, ed25519Seed: s.bundle.ed25519.seed };
  }

  /** Create a vault; this account is its owner and holds the epoch-1 key. */
  async create(): Promise<VaultSummary> {
    const s = this.#session();
    const vault = await this.#transport.createVault();
    const key = await generateVaultKey(1);
    const grant = await sealKeyGrant({
      vaultId: fromHex(vault.vaultId),
      vaultKey: key,
      recipients: [{ kid: s.encryptionKid, x25519PublicKey: s.bundle.x25519.publicKey }],
      granter: await this.#granter(),
    });
    await this.#transport.putGrants(vault.vaultId, {
      grants: [{ accountId: s.accountId, epoch: 1, grant: encodeArmor(grant) }],
    });
    const self = { kid: s.signingKid, ed25519PublicKey: s.bundle.ed25519.publicKey };
    this.#rings.set(vault.vaultId, buildKeyring(vault.vaultId, [key], [self]));
    return vault;
  }

  /** Vaults this account is a member of. */
  async list(): Promise<VaultSummary[]> {
    this.#session();
    return (await this.#transport.listVaults()).vaults;
  }

  /** Members of a vault with their roles (any member may list them). */
  async members(vaultId: string): Promise<MemberList['members']> {
    this.#session();
    return (await this.#transport.listMembers(vaultId)).members;
  }

  /** Drop every vault key held in memory (on logout or another account's login). */
  forgetKeys(): void {
    // Not zeroed: a sync still running may hold the ring; dropping the cache
    // is what guarantees the next account never reads with these keys.
    this.#rings.clear();
  }

  /** The vault's keyring (cached in memory; `refresh` after a rotation). */
  keyring(vaultId: string, options: { refresh?: boolean } = {}): Promise<VaultKeyring> {
    let ring = this.#rings.get(vaultId);
    if (!ring || options.refresh) {
      ring = this.#loadKeyring(vaultId);
      this.#rings.set(vaultId, ring);
      ring.catch(() => this.#rings.delete(vaultId));
    }
    return ring;
  }

  /**
   * Keys this device trusts for the vault, from the member list and this
   * device's pins: granters (owners and admins) may sign key grants, signers
   * (every current member) may sign records.
   */
  async #trustedMembers(vaultId: string) {
    const s = this.#session();
    const self = { kid: s.signingKid, ed25519PublicKey: s.bundle.ed25519.publicKey };
    const granters = [self];
    const signers = [self];
    for (const m of (await this.#transport.listMembers(vaultId)).members) {
      if (m.accountId === s.accountId) continue;
      try {
        const keys = await this.userKeys(m.username);
        const member = {
          kid: await kidForPublicKey('ed25519', keys.ed25519PublicKey),
          ed25519PublicKey: keys.ed25519PublicKey,
        };
        signers.push(member);
        if (m.role === 'owner' || m.role === 'admin') granters.push(member);
      } catch (error) {
        if (isTransient(error)) throw error;
        this.#report('grant_untrusted', `keys of member ${m.username} are not trusted`, vaultId);
      }
    }
    return { granters, signers };
  }

  /**
   * Grants and trusted granters from the server; when it is unreachable, the
   * grants this device verified before (kept in the store exactly as the
   * server sent them: sealed to this account's X25519 key, signed by a member)
   * and the granters that verified them, so offline work goes on.
   */
  async #grantSource(vaultId: string) {
    const metaKey = `vault-granters:${vaultId}`;
    const signersKey = `vault-signers:${vaultId}`;
    const hexKeys = (list: ReadonlyArray<{ kid: Uint8Array; ed25519PublicKey: Uint8Array }>) =>
      JSON.stringify(list.map((t) => ({ kid: toHex(t.kid), pk: toHex(t.ed25519PublicKey) })));
    const keysOf = (json: string) =>
      (JSON.parse(json) as Array<{ kid: string; pk: string }>).map((t) => ({
        kid: fromHex(t.kid),
        ed25519PublicKey: fromHex(t.pk),
      }));
    try {
      const { granters: trusted, signers } = await this.#trustedMembers(vaultId);
      const grants = (await this.#transport.listGrants(vaultId)).grants.map((g) => ({
        epoch: g.epoch,
        sealed: decodeArmor(g.grant),
      }));
      await this.#store.setMeta(metaKey, hexKeys(trusted));
      await this.#store.setMeta(signersKey, hexKeys(signers));
      return { trusted, signers, grants, online: true };
    } catch (error) {
      if (!isTransient(error)) throw error;
      const cached = await this.#store.listSealedVaultKeys(vaultId);
      const granters = await this.#store.getMeta(metaKey);
      const signers = await this.#store.getMeta(signersKey);
      if (cached.length === 0 || granters === undefined || signers === undefined) throw error;
      return {
        trusted: keysOf(granters),
        signers: keysOf(signers),
        grants: cached.map((c) => ({ epoch: c.epoch, sealed: c.sealed })),
        online: false,
      };
    }
  }

  async #loadKeyring(vaultId: string): Promise<VaultKeyring> {
    const s = this.#session();
    const { trusted, signers, grants, online } = await this.#grantSource(vaultId);
    const keys: VaultKey[] = [];
    for (const g of grants) {
      try {
        keys.push(
          await openKeyGrant(g.sealed, {
            vaultId: fromHex(vaultId),
            epoch: g.epoch,
            recipient: { kid: s.encryptionKid, x25519PrivateKey: s.bundle.x25519.privateKey },
            trustedGranters: trusted,
          }),
        );
        if (online)
          await this.#store.putSealedVaultKey({ vaultId, epoch: g.epoch, sealed: g.sealed });
      } catch {
        this.#report(
          'grant_untrusted',
          `the key grant of epoch ${g.epoch} is not signed by a member`,
          vaultId,
        );
      }
    }
    return buildKeyring(vaultId, keys, signers);
  }

  /** Grant a user every epoch's key and make them a member. */
  async share(
    vaultId: string,
    username: string,
    role: 'admin' | 'writer' | 'reader',
    options: { acceptChangedKey?: boolean } = {},
  ): Promise<UserKeys> {
    const user = await this.userKeys(username, options);
    const ring = await this.keyring(vaultId);
    const recipient = {
      kid: await kidForPublicKey('x25519', user.x25519PublicKey),
      x25519PublicKey: user.x25519PublicKey,
    };
    const grants = [];
    for (const key of ring.keys) {
      const grant = await sealKeyGrant({
        vaultId: ring.vaultIdBytes,
        vaultKey: key,
        recipients: [recipient],
        granter: await this.#granter(),
      });
      grants.push({ epoch: key.epoch, grant: encodeArmor(grant) });
    }
    await this.#transport.addMember(vaultId, { accountId: user.accountId, role, grants });
    return user;
  }

  changeRole(
    vaultId: string,
    accountId: string,
    role: 'admin' | 'writer' | 'reader',
  ): Promise<void> {
    return this.#transport.changeRole(vaultId, accountId, { role });
  }

  /**
   * Remove a member, then rotate to a new epoch granted to the remaining
   * members only. Re-encryption of the older records is left pending on this
   * device: `client.reencrypt` runs it (with progress), `client.sync` finishes it.
   *
   * The keys of the members who stay are checked first, so a changed key
   * (`user_key_changed`) stops it before anything changes. If it rejects
   * after the server removed the member (the connection dropped, say), call
   * it again: it finds the member gone and finishes the rotation, so a
   * removed member never keeps the key of later writes.
   */
  async removeMember(vaultId: string, accountId: string): Promise<number> {
    const self = this.#session();
    const marker = removalKey(vaultId);
    const members = (await this.#transport.listMembers(vaultId)).members;
    const leaving = members.some((m) => m.accountId === accountId);
    if (!leaving && (await this.#store.getMeta(marker)) !== accountId) {
      // Not a member, and not one this device removed without rotating:
      // the server's own answer (not_found), should it have none, go on.
      await this.#transport.removeMember(vaultId, accountId);
    }
    const staying = new Map<string, MemberKeys>();
    for (const m of members) {
      if (m.accountId === accountId) continue;
      staying.set(
        m.accountId,
        m.accountId === self.accountId ? ownKeys(self) : await this.userKeys(m.username),
      );
    }
    if (leaving) {
      await this.#store.setMeta(marker, accountId);
      try {
        await this.#transport.removeMember(vaultId, accountId);
      } catch (error) {
        // Refused (forbidden, say): nothing was removed. Without an answer
        // it may have been: the marker lets a retry finish the rotation.
        if (!isTransient(error)) await this.#store.setMeta(marker, undefined);
        throw error;
      }
    }
    const epoch = await this.#rotate(vaultId, staying);
    await this.#store.setMeta(marker, undefined);
    return epoch;
  }

  /** A new epoch granted to the current members (`known` keys first). */
  async #rotate(vaultId: string, known: ReadonlyMap<string, MemberKeys>): Promise<number> {
    const ring = await this.keyring(vaultId, { refresh: true });
    const key = await generateVaultKey(ring.current.epoch + 1);
    const grants = [];
    const signers = [];
    for (const m of (await this.#transport.listMembers(vaultId)).members) {
      const keys =
        known.get(m.accountId) ??
        (m.accountId === this.#session().accountId
          ? ownKeys(this.#session())
          : await this.userKeys(m.username));
      signers.push({
        kid: await kidForPublicKey('ed25519', keys.ed25519PublicKey),
        ed25519PublicKey: keys.ed25519PublicKey,
      });
      const recipient = {
        kid: await kidForPublicKey('x25519', keys.x25519PublicKey),
        x25519PublicKey: keys.x25519PublicKey,
      };
      const grant = await sealKeyGrant({
        vaultId: ring.vaultIdBytes,
        vaultKey: key,
        recipients: [recipient],
        granter: await this.#granter(),
      });
      grants.push({ accountId: m.accountId, grant: encodeArmor(grant) });
    }
    const { epoch } = await this.#transport.newEpoch(vaultId, { epoch: key.epoch, grants });
    this.#rings.set(vaultId, buildKeyring(vaultId, [...ring.keys, key], signers));
    // The removed member's past records are signed by a non-member now: until
    // this device re-seals them under the new epoch, other devices refuse
    // them. `client.reencrypt` (or the next `client.sync`) does it.
    await writeReencryptProgress(this.#store, vaultId, { epoch, after: '', complete: false });
    return epoch;
  }
}
