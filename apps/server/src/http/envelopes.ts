/**
 * Structural checks of uploaded envelopes, without any key: armor, magic,
 * version, suite, content type, epoch and sizes. The server cannot check the
 * ciphertext; clients do. This stops garbage and misfiled envelopes at the edge.
 */
import { type ContentType, parseEnvelopeHeader } from '../protocol.ts';
import { dearmor } from './armor.ts';
import { ApiError } from './errors.ts';

/**
 * Decode and check an armored envelope; returns its bytes.
 *
 * @example
 * const bytes = checkEnvelope(body.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
 */
export function checkEnvelope(
  text: string,
  field: string,
  expected: { contentType: ContentType; epoch?: number },
): Uint8Array {
  const bytes = dearmor(text, field);
  try {
    const info = parseEnvelopeHeader(bytes);
    if (info.contentType !== expected.contentType) {
      throw new ApiError(
        'validation_failed',
        `${field} must be a ${expected.contentType} envelope`,
        {
          issues: [{ path: field, message: `expected content type ${expected.contentType}` }],
        },
      );
    }
    if (expected.epoch !== undefined && info.epoch !== expected.epoch) {
      throw new ApiError('validation_failed', `${field} is sealed under another key epoch`, {
        issues: [{ path: field, message: `envelope epoch must be ${expected.epoch}` }],
      });
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as { code?: string }).code ?? 'bad_envelope';
    throw new ApiError('validation_failed', `${field} is not a well-formed envelope`, {
      issues: [{ path: field, message: `envelope rejected (${code})` }],
    });
  }
  return bytes;
}
