/** Public API of the Coffer envelope v1 (re-exported from the package root). */
export {
  blobAppContext,
  keyBundleAppContext,
  keyGrantAppContext,
  recordAppContext,
  vaultHeadAppContext,
} from './app-contexts.ts';
export { decodeArmor, encodeArmor } from './armor.ts';
export { CONTENT_TYPES, type ContentType } from './constants.ts';
export { parseEnvelopeHeader, parseHeaderPrefix } from './header-parse.ts';
export type {
  AcceptPolicy,
  EnvelopeHeader,
  EnvelopeInfo,
  EnvelopeMode,
  Stanza,
} from './header-types.ts';
export { openEnvelope } from './open.ts';
export {
  createOpenEnvelopeStream,
  type OpenEnvelopeStream,
  type OpenedEnvelopeStreamResult,
} from './open-stream.ts';
export type {
  OpenEnvelopeOptions,
  OpenedEnvelope,
  Recipient,
  SealDirectOptions,
  SealEnvelopeOptions,
  SealWrappedOptions,
  Signer,
  SymmetricKey,
} from './options.ts';
export { createEnvelopeRangeReader, type EnvelopeRangeReader } from './range-reader.ts';
export { sealEnvelope } from './seal.ts';
export { createSealEnvelopeStream } from './seal-stream.ts';
