import { randomBytes } from 'node:crypto';
import type { CredentialComposer, DistinguishedName, X509CAAttributes } from '../plugins/credentialcomposer/contract.js';
import { emptyDistinguishedName } from '../plugins/credentialcomposer/contract.js';
import type { CASigner } from './signer.js';
import { assembleCertificate, randomSerial, readCertificate, type CertInfo } from './x509/certificate.js';
import { assembleCsr, buildCaCsrInfo } from './x509/csr-builder.js';
import { cloneName, isEmptyName } from './x509/name.js';
import { buildCaTbs, signatureAlgorithmDer } from './x509/svid-template.js';

/** SPIRE's default ca_ttl (24h) and ca_subject (C=US, O=SPIFFE). */
export const DEFAULT_CA_TTL_MS = 24 * 60 * 60 * 1000;
export function defaultCASubject(): DistinguishedName {
  return { ...emptyDistinguishedName(), country: ['US'], organization: ['SPIFFE'] };
}

/** What a CA certificate is built from. */
export interface CATemplateConfig {
  trustDomainId: string;
  /** ca_subject; SPIRE's default when empty. */
  subject?: DistinguishedName;
  /** exclude_sn_from_ca_subject: leave the serial number out of the CA subject. */
  excludeSnFromSubject?: boolean;
  credentialComposers?: CredentialComposer[];
}

function serialDecimal(serial: Uint8Array): string {
  return BigInt(`0x${Buffer.from(serial).toString('hex')}`).toString(10);
}

async function caAttributes(cfg: CATemplateConfig, serial: Uint8Array): Promise<X509CAAttributes> {
  const subject = cfg.subject && !isEmptyName(cfg.subject) ? cloneName(cfg.subject) : defaultCASubject();
  // As SPIRE: the CA subject carries its serial number unless the operator set one or opted out.
  if (!subject.serialNumber && !cfg.excludeSnFromSubject) subject.serialNumber = serialDecimal(serial);
  let attrs: X509CAAttributes = { subject, policyIdentifiers: [], extraExtensions: [] };
  for (const cc of cfg.credentialComposers ?? []) attrs = await cc.composeServerX509CA(attrs);
  return attrs;
}

/**
 * Makes a self-signed root CA with the signer's key, valid from `now - 10s` for `ttlMs`. The one
 * signature happens in the signer (worker pool or remote KeyManager).
 */
export async function selfSignX509CA(signer: CASigner, cfg: CATemplateConfig, now: number, ttlMs: number): Promise<CertInfo> {
  const serial = randomSerial(randomBytes);
  const attrs = await caAttributes(cfg, serial);
  const tbs = buildCaTbs(
    {
      trustDomainId: cfg.trustDomainId,
      subject: attrs.subject,
      policies: attrs.policyIdentifiers,
      extraExtensions: attrs.extraExtensions,
      notBefore: now - 10_000,
      notAfter: now + ttlMs,
      serial,
      spki: signer.publicKey,
    },
    signer.keyType,
  );
  const [sig] = await signer.signRaw([tbs]);
  return readCertificate(assembleCertificate(tbs, signatureAlgorithmDer(signer.keyType), sig!));
}

/** The server CA's CSR for an UpstreamAuthority, signed by the signer. */
export async function buildCACSR(signer: CASigner, cfg: CATemplateConfig): Promise<Uint8Array> {
  const attrs = await caAttributes({ ...cfg, excludeSnFromSubject: true }, new Uint8Array(1));
  const info = buildCaCsrInfo(attrs.subject, signer.publicKey, cfg.trustDomainId);
  const [sig] = await signer.signRaw([info]);
  return assembleCsr(info, signatureAlgorithmDer(signer.keyType), sig!);
}
