/** `--help --json`: the help as one JSON document a tool can read; the text help unchanged. */
import { describe, expect, it } from 'vitest';
import { coffer, json } from './helpers/cli.ts';

describe('help as JSON', () => {
  it('a command: usage, arguments, options with descriptions, examples and exit codes', async () => {
    // --json before or after the command words, --help or -h: the same document.
    for (const args of [
      ['put', '--json', '--help'],
      ['--json', 'put', '-h'],
    ]) {
      const r = await coffer(args);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const doc = json(r);
      expect(doc).toMatchObject({
        ok: true,
        command: 'put',
        usage: 'coffer put VAULT KEY [VALUE] [options]',
        summary: expect.stringMatching(/^set KEY in VAULT/),
        description: null,
        arguments: [
          { name: 'VAULT', required: true, variadic: false },
          { name: 'KEY', required: true, variadic: false },
          { name: 'VALUE', required: false, variadic: false },
        ],
        examples: expect.arrayContaining(['coffer put ops db/password hunter2']),
      });
      expect(doc.options).toEqual([
        {
          name: 'file',
          flag: '--file',
          short: null,
          value: 'PATH',
          repeatable: false,
          description: expect.stringMatching(/any size, streamed/),
        },
        {
          name: 'no-sync',
          flag: '--no-sync',
          short: null,
          value: null,
          repeatable: false,
          description: expect.any(String),
        },
      ]);
      expect(doc.globalOptions).toContainEqual(
        expect.objectContaining({ flag: '--passphrase-file', value: 'PATH' }),
      );
      expect(doc.exitCodes).toContainEqual({ code: 5, meaning: expect.stringMatching(/conflict/) });
    }
  });

  it('a long description is one paragraph per blank-line block, with no wrapped lines', async () => {
    const doc = json(await coffer(['vault', 'share', '--help', '--json']));
    expect(doc).toMatchObject({
      command: 'vault share',
      usage: 'coffer vault share NAME USER [options]',
    });
    expect(doc.description).toMatch(/out of band; pass it with --fingerprint/);
    expect(doc.description).not.toContain('\n');
    // Indented lines (the NDJSON shapes of sync --watch) keep their own lines.
    const sync = json(await coffer(['sync', '--help', '--json']));
    expect(sync.description).toMatch(/never "ok":\n {2}\{"event":"change"/);
  });

  it('coffer and a command group list their commands, the environment and the exit codes', async () => {
    const top = json(await coffer(['--help', '--json']));
    expect(top).toMatchObject({ ok: true, command: null });
    expect(top.commands).toContainEqual({
      command: 'vault create',
      usage: 'coffer vault create NAME',
      summary: expect.any(String),
    });
    expect(top.environment).toContainEqual({
      name: 'COFFER_SESSION',
      description: expect.stringMatching(/coffer unlock/),
    });
    expect(top.exitCodes).toContainEqual({ code: 130, meaning: expect.any(String) });
    const group = json(await coffer(['vault', '--json', '--help']));
    expect(group.command).toBe('vault');
    const names = (group.commands as Array<{ command: string }>).map((c) => c.command);
    expect(names.length).toBeGreaterThan(3);
    expect(names.every((n) => n.startsWith('vault '))).toBe(true);
  });

  it('without --json the help stays text', async () => {
    const r = await coffer(['put', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: coffer put VAULT KEY \[VALUE\] \[options\]\n/);
    expect(r.stdout).toMatch(/\nExamples:\n {2}coffer put ops db\/password hunter2\n/);
    const top = await coffer(['--help']);
    expect(top.stdout).toMatch(/\n {2}COFFER_SESSION {6}session from `coffer unlock`/);
    expect(top.stdout).toMatch(/\n {2}COFFER_FILE_PASSPHRASE {2}passphrase of encrypt/);
  });
});
