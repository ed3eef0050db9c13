/** What the harness's own tests wait for. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** Resolve once nothing accepts connections on 127.0.0.1:port (the server is gone). */
export async function waitUntilRefused(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolve once `path` no longer exists. */
export async function waitUntilGone(path: string): Promise<void> {
  while (existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Run the orphan fixture in `mode` and resolve with what it started. */
export function startOrphan(
  mode: 'kill' | 'exit',
): Promise<{ child: ChildProcess; exited: Promise<unknown>; port: number; dataDir: string }> {
  const child = spawn(
    process.execPath,
    [new URL('./fixtures-orphan.ts', import.meta.url).pathname, mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        resolve({ child, exited, ...(JSON.parse(line) as { port: number; dataDir: string }) });
      }
    });
    child.once('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`orphan fixture exited (${code}) before starting`));
    });
  });
}
