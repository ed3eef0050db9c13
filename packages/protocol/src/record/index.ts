/** Public API of the record layer (re-exported from the package root). */
export { padme, padRecordPlaintext, unpadRecordPlaintext } from './padding.ts';
export {
  type BlobRef,
  decodeRecordPlaintext,
  encodeRecordPlaintext,
  RECORD_ENCODING_VERSION,
  type RecordData,
  recordFreshness,
} from './record-codec.ts';
export { deriveRecordId, deriveVaultNameKey, randomRecordId } from './record-id.ts';
export {
  type OpenedRecord,
  type OpenRecordOptions,
  openRecord,
  type SealRecordOptions,
  sealRecord,
} from './seal-record.ts';
