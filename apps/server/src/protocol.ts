/**
 * What the server uses of @coffer/protocol, in one place. The wire schemas and
 * the envelope reader are taken from the package's source here until its root
 * index exports them; then this file becomes `export … from '@coffer/protocol'`.
 */

export {
  ENVELOPE_FORMAT_VERSIONS,
  ENVELOPE_SUITES,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from '@coffer/protocol';
export type { ContentType, EnvelopeInfo } from '../../../packages/protocol/src/envelope/index.ts';
export { parseEnvelopeHeader } from '../../../packages/protocol/src/envelope/index.ts';
export { ed25519Verify } from '../../../packages/protocol/src/primitives/ed25519.ts';
export * from '../../../packages/protocol/src/wire/index.ts';
