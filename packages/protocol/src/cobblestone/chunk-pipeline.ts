/**
 * Keeps up to `depth` chunk operations in flight and hands their results to
 * `emit` strictly in submission order. Synchronous results pass straight
 * through. The first failure is thrown from `add` or `drain`; results after
 * it are never emitted.
 */
export class ChunkPipeline {
  readonly #pending: Promise<Uint8Array>[] = [];
  readonly #depth: number;
  readonly #emit: (bytes: Uint8Array) => void;

  constructor(depth: number, emit: (bytes: Uint8Array) => void) {
    this.#depth = Math.max(1, depth);
    this.#emit = emit;
  }

  /** Submit the next result; resolves once there is room for another. */
  add(result: Uint8Array | Promise<Uint8Array>): void | Promise<void> {
    if (!(result instanceof Promise) && this.#pending.length === 0) {
      this.#emit(result);
      return;
    }
    const promise = Promise.resolve(result);
    // Rejections are reported in order by #settle; don't let a later one surface as unhandled.
    promise.catch(() => {});
    this.#pending.push(promise);
    if (this.#pending.length >= this.#depth) return this.#settle(this.#depth - 1);
  }

  /** Emit everything still in flight. */
  drain(): Promise<void> {
    return this.#settle(0);
  }

  async #settle(keep: number): Promise<void> {
    while (this.#pending.length > keep) {
      const next = this.#pending[0]!;
      const bytes = await next;
      this.#pending.shift();
      this.#emit(bytes);
    }
  }
}
