/**
 * Structural checks of uploaded envelopes without any key, as the server
 * makes them: armor, header, content type and epoch. A misfiled or garbage
 * envelope is `validation_failed`, naming only the field.
 */
import { type ContentType, decodeArmor, parseEnvelopeHeader } from '@coffer/protocol';
import { ApiError } from './problem.ts';

/**
 * Check an armored envelope (throws `validation_failed`).
 *
 * @example
 * checkEnvelope(body.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
 */
export function checkEnvelope(
  armor: string,
  field: string,
  expected: { contentType: ContentType; epoch?: number },
): void {
  try {
    const info = parseEnvelopeHeader(decodeArmor(armor));
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
}
