// Runs inside Chromium (bundled by browser-figures.ts): WebCrypto backend figures.
// The Node side drives the rounds (one workload per call) so that it can read
// the renderer's page-fault counters around each run.
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { MiB, medianMs, streamWorkload, time } from './streams.ts';

const TOTAL = 64 * MiB;
const CHUNK = 16 * 1024;
const IV = new Uint8Array(12);

async function aesKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

/**
 * Raw subtle.encrypt or decrypt of one 16 KiB chunk (sealed: 16 400 bytes)
 * per call, `inFlight` calls at a time, TOTAL bytes of plaintext: what any
 * WebCrypto-based Cobblestone implementation must at least do here.
 */
async function webCryptoCeiling(
  operation: 'encrypt' | 'decrypt',
  inFlight: number,
): Promise<() => Promise<void>> {
  const key = await aesKey();
  const plaintext = new Uint8Array(CHUNK);
  const input =
    operation === 'encrypt'
      ? plaintext
      : new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: IV }, key, plaintext));
  const calls = TOTAL / CHUNK;
  return async () => {
    for (let i = 0; i < calls; i += inFlight) {
      const batch: Promise<ArrayBuffer>[] = [];
      for (let j = 0; j < Math.min(inFlight, calls - i); j++) {
        batch.push(crypto.subtle[operation]({ name: 'AES-GCM', iv: IV }, key, input));
      }
      await Promise.all(batch);
    }
  };
}

/**
 * TOTAL bytes of fresh 16 KiB buffers, each allocated and written once, as
 * every WebCrypto result is (`fresh`), against one buffer written over and
 * over (`reused`): what fresh memory costs in this browser on this machine.
 */
function bufferFills(fresh: boolean): () => Promise<void> {
  const reused = new Uint8Array(CHUNK);
  let sink = 0;
  // Async only to fit the workload signature; nothing inside waits.
  return async () => {
    for (let i = 0; i < TOTAL / CHUNK; i++) {
      const buffer = fresh ? new Uint8Array(CHUNK) : reused;
      buffer.fill(i & 0xff);
      sink ^= buffer[CHUNK - 1]!;
    }
    // Reading the result keeps the writes from being optimised away.
    if (sink === -1) throw new Error('unreachable');
  };
}

let workloads: Record<string, () => Promise<unknown>> | undefined;

/** Build every workload once (the streams' ciphertext is sealed here, not timed). */
async function prepareBench(): Promise<string[]> {
  const streams = await streamWorkload(TOTAL);
  workloads = {
    encryptOneAtATime: await webCryptoCeiling('encrypt', 1),
    encryptEightInFlight: await webCryptoCeiling('encrypt', 8),
    decryptEightInFlight: await webCryptoCeiling('decrypt', 8),
    freshBuffers: bufferFills(true),
    reusedBuffer: bufferFills(false),
    seal: streams.seal,
    open: streams.open,
    sealEnvelope: streams.sealEnvelope,
    openEnvelope: streams.openEnvelope,
  };
  return Object.keys(workloads);
}

/** Milliseconds of one run of workload `name`. */
async function runWorkload(name: string): Promise<number> {
  const workload = workloads?.[name];
  if (!workload) throw new Error(`no workload ${name}`);
  return time(workload);
}

async function argon2idFloorMs(runs: number): Promise<number> {
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).fill(1);
  return Math.round(await medianMs(runs, () => argon2id(password, salt, ARGON2ID_FLOOR)));
}

Object.assign(globalThis, { prepareBench, runWorkload, argon2idFloorMs });
