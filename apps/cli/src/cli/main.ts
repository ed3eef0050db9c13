/**
 * Runs one `coffer` invocation: parse, dispatch to the lazily loaded command,
 * map errors to messages and exit codes. Returns the exit code (the bin sets
 * process.exitCode; tests can call this directly).
 */
import { resolveHome } from '../profile/home.ts';
import { CLI_VERSION } from '../version.ts';
import type { CommandContext, CommandSpec } from './command.ts';
import { toCliError } from './errors.ts';
import { ExitCode, usageError } from './exit-codes.ts';
import { commandHelp, overviewHelp } from './help.ts';
import { commandHelpDoc, overviewHelpDoc } from './help-json.ts';
import { Output, type OutputStreams } from './output.ts';
import { bindPositionals, parseCommandLine } from './parse.ts';
import {
  flushed,
  isBrokenPipe,
  type WriteFailureWatch,
  watchWriteFailures,
} from './write-failures.ts';

export async function main(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const stdout = watchWriteFailures(streams.stdout);
  const code = await runCommand(argv, commands, streams, env, stdout);
  const failed = await stdout.settle();
  // A command that failed has said why already (its --json document may be
  // what could not be written); one message is enough.
  if (failed === undefined || code !== ExitCode.ok) {
    await flushed(streams.stderr);
    return code;
  }
  // The result (or the error document) did not reach stdout: say so on stderr.
  const err = toCliError(failed);
  new Output(false, streams).error(
    'output_failed',
    `could not write the output to stdout: ${err?.message ?? failed.message}`,
    ExitCode.io,
    'check where stdout goes (a full disk?) and run the command again',
  );
  await flushed(streams.stderr);
  return ExitCode.io;
}

async function runCommand(
  argv: readonly string[],
  commands: readonly CommandSpec[],
  streams: OutputStreams,
  env: NodeJS.ProcessEnv,
  stdout: WriteFailureWatch,
): Promise<number> {
  // --json is known before parsing succeeds so that even usage errors honour it.
  const out = new Output(argv.includes('--json'), streams);
  try {
    const parsed = parseCommandLine(argv, commands);
    const v = parsed.values;
    if (v.version === true && parsed.command === undefined) {
      out.result({ version: CLI_VERSION }, CLI_VERSION);
      return ExitCode.ok;
    }
    if (parsed.command === undefined) {
      // `coffer --help` is a result (stdout); `coffer` alone is a usage error (stderr, exit 2).
      if (v.help === true) {
        // With --json, one document a tool can read (help-json.ts), like every other result.
        if (out.json) out.result(overviewHelpDoc(commands, parsed.words));
        else streams.stdout.write(overviewHelp(commands, parsed.words));
        return ExitCode.ok;
      }
      // A script asked for one JSON document: an error document, not the help text.
      if (out.json) {
        const group = ['coffer', ...parsed.words].join(' ');
        throw usageError(
          parsed.words.length > 0 ? `missing command after ${group}` : 'missing command',
          `see: ${group} --help`,
        );
      }
      streams.stderr.write(overviewHelp(commands, parsed.words));
      return ExitCode.usage;
    }
    if (v.help === true) {
      if (out.json) out.result(commandHelpDoc(parsed.command));
      else streams.stdout.write(commandHelp(parsed.command));
      return ExitCode.ok;
    }
    const { args, rest } = bindPositionals(parsed.command, parsed.positionals);
    const server = typeof v.server === 'string' ? v.server : env.COFFER_SERVER || undefined;
    const ctx: CommandContext = {
      globals: {
        home: resolveHome(typeof v.home === 'string' ? v.home : undefined, env),
        json: v.json === true,
        server,
        passphraseFile: typeof v['passphrase-file'] === 'string' ? v['passphrase-file'] : undefined,
      },
      args,
      rest,
      options: v,
      out,
      env,
    };
    const impl = await parsed.command.load();
    await impl.run(ctx);
    return ExitCode.ok;
  } catch (e) {
    // The reader of stdout went away: what it took is what it wanted.
    if (isBrokenPipe(e) && (await stdout.readerGone())) return ExitCode.ok;
    const err = toCliError(e);
    if (err !== undefined) {
      out.error(err.code, err.message, ExitCode[err.exit], err.hint, err.details, err.errorFields);
      return ExitCode[err.exit];
    }
    const message = e instanceof Error ? e.message : String(e);
    out.error(
      'internal',
      `unexpected error: ${message}`,
      ExitCode.internal,
      'this is a bug; run again with COFFER_DEBUG=1 for details and report it',
    );
    if (env.COFFER_DEBUG === '1' && e instanceof Error && e.stack !== undefined) {
      streams.stderr.write(`${e.stack}\n`);
    }
    return ExitCode.internal;
  }
}
