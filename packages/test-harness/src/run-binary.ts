/** A built Node binary (the `coffer` CLI) run to completion, as a user or a script would. */
import { spawn } from 'node:child_process';

export interface BinaryResult {
  /** Exit code; -1 when a signal ended it. */
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunBinaryOptions {
  /** Added to a minimal PATH, HOME and TMPDIR; an undefined value is left out. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Bytes for stdin (default: empty, closed). */
  input?: string | Uint8Array;
  cwd?: string;
}

/**
 * Run `node bin ...args` with an explicit environment: only PATH, HOME and
 * TMPDIR are inherited, so the developer's own settings never change a test
 * (and whatever it leaves in TMPDIR shows in scripts/test.sh's check).
 *
 * @example
 * const { code, stdout } = await runBinary(CLI_BIN, ['--version']);
 */
export function runBinary(
  bin: string,
  args: readonly string[],
  options: RunBinaryOptions = {},
): Promise<BinaryResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
    };
    if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value !== undefined) env[key] = value;
    }
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}
