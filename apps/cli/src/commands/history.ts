/**
 * `coffer history VAULT KEY`: the current version and the conflict copies
 * this device keeps, with their values, so a person can choose before
 * `coffer resolve`. The --json shape is documented in README.md.
 */
import { BINARY_TYPE, decodeValue } from '../account/content.ts';
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

type Version =
  | {
      kind: 'current';
      /** As in `get --json`: says whether `value` is text or base64 of binary bytes. */
      type: string;
      value: unknown;
      updatedAt: number;
      pending: boolean;
      bytes?: number;
    }
  | {
      kind: 'conflict';
      lost: 'mine' | 'theirs';
      /** The losing version's own type and edit time (null for a deletion). */
      type: string | null;
      value: unknown;
      deleted: boolean;
      updatedAt: number | null;
      detectedAt: number;
    };

/** One line per value: strings quoted (whitespace stays visible), long ones cut. */
function shown(v: Version): string {
  if (v.kind === 'conflict' && v.deleted) return '(deleted)';
  if (v.kind === 'current' && v.bytes !== undefined) return `(file, ${v.bytes} bytes)`;
  // Base64 on a line of text reads as if it were the value.
  if (v.kind === 'current' && v.type === BINARY_TYPE && typeof v.value === 'string')
    return `(binary, ${decodeValue(v.type, v.value).length} bytes)`;
  const text = JSON.stringify(v.value) ?? '';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function line(v: Version): string {
  if (v.kind === 'current') {
    const when = new Date(v.updatedAt).toISOString();
    return `current\t${when}\t${shown(v)}${v.pending ? '\t(not pushed)' : ''}`;
  }
  const when = new Date(v.detectedAt).toISOString();
  return `conflict: ${v.lost} (lost)\tdetected ${when}\t${shown(v)}`;
}

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const versions = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, vault, { sync: false });
    const current = await opened.client.records.get(vaultId, key);
    const copies = (await opened.client.conflicts.list(vaultId)).filter((c) => c.name === key);
    const out: Version[] = [];
    if (current)
      out.push({
        kind: 'current',
        type: current.type,
        value: current.value,
        updatedAt: current.updatedAt,
        pending: current.pending,
        ...(current.blob === undefined ? {} : { bytes: current.blob.size }),
      });
    for (const c of copies) {
      out.push({
        kind: 'conflict',
        // local_lost: the copy is this device's edit; remote_lost: the other device's.
        lost: c.reason === 'local_lost' ? 'mine' : 'theirs',
        type: c.type ?? null,
        value: c.deleted ? null : c.value,
        deleted: c.deleted,
        updatedAt: c.updatedAt ?? null,
        detectedAt: c.detectedAt,
      });
    }
    return out;
  });
  if (versions.length === 0)
    throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
  ctx.out.result({ vault, key, versions }, versions.map(line).join('\n'));
}
