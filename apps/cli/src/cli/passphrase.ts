/**
 * Where a passphrase comes from, in order: --passphrase-file, COFFER_PASSPHRASE,
 * an interactive prompt without echo. Never from a command-line argument (it
 * would show in `ps` and shell history).
 */
import { readFile } from 'node:fs/promises';
import type { CommandContext } from './command.ts';
import { CliError } from './exit-codes.ts';
import { canPrompt, promptHidden } from './prompt.ts';

async function fromFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError(
      'notFound',
      'passphrase_file_unreadable',
      `cannot read passphrase file ${path}`,
    );
  }
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '')
    throw new CliError('usage', 'passphrase_empty', `passphrase file ${path} is empty`);
  return first;
}

function missing(): CliError {
  return new CliError(
    'auth',
    'passphrase_required',
    'a passphrase is required and there is no terminal to ask on',
    'set COFFER_PASSPHRASE, pass --passphrase-file PATH, or use COFFER_SESSION from `coffer unlock`',
  );
}

/** The passphrase of an existing account or envelope. */
export async function readPassphrase(ctx: CommandContext, label = 'Passphrase'): Promise<string> {
  if (ctx.globals.passphraseFile !== undefined) return fromFile(ctx.globals.passphraseFile);
  const env = ctx.env.COFFER_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (!canPrompt()) throw missing();
  const value = await promptHidden(`${label}: `);
  if (value === '') throw new CliError('usage', 'passphrase_empty', 'empty passphrase');
  return value;
}

const MIN_NEW_PASSPHRASE = 8;

/**
 * A passphrase being chosen guards keys that a malicious server (it holds the
 * login public key and salt) or a file's holder can attack offline: the same
 * floor whether it is typed, in a variable or in a file. `source` names where
 * it came from (never the value).
 */
function longEnough(passphrase: string, source?: string): string {
  if ([...passphrase].length >= MIN_NEW_PASSPHRASE) return passphrase;
  throw new CliError(
    'usage',
    'passphrase_too_short',
    `passphrase must have at least ${MIN_NEW_PASSPHRASE} characters${source === undefined ? '' : ` (the one in ${source} is shorter)`}`,
    'a few random words are easy to type and hard to guess',
  );
}

/**
 * A passphrase being chosen (signup, encrypt, passphrase change): asked twice
 * on a terminal. `envName`/`fileOption` let scripts supply a second, new one.
 */
export async function readNewPassphrase(
  ctx: CommandContext,
  opts: { envName?: string; file?: string | undefined; label?: string } = {},
): Promise<string> {
  if (opts.file !== undefined) return longEnough(await fromFile(opts.file), opts.file);
  const envName = opts.envName ?? 'COFFER_PASSPHRASE';
  if (envName === 'COFFER_PASSPHRASE' && ctx.globals.passphraseFile !== undefined) {
    return longEnough(await fromFile(ctx.globals.passphraseFile), ctx.globals.passphraseFile);
  }
  const env = ctx.env[envName];
  if (env !== undefined && env !== '') return longEnough(env, envName);
  if (!canPrompt()) {
    throw new CliError(
      'auth',
      'passphrase_required',
      'a new passphrase is required and there is no terminal to ask on',
      `set ${envName} or pass a passphrase file`,
    );
  }
  const label = opts.label ?? 'New passphrase';
  const first = longEnough(await promptHidden(`${label}: `));
  const second = await promptHidden(`${label} (again): `);
  if (first !== second)
    throw new CliError('usage', 'passphrase_mismatch', 'the two passphrases differ');
  return first;
}

/**
 * A file envelope's passphrase (encrypt -p, decrypt): --passphrase-file, then
 * COFFER_FILE_PASSPHRASE, then what an account passphrase comes from. The
 * separate variable lets a shell that exports the account's COFFER_PASSPHRASE
 * open files sealed under another one. `fromAccountEnv`: the value is
 * COFFER_PASSPHRASE (said in the hint when it does not open the file).
 */
export async function readFilePassphrase(
  ctx: CommandContext,
  label: string,
  opts: { choosing: boolean },
): Promise<{ passphrase: string; fromAccountEnv: boolean }> {
  const fileEnv = ctx.env.COFFER_FILE_PASSPHRASE;
  if (ctx.globals.passphraseFile === undefined && fileEnv !== undefined && fileEnv !== '')
    return {
      passphrase: opts.choosing ? longEnough(fileEnv, 'COFFER_FILE_PASSPHRASE') : fileEnv,
      fromAccountEnv: false,
    };
  const fromAccountEnv =
    ctx.globals.passphraseFile === undefined &&
    ctx.env.COFFER_PASSPHRASE !== undefined &&
    ctx.env.COFFER_PASSPHRASE !== '';
  try {
    const passphrase = opts.choosing
      ? await readNewPassphrase(ctx, { label })
      : await readPassphrase(ctx, label);
    return { passphrase, fromAccountEnv };
  } catch (e) {
    // The account's hint (COFFER_SESSION) does not open a file: name what does.
    if (e instanceof CliError && e.code === 'passphrase_required')
      throw new CliError(
        'auth',
        'passphrase_required',
        `${opts.choosing ? 'a new file passphrase' : 'the file passphrase'} is required and there is no terminal to ask on`,
        'set COFFER_FILE_PASSPHRASE (or COFFER_PASSPHRASE), or pass --passphrase-file PATH',
      );
    throw e;
  }
}
