/**
 * Terminal prompts on stdin/stderr. Only used when stdin is a TTY; scripts
 * never block on a prompt (they get a clear error instead).
 */
import { CliError } from './exit-codes.ts';

type TtyIn = NodeJS.ReadStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export function canPrompt(stdin: TtyIn = process.stdin): boolean {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

/** Read one line without echo (passphrases). Ctrl-C aborts with exit 130. */
export function promptHidden(question: string, stdin: TtyIn = process.stdin): Promise<string> {
  const stderr = process.stderr;
  return new Promise((resolvePromise, reject) => {
    let value = '';
    stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        // Raw mode turns Ctrl-C into a byte, not SIGINT: exit as the signal would have (130).
        if (ch === '\u0003') return done(new CliError('cancelled', 'cancelled', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Ask a yes/no question; anything but y/yes is no. */
export function promptYesNo(question: string, stdin: TtyIn = process.stdin): Promise<boolean> {
  return new Promise((resolvePromise) => {
    process.stderr.write(`${question} [y/N] `);
    stdin.resume();
    stdin.setEncoding('utf8');
    stdin.once('data', (line: string) => {
      stdin.pause();
      resolvePromise(/^\s*y(es)?\s*$/i.test(line));
    });
  });
}
