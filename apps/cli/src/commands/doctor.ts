/**
 * `coffer doctor`: each check reports ok / warn / fail with a reason:
 * reachability, certificate, protocol compatibility, clock skew, replica
 * integrity, pending outbox; with --verify, every envelope of the replica
 * opened with the account's keys. Exits with the code of the first failure.
 */
import { existsSync } from 'node:fs';
import { countWithheld } from '@coffer/client';
import { createTlsFetch, SqliteStore } from '@coffer/client/node';
import { nativeCryptoStatus } from '@coffer/protocol';
import Database from 'better-sqlite3';
import { buildClient } from '../account/open-client.ts';
import { openServerProfile } from '../account/profile.ts';
import { booleanOption, type CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { CliError, ExitCode, type ExitCodeName } from '../cli/exit-codes.ts';
import { formatFingerprint } from '../net/fingerprint.ts';
import { probeCertificate } from '../net/probe.ts';
import { profilePaths } from '../profile/home.ts';
import type { ServerTrust } from '../profile/servers.ts';
import { type VaultVerification, verificationLines, verifyReplica } from './doctor-verify.ts';

/** Clock skew from the server's Date header (second resolution; records carry client timestamps). */
async function clockCheck(origin: string, trust: ServerTrust): Promise<Check> {
  const tls =
    trust.kind === 'pin'
      ? { pinSha256: trust.sha256 }
      : trust.kind === 'ca'
        ? { caPem: trust.caPem }
        : undefined;
  const fetchFn = tls === undefined ? fetch : createTlsFetch(tls);
  const before = Date.now();
  const res = await fetchFn(`${origin}/healthz`);
  const after = Date.now();
  await res.arrayBuffer();
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isNaN(date))
    return { name: 'clock', status: 'warn', detail: 'the server sent no Date header' };
  const skew = Math.abs(date + 500 - (before + after) / 2);
  return {
    name: 'clock',
    status: skew > 60_000 ? 'warn' : 'ok',
    detail: `skew about ${Math.round(skew / 1000)} s`,
  };
}

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  exit?: number;
}

function failed(name: string, e: unknown): Check {
  const err = toCliError(e);
  return {
    name,
    status: 'fail',
    detail: err?.message ?? String(e),
    exit: err ? ExitCode[err.exit] : ExitCode.internal,
  };
}

/** Why the native AES-GCM is not in use, as a user reads it. */
const NATIVE_CRYPTO_ABSENT = {
  disabled: 'turned off by COFFER_NATIVE_CRYPTO=0',
  'self-test-failed': 'failed its check against node:crypto and is not used',
  'not-built': 'not built here (no C compiler at install?)',
  'not-node': 'not available in this runtime',
} as const;

/** Which AES-GCM encrypts and decrypts here: the protocol's native addon, or node:crypto (about half as fast for files). */
function cryptoCheck(): Check {
  const status = nativeCryptoStatus();
  return {
    name: 'crypto',
    status: 'ok',
    detail: status.loaded
      ? 'native AES-GCM and HKDF (the OpenSSL inside Node)'
      : `node:crypto: native AES-GCM ${NATIVE_CRYPTO_ABSENT[status.reason]}; large files encrypt and decrypt more slowly`,
  };
}

export async function run(ctx: CommandContext): Promise<void> {
  const checks: Check[] = [];
  const home = ctx.globals.home;
  try {
    const profile = await openServerProfile(ctx);
    if (profile.server.protocol === 'https:') {
      const probe = await probeCertificate(
        profile.server,
        profile.trust.kind === 'ca' ? profile.trust.caPem : undefined,
      );
      checks.push({
        name: 'reachability',
        status: 'ok',
        detail: `${profile.server.host} accepts TLS connections`,
      });
      const pinned = profile.trust.kind === 'pin' ? profile.trust.sha256 : undefined;
      checks.push(
        pinned !== undefined && pinned !== probe.sha256
          ? {
              name: 'certificate',
              status: 'fail',
              detail: `does not match the pin (server shows ${formatFingerprint(probe.sha256)})`,
              exit: ExitCode.network,
            }
          : {
              name: 'certificate',
              status: 'ok',
              detail: `${profile.trust.kind === 'pin' ? 'matches the pin' : probe.authorized ? 'trusted' : 'untrusted'}, valid until ${probe.validTo}`,
            },
      );
    }
    const opened = buildClient(profile);
    try {
      const started = Date.now();
      const meta = await opened.client.handshake();
      const rtt = Date.now() - started;
      checks.push({
        name: 'protocol',
        status: 'ok',
        detail: `${meta.server.name} ${meta.server.version} speaks protocol ${meta.protocol.min}..${meta.protocol.current} (${rtt} ms)`,
      });
      checks.push(await clockCheck(profile.server.origin, profile.trust));
    } catch (e) {
      checks.push(failed('protocol', e));
    } finally {
      await opened.close();
    }
  } catch (e) {
    checks.push(failed('server', e));
  }
  const replica = profilePaths(home).replica;
  if (existsSync(replica)) {
    try {
      const db = new Database(replica, { readonly: true, fileMustExist: true });
      const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
      db.close();
      const ok = rows.length === 1 && rows[0]?.integrity_check === 'ok';
      checks.push(
        ok
          ? { name: 'replica', status: 'ok', detail: 'SQLite integrity check passed' }
          : {
              name: 'replica',
              status: 'fail',
              detail: 'the replica is damaged',
              exit: ExitCode.crypto,
            },
      );
      const store = SqliteStore.open(replica);
      const pending = await store.countOutbox();
      const withheld = await countWithheld(store);
      await store.close();
      checks.push({
        name: 'outbox',
        status: pending > 0 ? 'warn' : 'ok',
        detail: `${pending} change(s) waiting to be pushed`,
      });
      checks.push({
        name: 'withheld',
        status: withheld.records > 0 ? 'warn' : 'ok',
        detail:
          withheld.records > 0
            ? `${withheld.records} record(s) in ${withheld.vaults} vault(s): the server's latest version did not verify, this device keeps the last verified one (\`coffer sync\` lists them)`
            : 'every record the server sent verified',
      });
    } catch {
      checks.push({
        name: 'replica',
        status: 'fail',
        detail: 'the replica cannot be read (damaged?)',
        exit: ExitCode.crypto,
      });
    }
  } else {
    checks.push({ name: 'replica', status: 'warn', detail: 'no replica yet (log in first)' });
  }
  checks.push(cryptoCheck());
  let verified: VaultVerification[] | undefined;
  if (booleanOption(ctx, 'verify')) {
    const pages = checks.find((c) => c.name === 'replica');
    if (pages?.status !== 'ok') {
      checks.push({
        name: 'verify',
        status: 'fail',
        detail: 'not run: the replica check did not pass',
        exit: pages?.exit ?? ExitCode.notFound,
      });
    } else {
      try {
        verified = await verifyReplica(ctx);
        checks.push(verifyCheck(verified));
      } catch (e) {
        checks.push(failed('verify', e));
      }
    }
  }
  const firstFail = checks.find((c) => c.status === 'fail');
  const healthy = firstFail === undefined;
  if (!ctx.out.json) {
    const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
    ctx.out.streams.stdout.write(
      `${checks.map((c) => `${mark[c.status]}  ${c.name.padEnd(13)} ${c.detail}`).join('\n')}\n`,
    );
    if (verified !== undefined)
      ctx.out.streams.stdout.write(
        verificationLines(verified)
          .map((l) => `      ${''.padEnd(13)} ${l}\n`)
          .join(''),
      );
  }
  const doc = verified === undefined ? { healthy, checks } : { healthy, checks, verify: verified };
  if (firstFail === undefined) {
    if (ctx.out.json) ctx.out.result(doc);
    return;
  }
  // A failed check is a failure document ({"ok":false,…}) that still carries every check.
  const exit = (Object.entries(ExitCode).find(([, v]) => v === firstFail.exit)?.[0] ??
    'internal') as ExitCodeName;
  throw new CliError(
    exit,
    'doctor_failed',
    `check failed: ${firstFail.name}: ${firstFail.detail}`,
    undefined,
    doc,
  );
}

/** The summary check of --verify: fails (exit 8) when any envelope of the replica does not open. */
function verifyCheck(verified: readonly VaultVerification[]): Check {
  const opened = verified.reduce((n, v) => n + v.opened, 0);
  const bad = verified.filter((v) => v.failed.length > 0);
  const failedCount = bad.reduce((n, v) => n + v.failed.length, 0);
  if (failedCount === 0)
    return {
      name: 'verify',
      status: 'ok',
      detail: `all ${opened} envelope(s) in ${verified.length} vault(s) open with your keys`,
    };
  return {
    name: 'verify',
    status: 'fail',
    detail: `${failedCount} envelope(s) in ${bad.length} vault(s) do not open (${opened} do): the local replica is damaged or was tampered with; \`coffer logout\` then \`coffer login\` rebuilds it from the server`,
    exit: ExitCode.crypto,
  };
}
