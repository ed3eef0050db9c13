/** `--help` text, generated from the command table so it cannot drift. */
import type { CommandSpec, OptionSpec } from './command.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';
import { GLOBAL_OPTIONS } from './parse.ts';

/** `coffer put VAULT KEY [VALUE] [options]`. */
export function usageLine(c: CommandSpec): string {
  const parts = c.positionals.map((p) => {
    const n = p.variadic === true ? `${p.name}…` : p.name;
    return p.optional === true ? `[${n}]` : n;
  });
  return ['coffer', ...c.path, ...parts, Object.keys(c.options).length > 0 ? '[options]' : '']
    .filter((s) => s !== '')
    .join(' ');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const short = o.short === undefined ? '    ' : `-${o.short}, `;
    const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : '';
    return [
      `  ${short}--${name}${value}${o.multiple === true ? ' (repeatable)' : ''}`,
      o.description,
    ] as const;
  });
  const width = Math.max(0, ...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, d]) => `${l.padEnd(width)}${d}`);
}

/** Help for one command. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`Usage: ${usageLine(c)}`, '', c.summary];
  if (c.description !== undefined) lines.push('', c.description);
  if (Object.keys(c.options).length > 0) lines.push('', 'Options:', ...optionLines(c.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (c.examples.length > 0) lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

export const PRODUCT_SUMMARY =
  'End-to-end encrypted secrets, configuration and files. The server only ever sees ciphertext.';

/** The environment variables `coffer --help` lists. */
export const ENVIRONMENT_HELP: ReadonlyArray<readonly [string, string]> = [
  ['COFFER_HOME', 'profile directory (like --home)'],
  ['COFFER_SERVER', 'server URL (like --server)'],
  ['COFFER_PASSPHRASE', 'passphrase for scripts and CI (else a prompt without echo)'],
  ['COFFER_FILE_PASSPHRASE', 'passphrase of encrypt -p / decrypt files (else COFFER_PASSPHRASE)'],
  ['COFFER_SESSION', 'session from `coffer unlock` (no key derivation per command)'],
];

export function overviewUsage(group: readonly string[]): string {
  return `coffer [--home DIR] [--json] [--server URL] ${group.length > 0 ? `${group.join(' ')} ` : ''}<command> [args]`;
}

/** Help for `coffer` or for a group such as `coffer vault`. */
export function overviewHelp(
  commands: readonly CommandSpec[],
  group: readonly string[] = [],
): string {
  const shown = commands.filter((c) => group.every((w, i) => c.path[i] === w));
  const rows = shown.map((c) => [usageLine(c).replace(/ \[options\]$/, ''), c.summary] as const);
  const width = Math.min(52, Math.max(0, ...rows.map(([u]) => u.length)) + 2);
  const list = rows.map(([u, s]) =>
    u.length + 2 > width ? `  ${u}\n  ${''.padEnd(width)}${s}` : `  ${u.padEnd(width)}${s}`,
  );
  const lines = [
    `Usage: ${overviewUsage(group)}`,
    '',
    PRODUCT_SUMMARY,
    '',
    'Commands:',
    ...list,
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
  ];
  if (group.length === 0) {
    lines.push(
      '',
      'Environment:',
      ...ENVIRONMENT_HELP.map(([name, text]) =>
        name.length > 18 ? `  ${name}  ${text}` : `  ${name.padEnd(20)}${text}`,
      ),
      '',
      'Exit codes:',
      ...EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padEnd(3)} ${text}`),
      '',
      'Run `coffer <command> --help` for the options and examples of one command.',
    );
  }
  return `${lines.join('\n')}\n`;
}
