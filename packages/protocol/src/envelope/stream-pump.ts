/**
 * Drain `readable` into `emit` until it ends. Used to forward an inner
 * Cobblestone stream's output through an outer TransformStream: the outer
 * stream's own backpressure pauses writes into the inner one, so memory stays
 * bounded by one input piece.
 */
export async function pump(
  readable: ReadableStream<Uint8Array>,
  emit: (bytes: Uint8Array) => void,
): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    emit(value);
  }
}
