/**
 * The prompts a person meets at a terminal, on a real pseudo-terminal with
 * the built binary and a real server: the certificate question on first
 * contact, hidden passphrases (never echoed, Backspace works, Ctrl-C
 * cancels), the second entry of a new passphrase.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../tooling/test-temp.ts';
import { coffer, json } from './helpers/cli.ts';
import { cofferOnTerminal } from './helpers/pty.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const newHome = () => tempDir('coffer-tty-');
const CHOOSE = 'Choose a passphrase: ';
const AGAIN = 'Choose a passphrase (again): ';

/** `signup` arguments for `name` on the test server, pinned by flag unless `pinned` is false. */
const signupArgs = (name: string, pinned = true) => [
  'signup',
  '--server',
  server.url,
  '--username',
  name,
  ...(pinned ? ['--pin', server.fingerprint] : []),
];

/** Sign `name` up without a terminal (passphrase `<name> passphrase`); the exit code. */
async function signUpQuietly(home: string, name: string): Promise<number> {
  const r = await coffer(signupArgs(name), {
    env: { COFFER_HOME: home, COFFER_PASSPHRASE: `${name} passphrase` },
  });
  return r.code;
}

/** Non-interactive check that `passphrase` opens the account kept in `home`. */
async function opensWith(home: string, passphrase: string): Promise<number> {
  const r = await coffer(['--json', 'vault', 'list'], {
    env: { COFFER_HOME: home, COFFER_PASSPHRASE: passphrase },
  });
  return r.code;
}

describe('coffer on a terminal', () => {
  it('asks before pinning an unknown certificate, then asks for the passphrase twice without echoing it', async () => {
    const home = await newHome();
    const secret = 'tty secret number one';
    const r = await cofferOnTerminal(
      signupArgs('tina', false),
      [
        { expect: 'Trust and pin this certificate? [y/N] ', send: 'y\r' },
        { expect: CHOOSE, send: `${secret}\r` },
        { expect: AGAIN, send: `${secret}\r` },
      ],
      { COFFER_HOME: home },
    );
    expect(r).toMatchObject({ code: 0, timedOut: false, pending: null });
    // The certificate is described before the question, with the fingerprint the server printed.
    expect(r.output).toContain(server.fingerprint);
    expect(r.output).not.toContain(secret);
    expect(r.output).not.toContain('tty secret');
    expect(await opensWith(home, secret)).toBe(0);
    // Pinned: the next command asks nothing and trusts the same server.
    const later = await coffer(['--json', 'whoami'], { env: { COFFER_HOME: home } });
    expect(json(later)).toMatchObject({ username: 'tina' });
  });

  it('pins nothing and sends nothing when the certificate is refused', async () => {
    const home = await newHome();
    const r = await cofferOnTerminal(
      signupArgs('rita', false),
      [{ expect: '[y/N] ', send: 'n\r' }],
      { COFFER_HOME: home },
    );
    expect(r.code).toBe(6);
    expect(r.output).toMatch(/nothing was sent to the server/);
    expect(r.output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Not pinned: without a terminal the same command is refused again.
    const again = await coffer(signupArgs('rita', false), {
      env: { COFFER_HOME: home, COFFER_PASSPHRASE: 'rita passphrase' },
    });
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/not trusted/);
    // Nothing was sent: the name is still free.
    expect(await signUpQuietly(home, 'rita')).toBe(0);
  });

  it('cancels at a passphrase prompt with Ctrl-C (exit 130), creating nothing', async () => {
    const home = await newHome();
    const r = await cofferOnTerminal(
      signupArgs('carl'),
      [{ expect: CHOOSE, send: 'half typed\u0003' }],
      { COFFER_HOME: home },
    );
    expect(r.code).toBe(130);
    expect(r.output).not.toContain('half typed');
    expect(await signUpQuietly(home, 'carl')).toBe(0);
  });

  it('lets Backspace correct a hidden passphrase, and refuses two different entries', async () => {
    const home = await newHome();
    const typed = 'backspace pass wrongXY\u007f\u007f\u007f\u007f\u007f\u007f\u007fright\r';
    const r = await cofferOnTerminal(
      signupArgs('bea'),
      [
        { expect: CHOOSE, send: typed },
        { expect: AGAIN, send: 'backspace pass right\r' },
      ],
      { COFFER_HOME: home },
    );
    expect(r.code).toBe(0);
    expect(await opensWith(home, 'backspace pass right')).toBe(0);
    expect(await opensWith(home, 'backspace pass wrongXY')).toBe(3);

    const other = await newHome();
    const mismatch = await cofferOnTerminal(
      signupArgs('dan'),
      [
        { expect: CHOOSE, send: 'first passphrase\r' },
        { expect: AGAIN, send: 'second passphrase\r' },
      ],
      { COFFER_HOME: other },
    );
    expect(mismatch.code).toBe(2);
    expect(mismatch.output).toMatch(/the two passphrases differ/);
  });

  it('shares a vault only after the fingerprint is confirmed; a rejected key stays unpinned', async () => {
    const ana = await newHome();
    const ben = await newHome();
    const env = (home: string, passphrase: string) => ({
      COFFER_HOME: home,
      COFFER_PASSPHRASE: passphrase,
    });
    expect(await signUpQuietly(ana, 'ana')).toBe(0);
    expect(await signUpQuietly(ben, 'ben')).toBe(0);
    expect(
      (await coffer(['vault', 'create', 'plans'], { env: env(ana, 'ana passphrase') })).code,
    ).toBe(0);
    const share = (answer: string) =>
      cofferOnTerminal(
        ['vault', 'share', 'plans', 'ben', '--role', 'reader'],
        [{ expect: 'Does ben read the same fingerprint to you? [y/N] ', send: answer }],
        env(ana, 'ana passphrase'),
      );
    const refused = await share('n\r');
    expect(refused.code).toBe(8);
    expect(refused.output).toMatch(/ben's fingerprint: (\d{5} ){11}\d{5}/);
    expect(refused.output).toMatch(/not shared/);
    // Asked again: the rejected key was not pinned on the way.
    const accepted = await share('y\r');
    expect(accepted).toMatchObject({ code: 0, pending: null });
    expect(accepted.output).toMatch(/shared plans with ben as reader/);
    const list = await coffer(['--json', 'vault', 'list'], { env: env(ben, 'ben passphrase') });
    expect(list.stdout).toContain('reader');
  });

  it('encrypts to a user only after the fingerprint is confirmed; a rejected key stays unpinned', async () => {
    const cid = await newHome();
    const dov = await newHome();
    expect(await signUpQuietly(cid, 'cid')).toBe(0);
    expect(await signUpQuietly(dov, 'dov')).toBe(0);
    const plain = join(cid, 'memo.txt');
    await writeFile(plain, 'for dov');
    const sealed = join(cid, 'memo.cfr');
    const encrypt = (answer: string) =>
      cofferOnTerminal(
        ['encrypt', '--to', 'dov', plain, sealed],
        [{ expect: 'Does dov read the same fingerprint to you? [y/N] ', send: answer }],
        { COFFER_HOME: cid, COFFER_PASSPHRASE: 'cid passphrase' },
      );
    const refused = await encrypt('n\r');
    expect(refused.code).toBe(8);
    expect(refused.output).toMatch(/dov's fingerprint: (\d{5} ){11}\d{5}/);
    expect(refused.output).toMatch(/not encrypted to dov/);
    await expect(readFile(sealed)).rejects.toThrow();
    // Asked again: the rejected key was not pinned on the way.
    const accepted = await encrypt('y\r');
    expect(accepted).toMatchObject({ code: 0, pending: null });
    const opened = await coffer(['decrypt', sealed, '-'], {
      env: { COFFER_HOME: dov, COFFER_PASSPHRASE: 'dov passphrase' },
    });
    expect(opened.stdout).toBe('for dov');
  });

  it('does not write ciphertext to the terminal (exit 2, before asking for anything)', async () => {
    const dir = await newHome();
    const plain = join(dir, 'plain.txt');
    await writeFile(plain, 'secret words');
    const r = await cofferOnTerminal(['encrypt', '--passphrase', plain, '-'], [], {
      COFFER_HOME: dir,
    });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/not writing the encrypted bytes to the terminal/);
    expect(r.output).not.toMatch(/Passphrase/);
  });

  it('encrypts and decrypts a file with passphrases typed at the terminal', async () => {
    const dir = await newHome();
    const plain = join(dir, 'notes.txt');
    await writeFile(plain, 'meet at noon\n');
    const sealed = join(dir, 'notes.cof');
    const enc = await cofferOnTerminal(
      ['encrypt', '--passphrase', plain, sealed],
      [
        { expect: 'Passphrase for this file: ', send: 'file pass phrase\r' },
        { expect: 'Passphrase for this file (again): ', send: 'file pass phrase\r' },
      ],
      { COFFER_HOME: dir },
    );
    expect(enc.code).toBe(0);
    expect(enc.output).not.toContain('file pass phrase');
    const out = join(dir, 'notes.out');
    const wrong = await cofferOnTerminal(
      ['decrypt', sealed, out],
      [{ expect: `Passphrase for ${sealed}: `, send: 'not the phrase\r' }],
      { COFFER_HOME: dir },
    );
    expect(wrong.code).toBe(8);
    const right = await cofferOnTerminal(
      ['decrypt', sealed, out],
      [{ expect: `Passphrase for ${sealed}: `, send: 'file pass phrase\r' }],
      { COFFER_HOME: dir },
    );
    expect(right.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('meet at noon\n');
  });
});
