/** Typos and missing words, as a person or a script meets them: the built binary, no server. */
import { describe, expect, it } from 'vitest';
import { coffer, expectFailure, json } from './helpers/cli.ts';

describe('usage mistakes', () => {
  it('a mistyped command or flag names the nearest one', async () => {
    expectFailure(
      await coffer(['gett', 'ops', 'k']),
      2,
      /unknown command: gett\n.*did you mean `coffer get`\?/,
    );
    expectFailure(
      await coffer(['vault', 'crate', 'ops']),
      2,
      /unknown command: vault crate\n.*did you mean `coffer vault create`\?/,
    );
    expectFailure(
      await coffer(['get', 'ops', 'k', '--ot', 'x']),
      2,
      /unknown option --ot\n.*did you mean --out\?/,
    );
    // Nothing near: no guess.
    const far = await coffer(['frobnicate']);
    expectFailure(far, 2, /unknown command: frobnicate\n {2}see: coffer --help/);
  });

  it('a passphrase given as a flag is refused with the reason and the ways that work', async () => {
    const r = await coffer(['get', 'ops', 'k', '--passphrase', 'hunter2']);
    expectFailure(r, 2, /a passphrase is never taken on the command line[\s\S]*COFFER_PASSPHRASE/);
    // The value itself is not repeated back.
    expect(r.stderr).not.toContain('hunter2');
  });

  it('--json with a command group but no command prints one JSON error document', async () => {
    for (const args of [['--json', 'vault'], ['--json']]) {
      const r = await coffer(args);
      expect(r.code).toBe(2);
      expect(json(r)).toMatchObject({
        ok: false,
        error: { code: 'usage', exit: 2, message: expect.stringMatching(/^missing command/) },
      });
    }
    // Without --json a person still gets the group's help.
    const human = await coffer(['vault']);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/coffer vault create NAME/);
  });
});
