import { X509Certificate } from 'node:crypto';

const SERVER_AUTH = 'TLS Web Server Authentication';

function checkValidity(c: X509Certificate, now: Date, what: string): void {
  if (now < new Date(c.validFrom) || now > new Date(c.validTo)) throw new Error(`${what} certificate has expired or is not yet valid`);
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * Verifies that the signing certificate chains to one of `roots`, either directly or through the
 * intermediate (which must be a CA issued by a root): issuer names, signatures, validity at
 * `now`, and, when the signer lists extended key usages, server authentication among them.
 * Throws Error saying what failed.
 */
export function verifyChain(signer: X509Certificate, intermediate: X509Certificate | undefined, roots: readonly X509Certificate[], now: Date): void {
  if (intermediate && !issuedBy(signer, intermediate)) throw new Error('signing certificate was not issued by intermediate certificate');
  checkValidity(signer, now, 'signing');
  const eku = signer.keyUsage;
  if (eku && eku.length > 0 && !eku.includes(SERVER_AUTH) && !eku.includes('2.5.29.37.0')) throw new Error('signing certificate specifies an incompatible key usage');
  const fail = new Error('unable to verify signing certificate against root CAs: certificate signed by unknown authority');
  if (intermediate) {
    if (!intermediate.ca) throw new Error('unable to verify signing certificate against root CAs: intermediate is not a CA');
    checkValidity(intermediate, now, 'intermediate');
    if (roots.some((r) => r.raw.equals(intermediate.raw) || (issuedBy(intermediate, r) && r.ca))) return;
    throw fail;
  }
  if (!roots.some((r) => r.ca && issuedBy(signer, r))) throw fail;
}

/** The `CA Issuers` URL of a certificate's Authority Information Access, or undefined. */
export function caIssuersUrl(c: X509Certificate): string | undefined {
  for (const line of (c.infoAccess ?? '').split('\n')) {
    const m = /^CA Issuers - URI:(.+)$/.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** The DNS names of a certificate's subject alternative name. */
export function dnsNames(c: X509Certificate): string[] {
  return (c.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}
