/**
 * The real built binary (dist/coffer-server.js) as a child process, with its
 * JSON log lines observable, so tests can wait for "listening" or "incoming
 * request" instead of sleeping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { buildForTests } from '../../../../tooling/build-for-tests.ts';
import { Api } from './api.ts';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = join(serverDir, 'dist', 'coffer-server.js');

/** Build the bundle (once per test file that needs it). */
export function buildBinary(): void {
  buildForTests(['coffer-server']);
}

export interface LogLine {
  msg?: string;
  url?: string;
  fingerprint256?: string;
  req?: { url?: string; method?: string };
  [key: string]: unknown;
}

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  api(token?: string): Api;
  dispatcher: Agent;
  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine>;
  exited: Promise<number | null>;
  stderr(): string;
  stop(): Promise<number | null>;
}

export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
  // Benchmarks compare another build of the server with COFFER_BENCH_BINARY.
  binary: string = process.env.COFFER_BENCH_BINARY ?? BINARY,
): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [binary, '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  let stderr = '';
  let buffer = '';
  let announce: ((url: string) => void) | undefined;
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  child.stderr!.on('data', (d) => {
    stderr += String(d);
    // The human start-up line, printed whatever the log level.
    const match = /listening on (https?:\/\/\S+)/.exec(stderr);
    if (match) announce?.(match[1]!);
  });
  child.stdout!.on('data', (d) => {
    buffer += String(d);
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLog = (match: (l: LogLine) => boolean): Promise<LogLine> => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    });
  };
  const url = await Promise.race([
    announced,
    exited.then((code) => {
      throw new Error(`server exited (${code}): ${stderr}`);
    }),
  ]);
  const dataDirIndex = args.indexOf('--data-dir');
  const ca = url.startsWith('https')
    ? readFileSync(join(args[dataDirIndex + 1]!, 'tls', 'cert.pem'), 'utf8')
    : undefined;
  const dispatcher = new Agent({ connect: ca ? { ca } : {} });
  return {
    child,
    url,
    dispatcher,
    api: (token?: string) => new Api(url, dispatcher, token),
    waitForLog,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await dispatcher.close();
      return code;
    },
  };
}
