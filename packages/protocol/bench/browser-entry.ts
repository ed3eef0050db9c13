// Runs inside Chromium (bundled by browser-figures.ts): WebCrypto backend figures.
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { interleavedMedians, MiB, mbPerSecond, medianMs, streamWorkload } from './streams.ts';

/** Raw subtle.encrypt of 16 KiB blocks, `inFlight` at a time: the browser's ceiling. */
async function webCryptoCeiling(total: number, inFlight: number): Promise<() => Promise<void>> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, [
    'encrypt',
  ]);
  const data = new Uint8Array(16 * 1024);
  const iv = new Uint8Array(12);
  const calls = total / data.length;
  return async () => {
    for (let i = 0; i < calls; i += inFlight) {
      const batch = Array.from({ length: Math.min(inFlight, calls - i) }, () =>
        crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data),
      );
      await Promise.all(batch);
    }
  };
}

async function runBench(runs: number) {
  const total = 64 * MiB;
  const streams = await streamWorkload(total);
  const ms = await interleavedMedians(runs, {
    sequential: await webCryptoCeiling(total, 1),
    eightInFlight: await webCryptoCeiling(total, 8),
    seal: streams.seal,
    open: streams.open,
    sealEnvelope: streams.sealEnvelope,
    openEnvelope: streams.openEnvelope,
  });
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).fill(1);
  const argon2idFloorMs = Math.round(
    await medianMs(Math.min(runs, 3), () => argon2id(password, salt, ARGON2ID_FLOOR)),
  );
  return {
    userAgent: navigator.userAgent,
    webCrypto16KiB: {
      sequentialMBps: mbPerSecond(total, ms.sequential),
      eightInFlightMBps: mbPerSecond(total, ms.eightInFlight),
    },
    sealMBps: mbPerSecond(total, ms.seal),
    openMBps: mbPerSecond(total, ms.open),
    sealEnvelopeMBps: mbPerSecond(total, ms.sealEnvelope),
    openEnvelopeMBps: mbPerSecond(total, ms.openEnvelope),
    argon2idFloorMs,
  };
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
