/**
 * Accounts: signup, login (prelogin → derive keys → challenge → sign →
 * token → open key bundle), logout, passphrase change (re-seals only the key
 * bundle), sessions. The passphrase and derived keys never leave the device.
 */
import {
  createKeyBundle,
  DEFAULT_KDF_PARAMS,
  decodeArmor,
  ed25519Sign,
  encodeArmor,
  generateAccountSalt,
  type KeyBundle,
  kidForPublicKey,
  loginChallengeMessage,
  openKeyBundle,
  resealKeyBundle,
  type SessionList,
  sealKeyBundle,
  Username,
} from '@coffer/protocol';
import { CofferClientError, ServerProblemError } from '../transport/errors.ts';
import type { Transport } from '../transport/transport.ts';
import { fromBase64Url, toBase64Url } from '../util/base64url.ts';
import type { DeriveKeys } from './kdf.ts';

/** A logged-in account, in memory only. */
export interface AccountSession {
  accountId: string;
  username: string;
  sessionId: string;
  bundle: KeyBundle;
  signingKid: Uint8Array;
  encryptionKid: Uint8Array;
}

/**
 * The key bundle's appContext binds an account id, but the server assigns the
 * id only after signup (which carries the bundle): so the bundle binds the
 * username, which is unique and never changes.
 */
const bundleOwner = (username: string) => ({ accountId: username });

/**
 * The server's username rule, checked here so that a person learns it
 * (the server answers only "the request body does not match the schema")
 * before a second of key derivation. The name itself is not echoed.
 */
function checkUsername(username: string): void {
  const checked = Username.safeParse(username);
  if (!checked.success) {
    const rule = checked.error.issues[0]?.message ?? 'is not valid';
    throw new CofferClientError('bad_argument', `a username ${rule}`);
  }
}

export class AccountsApi {
  readonly #transport: Transport;
  readonly #derive: DeriveKeys;
  readonly #onSession: (session: AccountSession | undefined) => void;
  #session: AccountSession | undefined;
  #token: string | undefined;

  constructor(
    transport: Transport,
    derive: DeriveKeys,
    onSession: (s: AccountSession | undefined) => void,
  ) {
    this.#transport = transport;
    this.#derive = derive;
    this.#onSession = onSession;
  }

  /** The current session, or undefined when logged out. */
  get session(): AccountSession | undefined {
    return this.#session;
  }

  /** Create an account (then log in with {@link AccountsApi.login}). */
  async signup(username: string, passphrase: string): Promise<{ accountId: string }> {
    checkUsername(username);
    const salt = generateAccountSalt();
    const params = { ...DEFAULT_KDF_PARAMS };
    const keys = await this.#derive({ passphrase, salt, params });
    const bundle = await createKeyBundle();
    const sealed = await sealKeyBundle(bundle, keys.masterKey, bundleOwner(username));
    const answer = await this.#transport.signup({
      username,
      loginPublicKey: toBase64Url(keys.loginPublicKey),
      kdf: { salt: toBase64Url(salt), params: { algorithm: 'argon2id', ...params } },
      keyBundle: encodeArmor(sealed),
      encryptionPublicKey: toBase64Url(bundle.x25519.publicKey),
      signingPublicKey: toBase64Url(bundle.ed25519.publicKey),
    });
    return { accountId: answer.accountId };
  }

  async #signChallenge(
    username: string,
    passphrase: string,
    purpose: 'login' | 'change-credentials',
  ) {
    const { kdf } = await this.#transport.prelogin(username);
    const keys = await this.#derive({
      passphrase,
      salt: fromBase64Url(kdf.salt),
      params: kdf.params,
    });
    const challenge = await this.#transport.challenge({ username });
    // A challenge naming another origin was meant for another server: refuse to sign it.
    if (challenge.origin !== this.#transport.origin) {
      throw new CofferClientError('wrong_origin', 'the login challenge names another server');
    }
    const message = loginChallengeMessage({
      purpose,
      challenge: fromBase64Url(challenge.challenge),
      origin: challenge.origin,
      username,
    });
    const signature = toBase64Url(await ed25519Sign(keys.loginSeed, message));
    return { keys, challengeId: challenge.challengeId, signature };
  }

  /** Log in: afterwards the key bundle is open in memory and sync can run. */
  async login(username: string, passphrase: string, deviceName?: string): Promise<AccountSession> {
    checkUsername(username);
    const { keys, challengeId, signature } = await this.#signChallenge(
      username,
      passphrase,
      'login',
    );
    const answer = await this.#transport
      .login({ username, challengeId, signature, ...(deviceName ? { deviceName } : {}) })
      .catch((error: unknown) => {
        // The server's one 401 for every credential problem reads "missing,
        // invalid, expired or revoked credentials": at login it means this
        // (the same for an unknown username: no oracle).
        if (error instanceof ServerProblemError && error.status === 401) {
          throw new ServerProblemError(
            error.code,
            401,
            'Unauthorized: wrong username or passphrase',
            error.retryAfterMs,
          );
        }
        throw error;
      });
    this.#transport.setToken(answer.token);
    this.#token = answer.token;
    const account = await this.#transport.getAccount();
    const bundle = await openKeyBundle(
      decodeArmor(account.keyBundle),
      keys.masterKey,
      bundleOwner(username),
    );
    keys.masterKey.fill(0);
    keys.loginSeed.fill(0);
    this.#session = {
      accountId: answer.accountId,
      username,
      sessionId: answer.sessionId,
      bundle,
      signingKid: await kidForPublicKey('ed25519', bundle.ed25519.publicKey),
      encryptionKid: await kidForPublicKey('x25519', bundle.x25519.publicKey),
    };
    this.#onSession(this.#session);
    return this.#session;
  }

  /**
   * The server session's bearer token, so an application that restarts (the
   * CLI runs one process per command) can keep it SEALED and {@link resume}.
   */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * Restore a session persisted by the application after an earlier
   * {@link login}: no key derivation and no network, so offline work goes on.
   *
   * @example
   * client.accounts.resume(session, token); // both from the app's sealed storage
   */
  resume(session: AccountSession, token: string): void {
    this.#transport.setToken(token);
    this.#token = token;
    this.#session = session;
    this.#onSession(session);
  }

  /** End the session on the server and forget the keys. */
  async logout(): Promise<void> {
    try {
      if (this.#session) await this.#transport.logout();
    } finally {
      this.#session?.bundle.x25519.privateKey.fill(0);
      this.#session?.bundle.ed25519.seed.fill(0);
      this.#session = undefined;
      this.#token = undefined;
      this.#transport.setToken(undefined);
      this.#onSession(undefined);
    }
  }

  /** New passphrase: new salt and login key, the same key pairs re-sealed. */
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    const session = this.#require();
    const { keys, challengeId, signature } = await this.#signChallenge(
      session.username,
      oldPassphrase,
      'change-credentials',
    );
    const salt = generateAccountSalt();
    const params = { ...DEFAULT_KDF_PARAMS };
    const next = await this.#derive({ passphrase: newPassphrase, salt, params });
    const account = await this.#transport.getAccount();
    const sealed = await resealKeyBundle(
      decodeArmor(account.keyBundle),
      keys.masterKey,
      next.masterKey,
      bundleOwner(session.username),
    ).catch((error: unknown) => {
      // The bundle does not open under keys derived from `oldPassphrase`. The
      // code stays the protocol's (apps map it), the error becomes the SDK's.
      const code = (error as { code?: unknown }).code;
      if (code === 'key_not_found' || code === 'decryption_failed') {
        throw new CofferClientError(code, 'the current passphrase is wrong', { cause: error });
      }
      throw error;
    });
    await this.#transport.changeCredentials({
      challengeId,
      signature,
      loginPublicKey: toBase64Url(next.loginPublicKey),
      kdf: { salt: toBase64Url(salt), params: { algorithm: 'argon2id', ...params } },
      keyBundle: encodeArmor(sealed),
    });
  }

  listSessions(): Promise<SessionList> {
    this.#require();
    return this.#transport.listSessions();
  }

  revokeSession(sessionId: string): Promise<void> {
    this.#require();
    return this.#transport.revokeSession(sessionId);
  }

  #require(): AccountSession {
    if (!this.#session) throw new CofferClientError('not_logged_in', 'log in first');
    return this.#session;
  }
}
