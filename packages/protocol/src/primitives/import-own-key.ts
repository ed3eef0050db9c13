/**
 * `crypto.subtle.importKey` for the asymmetric keys this package encodes
 * itself: a fixed PKCS#8 prefix plus 32 key bytes, or 32 raw bytes. Such
 * input is well-formed by construction, so a `DataError` is retried once.
 *
 * Why: Node's OpenSSL binding can fail one such import with a `DataError`
 * naming an unrelated ASN.1 error ("too long", "bad object header") that an
 * earlier operation left on the thread's OpenSSL error queue. Seen on Node
 * 24.22 in a long-lived process after a live event stream was closed: the
 * next signup's key derivation failed once (and a signature check would have
 * reported a valid signature as bad). The second attempt starts from an
 * empty queue. A key that is really invalid fails both times with the same
 * error, so callers see no difference for bad input.
 */

type ImportFormat = 'pkcs8' | 'raw';

/**
 * Import `keyData` (built by this package, never a caller's raw DER).
 *
 * @example
 * const key = await importOwnKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
 */
export async function importOwnKey(
  format: ImportFormat,
  keyData: Uint8Array<ArrayBuffer>,
  algorithm: AlgorithmIdentifier,
  extractable: boolean,
  usages: KeyUsage[],
): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey(format, keyData, algorithm, extractable, usages);
  } catch (e) {
    if ((e as { name?: unknown } | null)?.name !== 'DataError') throw e;
    return crypto.subtle.importKey(format, keyData, algorithm, extractable, usages);
  }
}
