/**
 * The `Range: bytes=…` header of a blob download, parsed the same way by
 * coffer-server and the mocks (one parser, so they cannot answer differently).
 */

/**
 * One `bytes=` range of a blob of `size` bytes as a half-open `[start, end)`,
 * or `'invalid'` (answered 416). Multiple ranges are not supported.
 *
 * @example
 * parseByteRange('bytes=0-99', 1000)  // [0, 100]
 * parseByteRange('bytes=-10', 1000)   // [990, 1000]
 */
export function parseByteRange(header: string, size: number): [number, number] | 'invalid' {
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match) return 'invalid';
  const [, a = '', b = ''] = match;
  if (a === '' && b === '') return 'invalid';
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    return [Math.max(0, size - suffix), size];
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'invalid';
  return [start, end + 1];
}
