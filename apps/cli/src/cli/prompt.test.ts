import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes.ts';
import { promptHidden } from './prompt.ts';

/** A terminal on stdin: raw mode and data events, as a person typing would produce them. */
function fakeTty() {
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    raw: false,
    setRawMode(raw: boolean) {
      stdin.raw = raw;
      return stdin;
    },
    resume() {},
    pause() {},
    setEncoding() {},
  });
  return stdin;
}

describe('promptHidden', () => {
  it('reads a line typed in raw mode, with backspace, and restores the terminal', async () => {
    const stdin = fakeTty();
    const answer = promptHidden('', stdin as never);
    stdin.emit('data', 'secrex\u007ft\r');
    await expect(answer).resolves.toBe('secret');
    expect(stdin.raw).toBe(false);
  });

  it('Ctrl-C cancels with exit 130, like the SIGINT raw mode swallowed', async () => {
    const stdin = fakeTty();
    const answer = promptHidden('', stdin as never);
    stdin.emit('data', 'par\u0003');
    const err = await answer.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled', exit: 'cancelled' });
    expect(ExitCode.cancelled).toBe(130);
    expect(stdin.raw).toBe(false);
  });
});
