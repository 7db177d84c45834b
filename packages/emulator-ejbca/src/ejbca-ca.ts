/**
 * The emulator's certificate authorities: a root, the issuing sub CA under it that enrollments
 * name (`certificate_authority_name`), and a separate CA for administrators' client certificates.
 */
import { issue, signCsr, x509, type Issued } from '@spire-ts/emulator-kit';

/** A certificate profile: what EJBCA writes into an issued certificate. */
export interface CertificateProfile {
  /** Type "Sub CA": CA:true with keyCertSign and cRLSign; else an end entity (digitalSignature). */
  subCa: boolean;
  /** Validity of issued certificates (EJBCA takes it from the profile, not the request). */
  validityMs: number;
}

/** The emulator's PKI. */
export interface EjbcaPki {
  root: Issued;
  /** The issuing CA (under `root`). */
  issuing: Issued;
  /** Issues administrators' client certificates (the CA the REST API trusts by default). */
  adminCa: Issued;
}

/** Makes a fresh root, issuing CA and administrators' CA (P-256, valid for a day). */
export async function makePki(caName: string): Promise<EjbcaPki> {
  const root = await issue({ subject: 'CN=EJBCA Emulator Root CA, O=spire-ts test', ca: true });
  const issuing = await issue({ subject: `CN=${caName}, O=spire-ts test`, ca: true }, root);
  const adminCa = await issue({ subject: 'CN=EJBCA Emulator Admin CA, O=spire-ts test', ca: true });
  return { root, issuing, adminCa };
}

/**
 * Signs a PKCS#10 request (PEM) with the issuing CA as EJBCA does for a Sub CA or end entity
 * profile: the request's key, subject DN and subject alternative names, the profile's CA flag,
 * key usage and validity (never beyond the issuing CA's). Throws Error when the request does not
 * parse or verify.
 */
export async function enrollCsr(csrPem: string, issuer: Issued, profile: CertificateProfile, now = Date.now()): Promise<x509.X509Certificate> {
  const F = x509.KeyUsageFlags;
  return signCsr(csrPem, issuer, {
    isCA: profile.subCa,
    notAfter: new Date(now + profile.validityMs),
    keyUsage: profile.subCa ? F.keyCertSign | F.cRLSign | F.digitalSignature : F.digitalSignature | F.keyEncipherment,
    eku: [],
  });
}

/** A client certificate for the REST API, signed by `ca` (default: the administrators' CA). */
export async function issueClientCert(ca: Issued, subject = 'CN=SuperAdmin'): Promise<{ certPem: string; keyPem: string }> {
  const c = await issue({ subject, eku: ['1.3.6.1.5.5.7.3.2'] }, ca);
  return { certPem: c.certPem, keyPem: c.keyPem };
}
