/**
 * `--help` with `--json`: the same facts as the text help (help.ts), as one
 * JSON document a tool can read (completions, wrappers, docs generators).
 * Built from the command table like the text, so neither can drift. Fields
 * are only ever added.
 */
import type { CommandSpec, OptionSpec } from './command.ts';
import { EXIT_CODE_HELP } from './exit-codes.ts';
import { ENVIRONMENT_HELP, overviewUsage, PRODUCT_SUMMARY, usageLine } from './help.ts';
import { GLOBAL_OPTIONS } from './parse.ts';

export interface OptionHelp {
  name: string;
  flag: string;
  short: string | null;
  /** The placeholder of its value (`PATH`), or null for a switch. */
  value: string | null;
  repeatable: boolean;
  description: string;
}

function optionsHelp(options: Readonly<Record<string, OptionSpec>>): OptionHelp[] {
  return Object.entries(options).map(([name, o]) => ({
    name,
    flag: `--${name}`,
    short: o.short === undefined ? null : `-${o.short}`,
    value: o.type === 'string' ? (o.value ?? 'VALUE') : null,
    repeatable: o.multiple === true,
    description: o.description,
  }));
}

/**
 * The text help wraps long descriptions at ~90 columns; in JSON a paragraph
 * is one line. Blank lines (paragraphs) and indented lines (examples, lists)
 * keep their line breaks.
 */
function reflow(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .reduce(
          (acc, line, i) => (i === 0 ? line : `${acc}${/^\s/.test(line) ? '\n' : ' '}${line}`),
          '',
        ),
    )
    .join('\n\n');
}

const exitCodes = () => EXIT_CODE_HELP.map(([code, meaning]) => ({ code, meaning }));

/**
 * The help of one command as a JSON document.
 *
 * @example
 * out.result(commandHelpDoc(spec)); // {"ok":true,"command":"put","usage":"coffer put VAULT KEY …",…}
 */
export function commandHelpDoc(c: CommandSpec): Record<string, unknown> {
  return {
    command: c.path.join(' '),
    usage: usageLine(c),
    summary: c.summary,
    description: c.description === undefined ? null : reflow(c.description),
    arguments: c.positionals.map((p) => ({
      name: p.name,
      required: p.optional !== true,
      variadic: p.variadic === true,
    })),
    options: optionsHelp(c.options),
    globalOptions: optionsHelp(GLOBAL_OPTIONS),
    examples: [...c.examples],
    exitCodes: exitCodes(),
  };
}

/** The help of `coffer` or of a group (`coffer vault`) as a JSON document. */
export function overviewHelpDoc(
  commands: readonly CommandSpec[],
  group: readonly string[] = [],
): Record<string, unknown> {
  const shown = commands.filter((c) => group.every((w, i) => c.path[i] === w));
  return {
    command: group.length === 0 ? null : group.join(' '),
    usage: overviewUsage(group),
    summary: PRODUCT_SUMMARY,
    commands: shown.map((c) => ({
      command: c.path.join(' '),
      usage: usageLine(c),
      summary: c.summary,
    })),
    globalOptions: optionsHelp(GLOBAL_OPTIONS),
    environment: ENVIRONMENT_HELP.map(([name, description]) => ({ name, description })),
    exitCodes: exitCodes(),
  };
}
