/**
 * Looks at a server's certificate without trusting it: used at first contact
 * to show the fingerprint, and to check a --pin before storing it. Sends no
 * HTTP request, so nothing is disclosed to an unverified peer.
 */
import { CliError } from '../cli/exit-codes.ts';

export interface CertificateProbe {
  /** Lower-case hex SHA-256 of the leaf certificate (DER). */
  sha256: string;
  /** Whether the system CAs (or `ca`) and the hostname check accept it. */
  authorized: boolean;
  authorizationError: string | undefined;
  subject: string;
  validTo: string;
}

export async function probeCertificate(url: URL, ca?: string): Promise<CertificateProbe> {
  // Loaded here: node:tls costs ~20 ms of start-up that commands on a known server never need.
  const { connect } = await import('node:tls');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
      rejectUnauthorized: false,
      ...(ca === undefined ? {} : { ca }),
      timeout: 10_000,
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const err = socket.authorizationError;
      resolve({
        sha256: (cert.fingerprint256 ?? '').replace(/:/g, '').toLowerCase(),
        authorized: socket.authorized,
        authorizationError: err === null || err === undefined ? undefined : String(err),
        subject: [cert.subject?.CN ?? ''].flat().join(', '),
        validTo: cert.valid_to ?? '',
      });
      socket.end();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new CliError('network', 'timeout', `timed out connecting to ${url.host}`));
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        new CliError(
          'network',
          'network',
          `cannot reach ${url.host}: ${e.code ?? e.message}`,
          'is the server running? check --server',
        ),
      );
    });
  });
}
