/**
 * `coffer decrypt`: open a file envelope (streamed). Output lands in a temp
 * file and is renamed over OUT only after the last chunk verified.
 */
import { createOpenEnvelopeStream, type OpenEnvelopeOptions } from '@coffer/protocol';
import { arg, booleanOption, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';
import { readPassphrase } from '../cli/passphrase.ts';
import { createProgress } from '../cli/progress.ts';
import { type ByteSource, openByteSource } from '../crypto/byte-source.ts';
import { FILE_APP_CONTEXT, peekHeader } from '../crypto/file-envelope.ts';
import { checkTarget, pipeToTarget } from '../crypto/file-io.ts';

async function openOptions(
  ctx: CommandContext,
  input: string,
  source: ByteSource,
): Promise<{ options: OpenEnvelopeOptions; source: ByteSource }> {
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
  if (header.stanzas.some((s) => s.kind === 'passphrase')) {
    options.passphrase = await readPassphrase(ctx, `Passphrase for ${input}`);
  } else {
    const { fileDecryptionKeys } = await import('../account/file-recipients.ts');
    options.x25519Keys = await fileDecryptionKeys(ctx);
  }
  return { options, source: peeked.source };
}

export async function run(ctx: CommandContext): Promise<void> {
  const input = arg(ctx, 'IN');
  const output = arg(ctx, 'OUT');
  const force = booleanOption(ctx, 'force');
  await checkTarget(output, force);
  const opened = await openByteSource(input);
  let prepared: { options: OpenEnvelopeOptions; source: ByteSource };
  try {
    prepared = await openOptions(ctx, input, opened);
  } catch (e) {
    await opened.close();
    throw e;
  }
  const progress = createProgress(ctx.out, 'decrypting', opened.size);
  const open = createOpenEnvelopeStream(prepared.options);
  try {
    const report = await pipeToTarget(prepared.source, open, output, {
      force,
      onProgress: (n) => progress.update(n),
    });
    ctx.out.result(
      { in: input, out: output, bytesIn: report.bytesIn, bytesOut: report.bytesOut },
      output === '-' ? undefined : `decrypted ${input} -> ${output} (${report.bytesOut} bytes)`,
    );
  } finally {
    progress.finish();
  }
}
