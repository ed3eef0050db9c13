import { concatBytes, u16be, u32be } from '../bytes.ts';
import { KEY_SIZE } from '../cobblestone/constants.ts';
import { EnvelopeFormatError } from '../errors.ts';
import {
  CONTENT_TYPES,
  DEK_SIZE,
  FLAG_SIGNED,
  FORMAT_VERSION,
  KID_SIZE,
  MAGIC_PREFIX,
  MAX_HEADER_SIZE,
  MAX_STANZAS,
  MODE_DIRECT,
  MODE_WRAPPED,
  SUITE_COFFER_A256,
} from './constants.ts';
import type { SealEnvelopeOptions } from './options.ts';
import type { RandomSource } from './random-source.ts';
import { wrapForRecipient } from './stanzas.ts';

function badArgument(message: string): never {
  throw new EnvelopeFormatError('bad_argument', message);
}

/** The 30 fixed header bytes (offsets 0..29, stanzaCount included). */
export function encodeFixedHeader(
  mode: number,
  signed: boolean,
  contentTypeByte: number,
  epoch: number,
  kid: Uint8Array,
  stanzaCount: number,
): Uint8Array {
  return concatBytes(
    MAGIC_PREFIX,
    new Uint8Array([FORMAT_VERSION]),
    u16be(SUITE_COFFER_A256),
    new Uint8Array([mode, signed ? FLAG_SIGNED : 0, contentTypeByte]),
    u32be(epoch),
    kid,
    new Uint8Array([stanzaCount]),
  );
}

/**
 * Build the header and obtain the body's input key for a writer: the DIRECT
 * key, or a fresh DEK wrapped for every recipient. Shared by the whole-message
 * and streaming writers so both produce identical bytes.
 */
export async function prepareEnvelope(
  options: SealEnvelopeOptions,
  random: RandomSource,
): Promise<{ header: Uint8Array; inputKey: Uint8Array }> {
  const contentTypeByte = CONTENT_TYPES[options.contentType];
  if (contentTypeByte === undefined) badArgument('unknown content type');
  const signed = options.signer !== undefined;
  if (options.signer) {
    if (options.signer.kid.length !== KID_SIZE) badArgument('signer kid must be 16 bytes');
    if (options.signer.seed.length !== 32) badArgument('signer seed must be 32 bytes');
  }
  if ('key' in options) {
    const { kid, epoch, key } = options.key;
    checkEpoch(epoch);
    if (kid.length !== KID_SIZE) badArgument('kid must be 16 bytes');
    if (key.length !== KEY_SIZE) badArgument('key must be 32 bytes');
    const header = encodeFixedHeader(MODE_DIRECT, signed, contentTypeByte, epoch, kid, 0);
    return { header, inputKey: key };
  }
  const recipients = options.recipients;
  const epoch = options.epoch ?? 0;
  checkEpoch(epoch);
  if (recipients.length < 1 || recipients.length > MAX_STANZAS) {
    badArgument('a WRAPPED envelope needs 1..32 recipients');
  }
  if (recipients.some((r) => r.type === 'passphrase') && recipients.length !== 1) {
    badArgument('a passphrase recipient must be the only recipient');
  }
  const fixed = encodeFixedHeader(
    MODE_WRAPPED,
    signed,
    contentTypeByte,
    epoch,
    new Uint8Array(KID_SIZE),
    recipients.length,
  );
  const dek = random(DEK_SIZE);
  const stanzas: Uint8Array[] = [];
  for (const recipient of recipients) {
    if (recipient.type !== 'passphrase' && recipient.kid.length !== KID_SIZE) {
      badArgument('recipient kid must be 16 bytes');
    }
    if (recipient.type === 'symmetric' && recipient.key.length !== KEY_SIZE) {
      badArgument('KEK must be 32 bytes');
    }
    stanzas.push(await wrapForRecipient(recipient, fixed, dek, random));
  }
  const header = concatBytes(fixed, ...stanzas);
  if (header.length > MAX_HEADER_SIZE) badArgument('header would exceed 16 KiB');
  return { header, inputKey: dek };
}

function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) {
    badArgument('epoch must be a u32');
  }
}
