import { concatBytes } from '../bytes.ts';
import { KEY_SIZE } from '../cobblestone/constants.ts';
import { EnvelopeFormatError } from '../errors.ts';
import {
  CONTENT_TYPES,
  DEK_SIZE,
  FIXED_HEADER_SIZE,
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
import type { SealEnvelopeOptions, SealWrappedOptions } from './options.ts';
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
  // Written in place: this runs once per record, where every allocation shows.
  const header = new Uint8Array(FIXED_HEADER_SIZE);
  header.set(MAGIC_PREFIX);
  header[3] = FORMAT_VERSION;
  header[4] = SUITE_COFFER_A256 >>> 8;
  header[5] = SUITE_COFFER_A256 & 0xff;
  header[6] = mode;
  header[7] = signed ? FLAG_SIGNED : 0;
  header[8] = contentTypeByte;
  new DataView(header.buffer).setUint32(9, epoch >>> 0);
  header.set(kid, 13);
  header[29] = stanzaCount;
  return header;
}

/** A writer's header and the body's input key. */
export interface PreparedEnvelope {
  header: Uint8Array;
  inputKey: Uint8Array;
}

/**
 * Build the header and obtain the body's input key for a writer: the DIRECT
 * key, or a fresh DEK wrapped for every recipient. Shared by the whole-message
 * and streaming writers so both produce identical bytes. DIRECT needs no
 * asynchronous work and returns (or throws) synchronously, sparing records a
 * promise; WRAPPED returns a promise.
 */
export function prepareEnvelope(
  options: SealEnvelopeOptions,
  random: RandomSource,
): PreparedEnvelope | Promise<PreparedEnvelope> {
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
  return prepareWrapped(options, random, signed, contentTypeByte);
}

async function prepareWrapped(
  options: SealWrappedOptions,
  random: RandomSource,
  signed: boolean,
  contentTypeByte: number,
): Promise<PreparedEnvelope> {
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
