/** Spawns the BUILT `coffer` binary, as a user or a script would. */
import { CLI_BIN, runBinary } from '@coffer/test-harness';
import { expect } from 'vitest';

export const COFFER_BIN = CLI_BIN;

export interface CliResult {
  code: number;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Bytes for stdin (default: empty, closed). */
  input?: string | Uint8Array;
  cwd?: string;
}

/** Run `coffer ...args` to completion. The environment is minimal and explicit. */
export async function coffer(
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const r = await runBinary(COFFER_BIN, args, options);
  return {
    code: r.code,
    stdout: r.stdout.toString('utf8'),
    stdoutBytes: r.stdout,
    stderr: r.stderr,
  };
}

/** An expected failure: the documented exit code, a message, and no stack trace. */
export function expectFailure(r: CliResult, code: number, message: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({
    code,
    stderr: expect.stringMatching(message),
  });
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr).not.toMatch(/unexpected error/);
}

/** Parse the single JSON document a --json command printed. */
export function json(r: CliResult): Record<string, unknown> {
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}
