/**
 * `coffer decrypt`: open a file envelope (streamed). Output lands in a temp
 * file and is renamed over OUT only after the last chunk verified.
 */
import { createOpenEnvelopeStream, type OpenEnvelopeOptions } from '@coffer/protocol';
import { arg, booleanOption, type CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { CliError } from '../cli/exit-codes.ts';
import { readFilePassphrase } from '../cli/passphrase.ts';
import { createProgress } from '../cli/progress.ts';
import { type ByteSource, openByteSource } from '../crypto/byte-source.ts';
import { FILE_APP_CONTEXT, peekHeader } from '../crypto/file-envelope.ts';
import { checkTarget, pipeToTarget } from '../crypto/file-io.ts';

/** `fromAccountEnv`: the file passphrase was COFFER_PASSPHRASE (often the account's). */
interface Prepared {
  options: OpenEnvelopeOptions;
  source: ByteSource;
  fromAccountEnv: boolean;
}

async function openOptions(
  ctx: CommandContext,
  input: string,
  source: ByteSource,
): Promise<Prepared> {
  const peeked = await peekHeader(source);
  const { header } = peeked;
  if (header.contentType !== 'blob' || header.mode !== 'wrapped') {
    throw new CliError(
      'crypto',
      'unexpected_content_type',
      `${input} is a Coffer envelope, but not an encrypted file`,
    );
  }
  const options: OpenEnvelopeOptions = { context: FILE_APP_CONTEXT, contentType: 'blob' };
  let fromAccountEnv = false;
  if (header.stanzas.some((s) => s.kind === 'passphrase')) {
    const read = await readFilePassphrase(ctx, `Passphrase for ${input}`, { choosing: false });
    options.passphrase = read.passphrase;
    fromAccountEnv = read.fromAccountEnv;
  } else {
    const { fileDecryptionKeys } = await import('../account/file-recipients.ts');
    options.x25519Keys = await fileDecryptionKeys(ctx);
  }
  return { options, source: peeked.source, fromAccountEnv };
}

export async function run(ctx: CommandContext): Promise<void> {
  const input = arg(ctx, 'IN');
  const output = arg(ctx, 'OUT');
  const force = booleanOption(ctx, 'force');
  await checkTarget(output, force, input);
  const opened = await openByteSource(input);
  let prepared: Prepared;
  try {
    prepared = await openOptions(ctx, input, opened);
  } catch (e) {
    await opened.close();
    throw e;
  }
  const progress = createProgress(ctx.out, 'decrypting', opened.size);
  const open = createOpenEnvelopeStream(prepared.options);
  let report: { bytesIn: number; bytesOut: number };
  // Plaintext the envelope released had verified under the key: past that, the key was right.
  let verified = 0;
  try {
    report = await pipeToTarget(prepared.source, open, output, {
      force,
      onProgress: (n) => progress.update(n),
      onOutput: (n) => {
        verified += n;
      },
    });
  } catch (e) {
    throw explained(e, input, output, { ...prepared, verified });
  } finally {
    // Before the result line, so the cleared progress line cannot swallow or precede it.
    progress.finish();
  }
  ctx.out.result(
    { in: input, out: output, bytesIn: report.bytesIn, bytesOut: report.bytesOut },
    output === '-' ? undefined : `decrypted ${input} -> ${output} (${report.bytesOut} bytes)`,
  );
}

/**
 * The protocol gives one error for a wrong key and for damage (no oracle); say
 * both, in the words of the envelope kind. Once some plaintext verified the
 * key was right, so a passphrase is not blamed for a damaged or cut file.
 */
function explained(
  e: unknown,
  input: string,
  output: string,
  prepared: Prepared & { verified: number },
): unknown {
  const passphrase = prepared.options.passphrase !== undefined;
  const code = toCliError(e)?.code;
  if (code === 'decryption_failed')
    return new CliError(
      'crypto',
      code,
      prepared.verified > 0
        ? `decryption failed: ${input} is damaged, cut short or was changed after its first ${prepared.verified} bytes (the ${passphrase ? 'passphrase' : 'key'} is right)`
        : passphrase
          ? `decryption failed: wrong passphrase, or ${input} is damaged`
          : `decryption failed: ${input} is damaged or was changed`,
      [
        output === '-'
          ? 'what reached stdout so far is incomplete: discard it'
          : `${output} was not written`,
        passphrase && prepared.fromAccountEnv && prepared.verified === 0
          ? "; the passphrase came from COFFER_PASSPHRASE: give the file's in COFFER_FILE_PASSPHRASE"
          : '',
      ].join(''),
    );
  if (code === 'key_not_found')
    return new CliError(
      'crypto',
      code,
      `${input} was not encrypted to you: none of its recipients is this account`,
      'ask the sender to encrypt it with --to <your username>',
    );
  return e;
}
