/** The BUILT `coffer` CLI, one profile directory per device. */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COFFER_BIN = fileURLToPath(
  new URL('../../../apps/cli/dist/coffer.js', import.meta.url),
);

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface CliDevice {
  run(args: readonly string[], input?: Uint8Array | string): Promise<CliResult>;
}

export async function newCliDevice(passphrase: string): Promise<CliDevice> {
  const home = await mkdtemp(join(tmpdir(), 'coffer-e2e-cli-'));
  return {
    run(args, input) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [COFFER_BIN, ...args], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: home,
            COFFER_HOME: home,
            COFFER_PASSPHRASE: passphrase,
          },
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
            stderr: Buffer.concat(err).toString(),
          }),
        );
        child.stdin.end(input ?? '');
      });
    },
  };
}
