/**
 * The shape of one command: what it accepts (for parsing and --help) and a
 * lazy loader for its implementation, so `coffer --version` or `coffer get`
 * only load the code they run (cold start matters for scripts).
 */
import type { Output } from './output.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `PATH`. */
  value?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  optional?: boolean;
  /** Takes every remaining positional (only the last one). */
  variadic?: boolean;
  /**
   * May hold a secret (put's VALUE): a usage error never repeats what was typed
   * around it (an unquoted `$PASS` with a space splits into an extra argument).
   */
  secret?: boolean;
}

/** Flags every command accepts. */
export interface GlobalOptions {
  /** Profile directory (already resolved from --home, COFFER_HOME or the platform default). */
  home: string;
  json: boolean;
  server: string | undefined;
  passphraseFile: string | undefined;
}

/** What a command implementation receives. */
export interface CommandContext {
  globals: GlobalOptions;
  /** Positionals by name (variadic ones joined into `rest`). */
  args: Readonly<Record<string, string | undefined>>;
  rest: readonly string[];
  options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  out: Output;
  env: NodeJS.ProcessEnv;
}

export type CommandRun = (ctx: CommandContext) => Promise<void>;

export interface CommandSpec {
  /** Words that select the command: `['vault', 'share']`. */
  path: readonly string[];
  summary: string;
  /** Longer explanation for `--help`, optional. */
  description?: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  examples: readonly string[];
  load: () => Promise<{ run: CommandRun }>;
}

/** String option value, or undefined. Throws nothing: parseArgs already typed it. */
export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function booleanOption(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const v = ctx.options[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}

/** A required positional (parse already enforced presence). */
export function arg(ctx: CommandContext, name: string): string {
  const v = ctx.args[name];
  if (v === undefined) throw new Error(`internal: positional ${name} missing`);
  return v;
}
