/** Engine-independent checks for blob reads. */
import type { BlobRow } from './contract.ts';
import { notFound, StorageError } from './errors.ts';
import { assertCount } from './ids.ts';

/** A ranged read must name a completed blob and lie within it. */
export function checkRange(blob: BlobRow | null, start: number, end: number): void {
  if (blob === null) throw notFound('blob');
  assertCount(start, 'start');
  assertCount(end, 'end');
  if (start > end || end > blob.size) {
    throw new StorageError('invalid_argument', 'range is outside the blob');
  }
}
