/**
 * `coffer-server`: parse options (flags and COFFER_* environment variables),
 * start, print the URL and certificate fingerprint, drain on SIGTERM/SIGINT/SIGHUP.
 */
import { runBackupCommand } from './backup-command.ts';
import { loadConfig } from './config/load-config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';
import { tlsPaths } from './tls/load-tls.ts';
import { SERVER_VERSION } from './version.ts';
import { useTunedYoungGeneration } from './young-generation.ts';

/** The Node this workspace supports (package.json engines; the SQLite binding is built for it). */
const MIN_NODE_MAJOR = 24;

async function main(): Promise<number> {
  if (Number(process.versions.node.split('.')[0]) < MIN_NODE_MAJOR) {
    // Said in one line: an older Node crashes inside the SQLite binding.
    process.stderr.write(
      `coffer-server: needs Node.js ${MIN_NODE_MAJOR} or later, this is ${process.version}\n`,
    );
    return 1;
  }
  const args = process.argv.slice(2);
  if (args[0] === 'backup') return runBackupCommand(args.slice(1), process.env);
  const loaded = loadConfig(args, process.env);
  if (loaded.kind === 'help') {
    process.stdout.write(`${loaded.text}\n`);
    return 0;
  }
  if (loaded.kind === 'version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  if (loaded.kind === 'error') {
    for (const message of loaded.messages) process.stderr.write(`coffer-server: ${message}\n`);
    process.stderr.write('coffer-server: see --help\n');
    return 2;
  }
  // Before anything is opened: this may replace the process image once.
  useTunedYoungGeneration();
  const { config } = loaded;
  const logger = createLogger(config.logLevel);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, logger);
  } catch (error) {
    // One line, no stack: the usual causes are a taken port or an unreachable database.
    const err = error as NodeJS.ErrnoException;
    const reason =
      err.code === 'EADDRINUSE' ? `port ${config.port} is already in use` : err.message;
    process.stderr.write(`coffer-server: cannot start: ${reason}\n`);
    logger.flush();
    return 1;
  }
  const engine = config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`;
  // One write, so a reader of stderr sees the whole banner at once.
  const banner = [`coffer-server ${SERVER_VERSION} listening on ${server.url} (${engine})`];
  if (server.fingerprint256) {
    banner.push(`TLS certificate SHA-256 fingerprint: ${server.fingerprint256}`);
    if (!config.tlsCert) banner.push(`  (also in ${tlsPaths(config.dataDir).fingerprint})`);
  } else {
    banner.push('WARNING: plain HTTP (--insecure-http): only behind a TLS-terminating proxy');
  }
  process.stderr.write(`${banner.join('\n')}\n`);
  logger.info(
    { url: server.url, fingerprint256: server.fingerprint256, engine: server.store.engine },
    'listening',
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`coffer-server: ${signal} again, exiting now\n`);
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'draining');
      server.close().then(
        () => {
          logger.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // A closed terminal (or `nohup`-less ssh logout) sends SIGHUP, whose default
    // kills at once: drain as for SIGTERM so in-flight requests are answered.
    process.on('SIGHUP', stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Let pino flush, then leave even if a stray handle remains.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`coffer-server: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
