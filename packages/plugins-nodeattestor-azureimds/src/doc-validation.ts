import { X509Certificate } from 'node:crypto';
import { bagCertificates, isSignerOf, parsePkcs7, verifyPkcs7Signers, type Pkcs7Certificate, type Pkcs7Message } from '@spire-ts/core/plugin';
import { pkiHost, untilAborted } from '@spire-ts/plugin-azure';
import { caIssuersUrl, dnsNames, verifyChain } from './chain.js';

/** SPIRE's default allowed metadata domain of the signing certificate. */
export const DEFAULT_METADATA_DOMAIN = 'metadata.azure.com';

/** The certificate of the bag that signed: exactly one SignerInfo, naming a bag certificate. */
function onlySigner(p: Pkcs7Message, bag: Pkcs7Certificate[]): { cert: X509Certificate } | undefined {
  const infos = p.signedData.signerInfos;
  if (infos.length !== 1) return undefined;
  const match = bag.find((c) => isSignerOf(infos[0]!, c));
  return match ? { cert: match.x509 } : undefined;
}

/** The attested document as the agent forwards it from IMDS. */
export interface AttestedDocument {
  encoding?: string;
  signature?: string;
}

/** What the signed JSON states. */
export interface AttestedContent {
  subscriptionId: string;
  vmId: string;
  nonce: string;
}

/** What validation needs besides the document. */
export interface DocValidationSettings {
  allowedDomains: readonly string[];
  roots: readonly X509Certificate[];
  now: Date;
  signal: AbortSignal;
}

async function fetchIntermediate(signer: X509Certificate, signal: AbortSignal): Promise<X509Certificate> {
  const raw = caIssuersUrl(signer);
  if (!raw) throw new Error('failed to extract CA Issuers URL: no CA Issuers URL found in certificate');
  let url: URL;
  try {
    url = new URL(raw);
  } catch (e) {
    throw new Error(`failed to extract CA Issuers URL: failed to parse CA Issuers URL: ${(e as Error).message}`);
  }
  const host = pkiHost();
  if (url.host !== host) throw new Error(`CA Issuers URL host ${JSON.stringify(url.host)} does not match expected value ${JSON.stringify(host)}`);
  let res: Response;
  try {
    res = await untilAborted(fetch(url, { signal }), signal);
  } catch (e) {
    throw new Error(`failed to fetch intermediate certificate: ${(e as Error).message}`, { cause: e });
  }
  if (res.status !== 200) {
    throw Object.assign(new Error(`failed to fetch intermediate certificate, status: ${res.status}`), { statusCode: res.status });
  }
  const body = Buffer.from(await untilAborted(res.arrayBuffer(), signal));
  try {
    return new X509Certificate(body);
  } catch (e) {
    throw new Error(`failed to parse intermediate certificate: ${(e as Error).message}`);
  }
}

/**
 * SPIRE's checks of an attested document, in SPIRE's order: a PKCS#7 with certificates and exactly
 * one signer found in its bag; the signer's issuer fetched from its AIA URL (Microsoft's PKI host
 * only); the signature verified under the signer; the signer's DNS names within the allowed
 * metadata domains; and the signer itself chained to the roots (v1.15.1: the certificate that
 * signed, never merely the first of the bag). Returns the signed JSON. Throws Error with SPIRE's
 * wording; the caller codes it (and a failed fetch, which may be a network problem, keeps its cause).
 */
export async function validateAttestedDocument(doc: AttestedDocument, s: DocValidationSettings): Promise<AttestedContent> {
  if (!doc.signature) throw new Error('missing signature in attested document');
  const der = Buffer.from(doc.signature, 'base64');
  if (der.toString('base64').replace(/=+$/, '') !== doc.signature.replace(/\s/g, '').replace(/=+$/, '')) {
    throw new Error('failed to decode signature: illegal base64 data');
  }
  let p: Pkcs7Message;
  let bag: Pkcs7Certificate[];
  try {
    p = parsePkcs7(der);
    bag = bagCertificates(p);
  } catch (e) {
    throw new Error(`failed to parse PKCS7 signature: ${(e as Error).message}`);
  }
  if (bag.length === 0) throw new Error('no certificates found in PKCS7 signature');
  const signer = onlySigner(p, bag);
  if (!signer) throw new Error('expected exactly one signer certificate in PKCS7 signature');
  let intermediate: X509Certificate;
  try {
    intermediate = await fetchIntermediate(signer.cert, s.signal);
  } catch (e) {
    throw new Error(`failed to get intermediate certificate: ${(e as Error).message}`, { cause: e });
  }
  try {
    verifyPkcs7Signers(p, () => signer.cert);
  } catch (e) {
    throw new Error(`signature verification failed: ${(e as Error).message}`);
  }
  const names = dnsNames(signer.cert);
  if (!names.some((n) => s.allowedDomains.some((d) => n === d || n.endsWith(`.${d}`)))) {
    throw new Error(
      `signing certificate validation failed: certificate does not have any valid domain in SAN (found SANs=[${names.join(' ')}], allowed domains=[${s.allowedDomains.join(' ')}])`,
    );
  }
  try {
    verifyChain(signer.cert, intermediate, s.roots, s.now);
  } catch (e) {
    throw new Error(`certificate chain validation failed: ${(e as Error).message}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(p.content.toString('utf8'));
  } catch (e) {
    throw new Error(`failed to unmarshal attested document payload: ${(e as Error).message}`);
  }
  const c = (typeof content === 'object' && content !== null ? content : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
  return { subscriptionId: str('subscriptionId'), vmId: str('vmId'), nonce: str('nonce') };
}
