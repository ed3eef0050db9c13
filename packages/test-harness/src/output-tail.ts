/** The last bytes a child process printed, for error messages. */

/** Keeps the most recent `max` characters written to it. */
export class OutputTail {
  #text = '';
  readonly #max: number;

  constructor(max = 64 * 1024) {
    this.#max = max;
  }

  push(chunk: Buffer | string): void {
    this.#text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.#text.length > this.#max) this.#text = this.#text.slice(-this.#max);
  }

  toString(): string {
    return this.#text;
  }
}
