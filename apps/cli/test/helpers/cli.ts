/** Spawns the BUILT `coffer` binary, as a user or a script would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const COFFER_BIN = fileURLToPath(new URL('../../dist/coffer.js', import.meta.url));

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
export function coffer(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
    };
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [COFFER_BIN, ...args], {
      env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code: code ?? -1,
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(options.input ?? '');
  });
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
