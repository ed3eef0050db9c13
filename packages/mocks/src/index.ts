/**
 * @coffer/mocks: msw handlers that implement the Coffer server API in memory,
 * validated with the protocol's wire schemas exactly as the server validates,
 * with scenario switches (offline, 5xx, slow, conflicts, version mismatch,
 * malformed answers, a malicious server). Node tests use `@coffer/mocks/node`,
 * browsers `@coffer/mocks/browser`.
 */
export type { MemoryDb } from './db/memory-db.ts';
export type { RecordRow, VaultRow } from './db/types.ts';
export {
  signChallenge,
  TEST_KDF_PARAMS,
  testKeyBundle,
  testKeyGrant,
  testRecordEnvelope,
  testSignupBody,
} from './fixtures.ts';
export { CONTROL_PATH, type GetHandlersOptions, getHandlers, ROUTE_DEFS } from './get-handlers.ts';
export {
  type LoggedRequest,
  MockCoffer,
  type MockCofferOptions,
  PHANTOM_AUTHOR,
  type SeededAccount,
} from './mock-coffer.ts';
export { MOCK_LIMITS, MOCK_SERVER_VERSION } from './routes/meta.ts';
export { type Fault, type MaliciousMode, type Scenario, ScenarioSchema } from './scenario.ts';
