// Public surface of Cobblestone-256 (re-exported by the package index).
export {
  CHUNK_SIZE as COBBLESTONE_CHUNK_SIZE,
  SEALED_CHUNK_SIZE as COBBLESTONE_SEALED_CHUNK_SIZE,
} from './constants.ts';
export { cobblestoneCiphertextLength, cobblestonePlaintextLength } from './layout.ts';
export {
  type NativeGcmStatus as NativeCryptoStatus,
  nativeGcmStatus as nativeCryptoStatus,
} from './native-gcm.ts';
export { createCobblestoneOpenStream } from './open-stream.ts';
export {
  type CobblestoneRangeReader,
  type CobblestoneSource,
  cobblestoneOpenRange,
  createCobblestoneRangeReader,
} from './range-reader.ts';
export { createCobblestoneSealStream } from './seal-stream.ts';
export { type CobblestoneSealOptions, cobblestoneOpen, cobblestoneSeal } from './whole-message.ts';
