/**
 * Command-line parsing on node:util parseArgs: global flags may appear before
 * or after the command words; command flags are checked strictly, so a typo is
 * a usage error (exit 2) rather than being ignored.
 */
import { parseArgs } from 'node:util';
import type { CommandSpec, OptionSpec } from './command.ts';
import { type CliError, usageError } from './exit-codes.ts';
import { closest } from './suggest.ts';

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  home: {
    type: 'string',
    value: 'DIR',
    description: 'profile directory (default $COFFER_HOME or the platform config dir)',
  },
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
  server: {
    type: 'string',
    value: 'URL',
    description: "server URL (default: the profile's server)",
  },
  'passphrase-file': {
    type: 'string',
    value: 'PATH',
    description: 'read the passphrase from the first line of PATH',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'V', description: 'print the version' },
};

export interface ParsedCommandLine {
  /** The matched command, or undefined for `coffer`, `coffer --help`, `coffer vault` (a group). */
  command: CommandSpec | undefined;
  /** Command words typed (for help on a group such as `vault`). */
  words: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

type ParseOptionsConfig = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>;

function toParseConfig(options: Readonly<Record<string, OptionSpec>>): ParseOptionsConfig {
  const out: ParseOptionsConfig = {};
  for (const [name, o] of Object.entries(options)) {
    out[name] = {
      type: o.type,
      ...(o.short === undefined ? {} : { short: o.short }),
      ...(o.multiple === true ? { multiple: true } : {}),
    };
  }
  return out;
}

/** Indices of the leading command words, skipping global flags and their values. */
function findCommandWords(argv: readonly string[], commands: readonly CommandSpec[]): number[] {
  const stringGlobals = new Set(
    Object.entries(GLOBAL_OPTIONS)
      .filter(([, o]) => o.type === 'string')
      .map(([n]) => `--${n}`),
  );
  const indices: number[] = [];
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-')) {
      const flag = token.split('=')[0]!;
      const isGlobal = flag.slice(2) in GLOBAL_OPTIONS || token === '-h' || token === '-V';
      if (!isGlobal && indices.length > 0) break;
      if (stringGlobals.has(token)) i++;
      continue;
    }
    const candidate = [...words, token];
    const isPrefix = commands.some((c) => candidate.every((w, k) => c.path[k] === w));
    if (!isPrefix) break;
    indices.push(i);
    words.push(token);
    if (
      commands.some(
        (c) => c.path.length === candidate.length && candidate.every((w, k) => c.path[k] === w),
      ) &&
      !commands.some(
        (c) => c.path.length > candidate.length && candidate.every((w, k) => c.path[k] === w),
      )
    ) {
      break;
    }
  }
  return indices;
}

/** Parse argv (without node and script) against the command table. */
export function parseCommandLine(
  argv: readonly string[],
  commands: readonly CommandSpec[],
): ParsedCommandLine {
  const wordIdx = findCommandWords(argv, commands);
  const words = wordIdx.map((i) => argv[i]!);
  const rest = argv.filter((_, i) => !wordIdx.includes(i));
  const command = commands.find(
    (c) => c.path.length === words.length && c.path.every((w, k) => words[k] === w),
  );
  const options = { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: toParseConfig(options),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const name = words.length > 0 ? `coffer ${words.join(' ')}` : 'coffer';
    const unknown = /^Unknown option '(-{1,2}[^'=]+)'/.exec(message)?.[1];
    if (unknown !== undefined) throw unknownOption(unknown, Object.keys(options), name, command);
    throw usageError(message.replace(/\. To specify a positional.*$/, ''), `see: ${name} --help`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (command === undefined && parsed.positionals.length > 0 && values.help !== true) {
    const typed = [...words, parsed.positionals[0]!].join(' ');
    const near = closest(
      typed,
      commands.map((c) => c.path.slice(0, words.length + 1).join(' ')),
    );
    throw usageError(
      `unknown command: ${typed}`,
      near === undefined
        ? 'see: coffer --help'
        : `did you mean \`coffer ${near}\`? see: coffer --help`,
    );
  }
  return { command, words, values, positionals: parsed.positionals };
}

/** The positional of `command` that may hold a secret, if any. */
const secretPositional = (command: CommandSpec | undefined) =>
  command?.positionals.find((p) => p.secret === true);

/** An unknown flag, with the nearest one this command takes (a passphrase flag gets the rule). */
function unknownOption(
  flag: string,
  known: readonly string[],
  name: string,
  command: CommandSpec | undefined,
): CliError {
  if (/^--?(passphrase|password|pass)$/.test(flag) && !known.includes('passphrase'))
    return usageError(
      `unknown option ${flag}: a passphrase is never taken on the command line (ps and shell history would show it)`,
      'set COFFER_PASSPHRASE, pass --passphrase-file PATH, or let the prompt ask',
    );
  const near = flag.startsWith('--') ? closest(flag.slice(2), known) : undefined;
  const secret = secretPositional(command);
  // Nothing like an option of this command: it may be a value that starts with "-"
  // (a generated password), and CI logs keep stderr.
  if (near === undefined && secret !== undefined)
    return usageError(
      `unknown option (not repeated here: it may be a ${secret.name} that starts with "-")`,
      `a ${secret.name} that starts with "-" goes after --: ${name} … -- "$${secret.name}"; see: ${name} --help`,
    );
  return usageError(
    `unknown option ${flag}`,
    near === undefined ? `see: ${name} --help` : `did you mean --${near}? see: ${name} --help`,
  );
}

/** Map positionals to the command's named arguments, enforcing arity. */
export function bindPositionals(
  command: CommandSpec,
  positionals: readonly string[],
): { args: Record<string, string | undefined>; rest: string[] } {
  const args: Record<string, string | undefined> = {};
  const rest: string[] = [];
  const name = `coffer ${command.path.join(' ')}`;
  let i = 0;
  for (const p of command.positionals) {
    if (p.variadic === true) {
      rest.push(...positionals.slice(i));
      if (rest.length === 0 && p.optional !== true) {
        throw usageError(`missing argument ${p.name}`, `see: ${name} --help`);
      }
      i = positionals.length;
      break;
    }
    const v = positionals[i];
    if (v === undefined && p.optional !== true) {
      throw usageError(`missing argument ${p.name}`, `see: ${name} --help`);
    }
    args[p.name] = v;
    i++;
  }
  if (i < positionals.length) {
    const secret = secretPositional(command);
    // An unquoted "$VALUE" with a space: the extra words are part of the secret.
    if (secret !== undefined)
      throw usageError(
        `${positionals.length - i} more argument(s) than ${name} takes (not repeated here: they may be part of a ${secret.name})`,
        `quote a ${secret.name} that holds spaces ("$${secret.name}"); see: ${name} --help`,
      );
    throw usageError(`unexpected argument: ${positionals[i]}`, `see: ${name} --help`);
  }
  return { args, rest };
}
