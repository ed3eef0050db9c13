/**
 * Test-only harness shared by the client integration, CLI and e2e suites:
 * the built coffer-server and the built binaries, run as users run them.
 */
export { CLI_BIN, SERVER_BIN, WEB_ROOT } from './binaries.ts';
export { readServerCertificate, type ServerCertificate } from './certificate.ts';
export {
  type CofferServer,
  type CofferServerOptions,
  startCofferServer,
} from './coffer-server.ts';
export { freePort } from './free-port.ts';
export { fetchPinnedMeta } from './pinned-meta.ts';
export { type BinaryResult, type RunBinaryOptions, runBinary } from './run-binary.ts';
export { withServerSqlite } from './server-sqlite.ts';
