import { describe, expect, it } from 'vitest';
import { MAX_SEMI_SPACE_MB, tunedArgv } from './young-generation.ts';

describe('tunedArgv', () => {
  it('re-executes with the semi-space flag first, keeping Node flags, script and arguments', () => {
    expect(
      tunedArgv('/n', ['--import', 'x.js'], '/s.js', ['--port', '0'], '--conditions=a'),
    ).toEqual([
      '/n',
      `--max-semi-space-size=${MAX_SEMI_SPACE_MB}`,
      '--import',
      'x.js',
      '/s.js',
      '--port',
      '0',
    ]);
  });

  it('leaves a process alone once the flag is set, by us or by the operator', () => {
    expect(tunedArgv('/n', ['--max-semi-space-size=16'], '/s.js', [], undefined)).toBeNull();
    expect(tunedArgv('/n', ['--max-semi-space-size', '4'], '/s.js', [], undefined)).toBeNull();
    expect(tunedArgv('/n', [], '/s.js', [], ' --max-semi-space-size=64  --trace-gc')).toBeNull();
  });

  it('does nothing without a script to run again (eval, REPL)', () => {
    expect(tunedArgv('/n', [], undefined, [], undefined)).toBeNull();
  });
});
