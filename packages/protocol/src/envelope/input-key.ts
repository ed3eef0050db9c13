import { constantTimeEqual } from '../bytes.ts';
import { EnvelopeFormatError, KeyNotFoundError } from '../errors.ts';
import { FIXED_HEADER_SIZE } from './constants.ts';
import type { EnvelopeHeader } from './header-types.ts';
import type { OpenEnvelopeOptions } from './options.ts';
import { unwrapDek } from './stanzas.ts';

/** Check the caller's expectations that need no key (content type). */
export function checkExpectations(header: EnvelopeHeader, options: OpenEnvelopeOptions): void {
  if (options.contentType !== undefined && header.contentType !== options.contentType) {
    throw new EnvelopeFormatError(
      'unexpected_content_type',
      `expected a ${options.contentType} envelope`,
    );
  }
}

/** The body's input key and the kid that named (DIRECT) or unwrapped (WRAPPED) it. */
export interface InputKey {
  inputKey: Uint8Array;
  kid: Uint8Array | undefined;
}

/**
 * The body's input key: DIRECT looks up (kid, epoch) in the keyring
 * (synchronously: no promise for records); WRAPPED unwraps the DEK from the
 * first usable stanza (a promise).
 */
export function obtainInputKey(
  header: EnvelopeHeader,
  options: OpenEnvelopeOptions,
): InputKey | Promise<InputKey> {
  if (header.mode === 'direct') {
    const entry = options.keys?.find(
      (k) => k.epoch === header.epoch && constantTimeEqual(k.kid, header.kid),
    );
    if (!entry) throw new KeyNotFoundError();
    return { inputKey: entry.key, kid: entry.kid };
  }
  return unwrapInputKey(header, options);
}

async function unwrapInputKey(
  header: EnvelopeHeader,
  options: OpenEnvelopeOptions,
): Promise<InputKey> {
  const { dek, kid } = await unwrapDek(
    header.stanzas,
    header.headerBytes.subarray(0, FIXED_HEADER_SIZE),
    options,
  );
  return { inputKey: dek, kid };
}
