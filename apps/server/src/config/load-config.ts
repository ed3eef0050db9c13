/**
 * Command line and environment to a validated {@link ServerConfig}. Flags win
 * over environment variables; every bad value gets its own one-line message.
 */
import { parseArgs } from 'node:util';
import { ConfigSchema, OPTIONS, type OptionName, type ServerConfig } from './options.ts';

export type LoadResult =
  | { kind: 'config'; config: ServerConfig }
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'error'; messages: string[] };

/** The `--help` text, built from the option table. */
export function helpText(): string {
  const lines = [
    'Usage: coffer-server --data-dir DIR [options]',
    '',
    'Options (each also as an environment variable):',
  ];
  for (const spec of Object.values(OPTIONS)) {
    const flag = 'boolean' in spec ? `--${spec.flag}` : `--${spec.flag} VALUE`;
    lines.push(`  ${flag.padEnd(30)} ${spec.env}`, `      ${spec.help}`);
  }
  lines.push(
    '  --help',
    '  --version',
    '',
    'Back up a running SQLite server: coffer-server backup --data-dir DIR --to NEW_DIR',
  );
  return lines.join('\n');
}

/**
 * Read flags and environment and validate them.
 *
 * @example
 * const result = loadConfig(process.argv.slice(2), process.env);
 * if (result.kind === 'error') { console.error(result.messages.join('\n')); process.exit(2); }
 */
export function loadConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): LoadResult {
  const names = Object.keys(OPTIONS) as OptionName[];
  const flagOptions: Record<string, { type: 'string' | 'boolean' }> = {
    help: { type: 'boolean' },
    version: { type: 'boolean' },
  };
  for (const name of names) {
    const spec = OPTIONS[name];
    flagOptions[spec.flag] = { type: 'boolean' in spec ? 'boolean' : 'string' };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: flagOptions,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // parseArgs messages name the offending flag and carry no secrets.
    return { kind: 'error', messages: [(error as Error).message] };
  }
  if (values.help) return { kind: 'help', text: helpText() };
  if (values.version) return { kind: 'version' };

  const raw: Record<string, string | boolean> = {};
  for (const name of names) {
    const spec = OPTIONS[name];
    const fromFlag = values[spec.flag];
    const fromEnv = env[spec.env];
    if (fromFlag !== undefined) raw[name] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== '') raw[name] = fromEnv;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (parsed.success) return { kind: 'config', config: parsed.data };
  // zod skips cross-field refinements once a field failed: check them here too.
  const crossField: string[] = [];
  if ((raw.tlsCert === undefined) !== (raw.tlsKey === undefined))
    crossField.push('--tls-cert and --tls-key go together');
  const messages = parsed.error.issues.map((issue) => {
    const name = issue.path[0] as OptionName | undefined;
    const spec = name ? OPTIONS[name] : undefined;
    // Never echo the value: it may be a secret (server secret, database URL with a password).
    // A cross-field rule names its flags itself (and is added below when zod skipped it).
    if (!spec || issue.message.startsWith('--')) return issue.message;
    return `--${spec.flag} (${spec.env}): ${issue.message}`;
  });
  return { kind: 'error', messages: [...new Set([...messages, ...crossField])] };
}
