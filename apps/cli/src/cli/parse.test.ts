import { describe, expect, it } from 'vitest';
import type { CommandSpec } from './command.ts';
import { CliError } from './exit-codes.ts';
import { bindPositionals, parseCommandLine } from './parse.ts';

const noop = async () => ({ run: async () => {} });
const spec = (path: string[], extra: Partial<CommandSpec> = {}): CommandSpec => ({
  path,
  summary: path.join(' '),
  positionals: [],
  options: {},
  examples: [],
  load: noop,
  ...extra,
});
const COMMANDS = [
  spec(['vault', 'share'], {
    positionals: [{ name: 'NAME' }, { name: 'USER' }],
    options: { role: { type: 'string', description: 'role' } },
  }),
  spec(['vault', 'list']),
  spec(['sync'], { positionals: [{ name: 'VAULT', optional: true }] }),
  spec(['encrypt'], {
    positionals: [{ name: 'IN' }, { name: 'OUT' }],
    options: { to: { type: 'string', multiple: true, description: 'to' } },
  }),
];

describe('parseCommandLine', () => {
  it('finds two-word commands with global flags before and after', () => {
    const p = parseCommandLine(
      ['--home', '/tmp/h', 'vault', 'share', 'ops', 'bob', '--role', 'admin', '--json'],
      COMMANDS,
    );
    expect(p.command?.path).toEqual(['vault', 'share']);
    expect(p.values).toMatchObject({ home: '/tmp/h', role: 'admin', json: true });
    expect(bindPositionals(p.command!, p.positionals).args).toEqual({ NAME: 'ops', USER: 'bob' });
  });

  it('does not take a positional that looks like a command as a command word', () => {
    const p = parseCommandLine(['sync', 'vault'], COMMANDS);
    expect(p.command?.path).toEqual(['sync']);
    expect(p.positionals).toEqual(['vault']);
  });

  it('collects repeated options', () => {
    const p = parseCommandLine(['encrypt', '--to', 'bob', '--to', 'carol', 'a', 'b'], COMMANDS);
    expect(p.values.to).toEqual(['bob', 'carol']);
  });

  it('rejects unknown flags, unknown commands and bad arity as usage errors', () => {
    const usage = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CliError ? e.exit : 'other';
      }
      return 'no error';
    };
    expect(usage(() => parseCommandLine(['vault', 'list', '--nope'], COMMANDS))).toBe('usage');
    expect(usage(() => parseCommandLine(['frobnicate'], COMMANDS))).toBe('usage');
    const p = parseCommandLine(['vault', 'share', 'ops'], COMMANDS);
    expect(usage(() => bindPositionals(p.command!, p.positionals))).toBe('usage');
    const q = parseCommandLine(['sync', 'a', 'b'], COMMANDS);
    expect(usage(() => bindPositionals(q.command!, q.positionals))).toBe('usage');
  });

  it('never repeats what was typed around a secret VALUE in a usage error', () => {
    const put = spec(['put'], {
      positionals: [{ name: 'VAULT' }, { name: 'KEY' }, { name: 'VALUE', secret: true }],
      options: { file: { type: 'string', description: 'file' } },
    });
    const failure = (f: () => unknown): CliError => {
      try {
        f();
      } catch (e) {
        if (e instanceof CliError) return e;
      }
      throw new Error('no usage error');
    };
    // An unquoted `coffer put ops db/pw $PASS` where PASS='correct horse battery'.
    const p = parseCommandLine(['put', 'ops', 'db/pw', 'correct', 'horse', 'battery'], [put]);
    const extra = failure(() => bindPositionals(p.command!, p.positionals));
    expect(extra.message).toBe(
      '2 more argument(s) than coffer put takes (not repeated here: they may be part of a VALUE)',
    );
    expect(`${extra.message} ${extra.hint}`).not.toMatch(/horse|battery/);
    // A value that starts with "-" is no option of put: not echoed either.
    for (const value of ['--S3cretvalue', '-x9Secret']) {
      const e = failure(() => parseCommandLine(['put', 'ops', 'db/pw', value], [put]));
      expect(e.exit).toBe('usage');
      expect(`${e.message} ${e.hint}`).not.toMatch(/S3cret|x9|-x\b/);
      expect(e.hint).toMatch(/goes after --/);
    }
    // A typo of a real option still names it.
    expect(failure(() => parseCommandLine(['put', 'ops', 'k', '--fiel', 'x'], [put])).hint).toMatch(
      /did you mean --file\?/,
    );
    // Other commands still say which argument was one too many.
    const q = parseCommandLine(['sync', 'a', 'b'], COMMANDS);
    expect(failure(() => bindPositionals(q.command!, q.positionals)).message).toBe(
      'unexpected argument: b',
    );
  });

  it('leaves a group without a command for group help', () => {
    const p = parseCommandLine(['vault', '--help'], COMMANDS);
    expect(p.command).toBeUndefined();
    expect(p.words).toEqual(['vault']);
  });
});
