/**
 * Decides how to trust a server: --ca-file, --pin, a decision stored in the
 * profile, the system CAs, or, at first contact with a certificate nobody
 * vouches for, the user comparing the fingerprint (a terminal is required;
 * scripts are refused and told to pass --pin).
 */
import { readFile } from 'node:fs/promises';
import { CliError } from '../cli/exit-codes.ts';
import type { Output } from '../cli/output.ts';
import { canPrompt, promptYesNo } from '../cli/prompt.ts';
import { loadServerTrust, type ServerTrust, saveServerTrust } from '../profile/servers.ts';
import { fingerprintsEqual, formatFingerprint, normalizeFingerprint } from './fingerprint.ts';
import { probeCertificate } from './probe.ts';

export interface TrustFlags {
  caFile?: string | undefined;
  pin?: string | undefined;
}

async function readCa(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch {
    throw new CliError('notFound', 'ca_file_unreadable', `cannot read CA file ${path}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliError('usage', 'bad_ca_file', `${path} is not a PEM certificate`);
  }
  return pem;
}

/** How to trust a server, and how to keep that decision. */
export interface TrustDecision {
  trust: ServerTrust;
  /** Store the decision in the profile (nothing to do for one read from it, or for loopback http). */
  remember(): Promise<void>;
}

/** The trust to use for `url`, asking or checking as needed; stores new decisions in the profile. */
export async function establishTrust(
  home: string,
  url: URL,
  flags: TrustFlags,
  out: Output,
): Promise<ServerTrust> {
  const decision = await decideTrust(home, url, flags, out);
  await decision.remember();
  return decision.trust;
}

/**
 * As {@link establishTrust}, but the caller stores the decision when it
 * chooses: login and signup keep a new pin only once the account flow
 * succeeded, so that a failed login leaves the profile as it was.
 */
export async function decideTrust(
  home: string,
  url: URL,
  flags: TrustFlags,
  out: Output,
): Promise<TrustDecision> {
  const origin = url.origin;
  const decided = (trust: ServerTrust): TrustDecision => ({
    trust,
    remember: () => saveServerTrust(home, origin, trust),
  });
  const known = (trust: ServerTrust): TrustDecision => ({ trust, remember: async () => {} });
  if (url.protocol === 'http:') return known({ kind: 'loopback-http' });
  if (flags.caFile !== undefined && flags.pin !== undefined) {
    throw new CliError('usage', 'usage', 'give either --ca-file or --pin, not both');
  }
  if (flags.caFile !== undefined) {
    const caPem = await readCa(flags.caFile);
    const probe = await probeCertificate(url, caPem);
    if (!probe.authorized) {
      throw new CliError(
        'network',
        'untrusted_certificate',
        `${origin} is not signed by ${flags.caFile} (${probe.authorizationError ?? 'unknown'})`,
      );
    }
    return decided({ kind: 'ca', caPem });
  }
  if (flags.pin !== undefined) {
    const sha256 = normalizeFingerprint(flags.pin);
    const probe = await probeCertificate(url);
    if (!fingerprintsEqual(probe.sha256, sha256)) {
      throw new CliError(
        'network',
        'pin_mismatch',
        `the certificate of ${origin} does not match --pin (server shows ${formatFingerprint(probe.sha256)})`,
        'check the fingerprint with the server operator; someone may be intercepting the connection',
      );
    }
    return decided({ kind: 'pin', sha256 });
  }
  const stored = await loadServerTrust(home, origin);
  if (stored !== undefined) return known(stored);
  return decided(await firstContact(url, out));
}

/** The trust for a server met for the first time (the system's CAs, or the user's yes). */
async function firstContact(url: URL, out: Output): Promise<ServerTrust> {
  const probe = await probeCertificate(url);
  if (probe.authorized) return { kind: 'system' };
  const fp = formatFingerprint(probe.sha256);
  const why = readableReason(probe.authorizationError);
  if (!canPrompt() || out.json) {
    throw new CliError(
      'network',
      'untrusted_certificate',
      `the certificate of ${url.origin} is not trusted (${why}); SHA-256 fingerprint ${fp}`,
      'compare it with the fingerprint the server printed, then pass --pin <fingerprint> (or --ca-file PEM)',
    );
  }
  out.info(`The server ${url.origin} presents a certificate that no CA vouches for (${why}).`);
  out.info(`  subject: ${probe.subject || '(none)'}   valid until: ${probe.validTo}`);
  out.info(`  SHA-256: ${fp}`);
  out.info(
    'Compare this fingerprint with the one the server printed at start (or ask its operator).',
  );
  if (!(await promptYesNo('Trust and pin this certificate?'))) {
    throw new CliError(
      'network',
      'untrusted_certificate',
      'certificate not trusted; nothing was sent to the server',
    );
  }
  return { kind: 'pin', sha256: probe.sha256 };
}

/** OpenSSL's verify codes in words (the code stays, for searching). */
const REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'issued by a self-signed CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer unknown',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'issued for another host name',
};

function readableReason(code: string | undefined): string {
  if (code === undefined) return 'issuer unknown';
  const words = REASONS[code];
  return words === undefined ? code : `${words}: ${code}`;
}
