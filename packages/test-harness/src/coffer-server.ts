/**
 * The BUILT coffer-server as a child process for tests: a temp data dir, a
 * free loopback port (another one when that port is taken), HTTPS with its
 * self-signed certificate, ready once `/v1/meta` answers through the pinned
 * certificate, and never outliving the test process. Inside a vitest test
 * file it is disposed when the test (or, started outside a test, the file)
 * is done; COFFER_KEEP_TEMP=1 keeps its data dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepTemp, whenDone } from '../../../tooling/test-temp.ts';
import { SERVER_BIN } from './binaries.ts';
import { readServerCertificate, type ServerCertificate } from './certificate.ts';
import { cleanUpOnExit } from './exit-guard.ts';
import { freePort } from './free-port.ts';
import { OutputTail } from './output-tail.ts';
import { fetchPinnedMeta } from './pinned-meta.ts';
import { type Exit, waitForReady } from './wait-for-ready.ts';

const PARENT_WATCH = new URL('./parent-watch.ts', import.meta.url).href;

export interface CofferServerOptions {
  /** PostgreSQL (`postgres://…`) instead of the default SQLite file in the data dir. */
  databaseUrl?: string;
  /** Serve this built web app at `/`. */
  webRoot?: string;
  /** Extra flags, after the harness's own (so they win). */
  args?: readonly string[];
  /** Extra environment; COFFER_* variables of the test process are not passed on. */
  env?: Readonly<Record<string, string>>;
  /** Default 'warn'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Try this port first; when it is taken, free ones. */
  port?: number;
  /** Prefix of the temp data dir's name. */
  tempPrefix?: string;
  /** Give up (and show the server's output) after this long. Default 60 s. */
  startTimeoutMs?: number;
  /** Ports tried when each is found taken. Default 5. */
  portAttempts?: number;
  /** Default: apps/server/dist/coffer-server.js. */
  binary?: string;
  /**
   * Fill the fresh data dir before the first start (e.g. with a database an
   * older server left behind, to test an upgrade in place).
   */
  seedDataDir?: (dataDir: string) => void | Promise<void>;
}

export interface CofferServer {
  /** `https://127.0.0.1:PORT`; the same after a restart. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The certificate clients pin (read from the data dir, checked on the wire). */
  readonly certificate: ServerCertificate;
  readonly running: boolean;
  /** What the server printed (stderr and stdout, most recent 64 KiB). */
  output(): string;
  /** Start again on the same data dir and port, after `stop()`. */
  start(): Promise<void>;
  /** SIGTERM (SIGKILL if it does not drain) and wait for the exit; keeps the data dir. */
  stop(): Promise<void>;
  /** Stop and remove the data dir (kept when COFFER_KEEP_TEMP=1). Also run for you when the test or file is done. */
  dispose(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<Exit>;
}

function serverEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  // The developer's own COFFER_* settings must not leak into a test server.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('COFFER_')) env[key] = value;
  }
  return { ...env, ...extra };
}

function describeExit(exit: Exit): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

/**
 * Start coffer-server and resolve once it answers `/v1/meta` through its
 * pinned certificate.
 *
 * @example
 * const server = await startCofferServer();
 * await login(server.url, { pin: server.certificate.fingerprint256 });
 * await server.dispose();
 */
export async function startCofferServer(options: CofferServerOptions = {}): Promise<CofferServer> {
  const dataDir = await mkdtemp(join(tmpdir(), options.tempPrefix ?? 'coffer-test-server-'));
  const output = new OutputTail();
  const keep = keepTemp();
  const env = serverEnv({
    ...(options.databaseUrl === undefined ? {} : { COFFER_DATABASE_URL: options.databaseUrl }),
    // parent-watch.ts removes it when the test process dies without cleaning up.
    ...(keep ? {} : { COFFER_TEST_ORPHAN_DIR: dataDir }),
    ...options.env,
  });
  const removeDataDir = async (): Promise<void> => {
    if (keep) console.info(`COFFER_KEEP_TEMP=1: keeping ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  };
  let port = options.port ?? 0;
  let certificate: ServerCertificate | undefined;
  let running: Running | undefined;

  const spawnOn = (onPort: number): Running => {
    const args = [
      '--import',
      PARENT_WATCH,
      options.binary ?? SERVER_BIN,
      '--data-dir',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(onPort),
      '--log-level',
      options.logLevel ?? 'warn',
      ...(options.webRoot === undefined ? [] : ['--web-root', options.webRoot]),
      ...(options.args ?? []),
    ];
    // stdin stays open: its end tells the server that the test process died.
    const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        output.push(`spawn failed: ${error.message}\n`);
        resolve({ code: null, signal: null });
      });
    });
    // Both pipes are drained, or a chatty server would block on a full pipe.
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stdin?.on('error', () => {
      // EPIPE once the child is gone: nothing to do.
    });
    return { child, exited };
  };

  const launch = async (fixedPort: boolean): Promise<void> => {
    const attempts = fixedPort ? 1 : (options.portAttempts ?? 5);
    for (let attempt = 1; ; attempt++) {
      if (!fixedPort && (port === 0 || attempt > 1)) port = await freePort();
      const url = `https://127.0.0.1:${port}`;
      const candidate = spawnOn(port);
      const outcome = await waitForReady({
        url,
        exited: candidate.exited,
        activity: candidate.child.stderr,
        certificate: () => readServerCertificate(dataDir),
        probe: fetchPinnedMeta,
        timeoutMs: options.startTimeoutMs ?? 60_000,
      });
      if (outcome.kind === 'ready') {
        running = candidate;
        certificate = outcome.certificate;
        return;
      }
      if (outcome.kind === 'timeout') {
        candidate.child.kill('SIGKILL');
        await candidate.exited;
        throw new Error(
          `coffer-server did not answer ${url}/v1/meta within ${options.startTimeoutMs ?? 60_000} ms (last: ${outcome.lastError}); its output:\n${output}`,
        );
      }
      const portTaken = /port \d+ is already in use/.test(output.toString());
      if (portTaken && attempt < attempts) {
        output.push(`[harness] port ${port} was taken; trying another\n`);
        continue;
      }
      throw new Error(
        `coffer-server exited before it was ready (${describeExit(outcome.exit)}); its output:\n${output}`,
      );
    }
  };

  const stop = async (): Promise<void> => {
    const current = running;
    running = undefined;
    if (current === undefined) return;
    const { child, exited } = current;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };

  const release = cleanUpOnExit({
    onExit() {
      running?.child.kill('SIGKILL');
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  });

  const server: CofferServer = {
    get url() {
      return `https://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    get certificate() {
      if (certificate === undefined) throw new Error('coffer-server has not started');
      return certificate;
    },
    get running() {
      return running !== undefined;
    },
    output: () => output.toString(),
    async start() {
      if (running !== undefined) return;
      await launch(true);
    },
    stop,
    async dispose() {
      await stop();
      release();
      await removeDataDir();
    },
  };
  try {
    await options.seedDataDir?.(dataDir);
    await launch(false);
  } catch (error) {
    release();
    await removeDataDir();
    throw error;
  }
  whenDone(() => server.dispose());
  return server;
}
