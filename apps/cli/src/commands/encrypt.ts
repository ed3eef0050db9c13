/** `coffer encrypt`: seal a file (any size, streamed) to a passphrase or to users. */
import { createSealEnvelopeStream, type Recipient } from '@coffer/protocol';
import { arg, booleanOption, type CommandContext, listOption } from '../cli/command.ts';
import { usageError } from '../cli/exit-codes.ts';
import { readFilePassphrase } from '../cli/passphrase.ts';
import { createProgress } from '../cli/progress.ts';
import { openByteSource } from '../crypto/byte-source.ts';
import { FILE_APP_CONTEXT } from '../crypto/file-envelope.ts';
import { checkTarget, pipeToTarget } from '../crypto/file-io.ts';

async function recipientsFor(ctx: CommandContext): Promise<Recipient[]> {
  const to = listOption(ctx, 'to');
  const passphrase = booleanOption(ctx, 'passphrase');
  if (passphrase === to.length > 0) {
    throw usageError(
      'choose exactly one of --passphrase or --to USER',
      'see: coffer encrypt --help',
    );
  }
  if (passphrase) {
    // Argon2id at the protocol floor (the stanza's default): 64 MiB, t=3, p=1.
    return [
      {
        type: 'passphrase',
        passphrase: (await readFilePassphrase(ctx, 'Passphrase for this file', { choosing: true }))
          .passphrase,
      },
    ];
  }
  const { resolveFileRecipients } = await import('../account/file-recipients.ts');
  return resolveFileRecipients(ctx, to);
}

export async function run(ctx: CommandContext): Promise<void> {
  const input = arg(ctx, 'IN');
  const output = arg(ctx, 'OUT');
  // Ciphertext is binary: on a terminal it is noise that can also set terminal modes.
  if (output === '-' && process.stdout.isTTY === true)
    throw usageError(
      'not writing the encrypted bytes to the terminal',
      'redirect stdout (coffer encrypt … - > FILE.cfr) or give OUT as a file',
    );
  await checkTarget(output, booleanOption(ctx, 'force'), input);
  const recipients = await recipientsFor(ctx);
  const source = await openByteSource(input);
  const progress = createProgress(ctx.out, 'encrypting', source.size);
  const seal = createSealEnvelopeStream({
    contentType: 'blob',
    context: FILE_APP_CONTEXT,
    recipients,
  });
  const report = await pipeToTarget(source, seal, output, {
    force: booleanOption(ctx, 'force'),
    onProgress: (n) => progress.update(n),
  });
  progress.finish();
  ctx.out.result(
    {
      in: input,
      out: output,
      bytesIn: report.bytesIn,
      bytesOut: report.bytesOut,
      recipients: recipients.map((r) => r.type),
    },
    output === '-' ? undefined : `encrypted ${input} -> ${output} (${report.bytesOut} bytes)`,
  );
}
