import type { Cert } from './cert.js';
import { allowsCertSign } from './cert.js';
import { checkNameConstraints } from './name-constraints.js';

/** Why a chain could not be verified, worded as Go's crypto/x509 words it. */
export class ChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainError';
  }
}

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function checkTime(c: Cert, now: Date): string | undefined {
  if (c.unhandledCritical.length > 0) return 'x509: unhandled critical extension';
  if (now < c.notBefore) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(c.notBefore)}`;
  }
  if (now > c.notAfter) {
    return `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(c.notAfter)}`;
  }
  return undefined;
}

function checkSignatureFrom(child: Cert, parent: Cert): string | undefined {
  if ((parent.version === 3 && !parent.basicConstraints) || (parent.basicConstraints && !parent.isCa) || !allowsCertSign(parent)) {
    return 'x509: invalid signature: parent certificate cannot sign this kind of certificate';
  }
  if (child.sigHash === 'SHA-1' || child.sigHash === 'MD5') {
    return `x509: cannot verify signature: insecure algorithm ${child.sigHash}`;
  }
  let ok = false;
  try {
    ok = child.node.verify(parent.publicKey);
  } catch {
    ok = false;
  }
  return ok ? undefined : 'x509: invalid signature: parent certificate cannot sign this kind of certificate';
}

function name(c: Cert): string {
  return c.subject.CommonName !== '' ? c.subject.CommonName : c.serial.toString();
}

/**
 * Finds every chain from `leaf` to one of `roots` through `intermediates`, the way Go's
 * `Certificate.Verify` does with ExtKeyUsageAny: each certificate must be within its validity at
 * `now`; each parent must be a CA allowed to sign certificates (basicConstraints, keyCertSign) and
 * must have signed its child with a secure algorithm; path length constraints are honoured. Each
 * chain is leaf first, root last. A certificate with a critical extension Go does not handle never
 * verifies. DNS, email, URI and IP name constraints of each CA apply to the SANs of every certificate
 * below it. Throws ChainError when there is none.
 */
export function verifyChains(leaf: Cert, intermediates: Cert[], roots: Cert[], now: Date): Cert[][] {
  const leafTime = checkTime(leaf, now);
  if (leafTime) throw new ChainError(leafTime);
  if (roots.some((r) => r.der.equals(leaf.der))) return [[leaf]];

  const chains: Cert[][] = [];
  let hint: { err: string; cert: Cert } | undefined;

  const walk = (chain: Cert[]) => {
    const child = chain[chain.length - 1]!;
    const consider = (candidate: Cert, isRoot: boolean) => {
      if (chain.some((c) => c.der.equals(candidate.der))) return;
      if (!child.node.checkIssued(candidate.node)) return;
      const sigErr = checkSignatureFrom(child, candidate);
      if (sigErr) {
        hint ??= { err: sigErr, cert: candidate };
        return;
      }
      const timeErr = checkTime(candidate, now);
      if (timeErr) {
        hint ??= { err: timeErr, cert: candidate };
        return;
      }
      if (!isRoot && (!candidate.basicConstraints || !candidate.isCa)) {
        hint ??= { err: 'x509: certificate is not authorized to sign other certificates', cert: candidate };
        return;
      }
      const below = chain.length - 1;
      if (candidate.maxPathLen !== undefined && below > candidate.maxPathLen) {
        hint ??= { err: 'x509: too many intermediates for path length constraint', cert: candidate };
        return;
      }
      if (candidate.nameConstraints) {
        for (const c of chain) {
          if (!c.hasSan) continue;
          const ncErr = checkNameConstraints(c, candidate.nameConstraints);
          if (ncErr) {
            hint ??= { err: ncErr, cert: candidate };
            return;
          }
        }
      }
      const next = [...chain, candidate];
      if (isRoot) chains.push(next);
      else walk(next);
    };
    for (const r of roots) consider(r, true);
    for (const i of intermediates) consider(i, false);
  };
  walk([leaf]);

  if (chains.length > 0) return chains;
  let msg = 'x509: certificate signed by unknown authority';
  // Go formats both with %q, which JSON string quoting matches for printable text.
  if (hint) msg += ` (possibly because of ${JSON.stringify(hint.err)} while trying to verify candidate authority certificate ${JSON.stringify(name(hint.cert))})`;
  throw new ChainError(msg);
}
