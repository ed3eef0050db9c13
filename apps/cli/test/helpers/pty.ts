/**
 * The built `coffer` on a real pseudo-terminal (helpers/pty_session.py):
 * prompts appear, input is typed after each one, and the test sees exactly
 * what the terminal showed, echo included.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COFFER_BIN } from './cli.ts';

const DRIVER = fileURLToPath(new URL('./pty_session.py', import.meta.url));

export interface PtyStep {
  /** Text the terminal must show before `send` is typed. */
  expect: string;
  /** Keys to type ("\r" is Enter, "\u0003" Ctrl-C, "\u007f" Backspace). */
  send: string;
}

export interface PtyResult {
  code: number;
  /** Everything the terminal showed (the program's output and any echo). */
  output: string;
  timedOut: boolean;
  /** The prompt still awaited when the program ended, if any. */
  pending: string | null;
}

/** Run `coffer ...args` on a terminal, answering `steps` in order. */
export function cofferOnTerminal(
  args: readonly string[],
  steps: readonly PtyStep[],
  env: Record<string, string>,
): Promise<PtyResult> {
  const spec = {
    argv: [process.execPath, COFFER_BIN, ...args],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...(process.env.TMPDIR === undefined ? {} : { TMPDIR: process.env.TMPDIR }),
      TERM: 'xterm',
      ...env,
    },
    steps,
    timeout: 60,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`pty driver failed (${code}): ${err}`));
      else resolve(JSON.parse(out) as PtyResult);
    });
    child.stdin.end(JSON.stringify(spec));
  });
}
