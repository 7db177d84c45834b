import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SecureContextOptions } from 'node:tls';
import type { TrustedRoots } from '../api/trusted-roots.js';
import type { ServerSVIDState } from '../ca/server-svid-rotator.js';
import { toPem } from '../ca/x509/certificate.js';
import { Code, SpireError, errorMessage } from '../errors.js';

/** The certificate chain and key the console serves, PEM. */
export interface ServingPair {
  certPem: string;
  keyPem: string;
}

/**
 * Where the console's TLS material comes from: what it serves (the server's X509-SVID, which
 * rotates, or cert_file/key_file) and the roots client certificates may chain to.
 */
export interface ConsoleTlsSource {
  /** The pair to serve now. Throws UNAVAILABLE while there is none. */
  serving(): Promise<ServingPair>;
  /** The roots client certificates may chain to. */
  trust(): Promise<TrustedRoots>;
  /** Calls `fn` when the served pair changes (SVID rotation); returns the unsubscribe function. */
  onChange?(fn: () => void): () => void;
}

/** The server's X509-SVID, as rotated by the CA's ServerSVIDRotator. */
export function svidTlsSource(
  svid: { state(): ServerSVIDState | undefined; subscribe(fn: (s: ServerSVIDState) => void): () => void },
  trust: () => Promise<TrustedRoots>,
): ConsoleTlsSource {
  return {
    async serving() {
      const s = svid.state();
      if (!s) throw new SpireError(Code.UNAVAILABLE, 'the server has no X509-SVID yet');
      return { certPem: toPem(s.certChain), keyPem: s.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    },
    trust,
    onChange: (fn) => svid.subscribe(() => fn()),
  };
}

/** `cert_file` and `key_file`, read at start. Throws INVALID_ARGUMENT naming the file that fails to load. */
export async function fileTlsSource(certFile: string, keyFile: string, trust: () => Promise<TrustedRoots>): Promise<ConsoleTlsSource> {
  let pair: ServingPair;
  try {
    const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    new X509Certificate(cert);
    pair = { certPem: cert, keyPem: key };
  } catch (err) {
    throw new SpireError(Code.INVALID_ARGUMENT, `console: cannot load cert_file ${JSON.stringify(certFile)} and key_file ${JSON.stringify(keyFile)}: ${errorMessage(err)}`, { cause: err });
  }
  return { serving: async () => pair, trust };
}

/**
 * The secure context options of the console's listener: the served pair, the trusted roots for
 * client certificates (never an empty list, which would make Node trust the system roots), TLS
 * 1.2 or newer, and no session tickets (so a revoked certificate cannot resume a session).
 */
export function consoleContextOptions(pair: ServingPair, roots: Uint8Array[]): SecureContextOptions {
  return {
    cert: pair.certPem,
    key: pair.keyPem,
    ca: roots.length > 0 ? roots.map((r) => toPem([r])) : [new X509Certificate(pair.certPem).toString()],
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    minVersion: 'TLSv1.2',
  };
}
