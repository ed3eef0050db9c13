/**
 * Same-run baseline: the protocol's envelope streams alone, in memory (no
 * file, no process start, no Argon2: a DIRECT key), driven the way the CLI
 * drives them (1 MiB pieces in, pieces out as they come). The open stream is
 * fed the sealed envelope re-cut into 1 MiB pieces, as `coffer decrypt`
 * reads it: feeding it the seal stream's own output (a 16 KiB ciphertext
 * then its 16-byte tag, 128 writes per MiB) measured the stream machinery,
 * not decryption, and made open look 30-40 % slower than seal.
 */
import { createOpenEnvelopeStream, createSealEnvelopeStream, utf8 } from '@coffer/protocol';

export interface StreamFigures {
  sealSeconds: number;
  openSeconds: number;
  sealCpuSeconds: number;
  openCpuSeconds: number;
}

async function drive(
  pair: ReadableWritablePair<Uint8Array, Uint8Array>,
  pieces: Iterable<Uint8Array>,
  keep: boolean,
): Promise<Uint8Array[]> {
  const writer = pair.writable.getWriter();
  const reader = pair.readable.getReader();
  const out: Uint8Array[] = [];
  const drain = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (keep) out.push(value);
    }
  })();
  for (const piece of pieces) await writer.write(piece);
  await writer.close();
  await drain;
  return out;
}

/** `pieces` joined and cut again into `size`-byte pieces (the last one shorter). */
function* recut(pieces: Uint8Array[], size: number): Iterable<Uint8Array> {
  const all = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces.splice(0)) {
    all.set(p, at);
    at += p.length;
  }
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

function* repeat(piece: Uint8Array, totalBytes: number): Iterable<Uint8Array> {
  for (let done = 0; done < totalBytes; done += piece.length)
    yield piece.subarray(0, Math.min(piece.length, totalBytes - done));
}

export async function streamBaseline(totalBytes: number): Promise<StreamFigures> {
  const key = { kid: new Uint8Array(16).fill(1), epoch: 0, key: new Uint8Array(32).fill(2) };
  const context = utf8('coffer/bench');
  const piece = new Uint8Array(1 << 20).fill(7);
  // Seal once to measure, once (smaller) to get an envelope to open.
  let t = process.hrtime.bigint();
  let c = process.cpuUsage();
  await drive(
    createSealEnvelopeStream({ contentType: 'blob', context, key }),
    repeat(piece, totalBytes),
    false,
  );
  const sealCpu = process.cpuUsage(c);
  const sealSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const openBytes = Math.min(totalBytes, 256 << 20);
  const sealedPieces = await drive(
    createSealEnvelopeStream({ contentType: 'blob', context, key }),
    repeat(piece, openBytes),
    true,
  );
  const sealed = [...recut(sealedPieces, piece.length)];
  // Opened twice, the second run timed: the first one, over heap pages left
  // fresh by 512 MiB of copies, cost 0.2-0.3 CPU-s per GiB more than the next
  // (the seal figure above is already a steady state over 1 GiB).
  await drive(
    createOpenEnvelopeStream({ contentType: 'blob', context, keys: [key] }),
    sealed,
    false,
  );
  t = process.hrtime.bigint();
  c = process.cpuUsage();
  await drive(
    createOpenEnvelopeStream({ contentType: 'blob', context, keys: [key] }),
    sealed,
    false,
  );
  const openCpu = process.cpuUsage(c);
  const openSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const scale = totalBytes / openBytes;
  return {
    sealSeconds,
    sealCpuSeconds: (sealCpu.user + sealCpu.system) / 1e6,
    // Scaled to the same byte count as the seal figure.
    openSeconds: openSeconds * scale,
    openCpuSeconds: ((openCpu.user + openCpu.system) / 1e6) * scale,
  };
}
