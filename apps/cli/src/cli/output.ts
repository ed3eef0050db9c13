/**
 * Everything `coffer` writes. stdout carries only results (one JSON document
 * with --json); logs, progress and errors go to stderr so pipes stay clean.
 */
import type { Writable } from 'node:stream';

export interface OutputStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
}

export class Output {
  readonly json: boolean;
  readonly streams: OutputStreams;
  #resultWritten = false;

  constructor(json: boolean, streams: OutputStreams) {
    this.json = json;
    this.streams = streams;
  }

  /** True when progress bars and prompts make sense (stderr is a terminal, not --json). */
  get interactive(): boolean {
    return !this.json && this.streams.stderr.isTTY === true;
  }

  /**
   * The command's result: `doc` as one JSON document with --json, otherwise
   * the human text (if any). Called at most once per command.
   */
  result(doc: Record<string, unknown>, text?: string): void {
    if (this.#resultWritten) throw new Error('internal: result written twice');
    this.#resultWritten = true;
    if (this.json) {
      this.streams.stdout.write(`${JSON.stringify({ ok: true, ...doc })}\n`);
    } else if (text !== undefined && text !== '') {
      this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  get resultWritten(): boolean {
    return this.#resultWritten;
  }

  /** Informational line on stderr (suppressed with --json, where stdout is the contract). */
  info(message: string): void {
    if (!this.json) this.streams.stderr.write(`${message}\n`);
  }

  /** Warnings always go to stderr, also with --json (they never pollute stdout). */
  warn(message: string): void {
    this.streams.stderr.write(`warning: ${message}\n`);
  }

  /** An expected error: one line (plus hint) on stderr; the JSON document on stdout with --json. */
  error(
    code: string,
    message: string,
    exit: number,
    hint?: string,
    details?: Record<string, unknown>,
    errorFields?: Record<string, unknown>,
  ): void {
    this.streams.stderr.write(`coffer: ${message}\n`);
    if (hint !== undefined) this.streams.stderr.write(`  ${hint}\n`);
    if (this.json && !this.#resultWritten) {
      this.#resultWritten = true;
      const error = {
        code,
        message,
        exit,
        ...(hint === undefined ? {} : { hint }),
        ...errorFields,
      };
      this.streams.stdout.write(`${JSON.stringify({ ok: false, ...details, error })}\n`);
    }
  }
}
