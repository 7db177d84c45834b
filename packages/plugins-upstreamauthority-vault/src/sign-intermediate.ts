/**
 * The PKI call of UpstreamAuthority "vault": `<mount>/root/sign-intermediate` with the CSR's
 * subject fields and URI SANs, and the answer checked field by field with SPIRE's messages.
 */
import { Code, spireError, toPem } from '@spire-ts/core/plugin';
import type { VaultSession } from '@spire-ts/plugin-vault';

/** What sign-intermediate gave back (PEM). */
export interface SignedCa {
  certificate: string;
  issuingCa: string;
  /** Empty when Vault sent no ca_chain (Vault is the root). */
  caChain: string[];
}

/** The CSR's parts Vault's request carries. */
export interface IntermediateRequest {
  csrDer: Uint8Array;
  commonName: string;
  organization: string[];
  country: string[];
  uris: string[];
  /** Seconds; 0: Vault's default. */
  ttlSeconds: number;
}

const internal = (m: string) => spireError(Code.INTERNAL, m);
const typeName = (v: unknown) => (v === null ? 'nil' : Array.isArray(v) ? '[]interface {}' : typeof v === 'object' ? 'map[string]interface {}' : typeof v === 'number' ? 'json.Number' : typeof v === 'boolean' ? 'bool' : typeof v);

/**
 * Asks Vault to sign the intermediate. Throws INVALID_ARGUMENT when the CSR has no URI SAN;
 * INTERNAL `failed to sign intermediate: …` when the call fails, or SPIRE's message naming the
 * field when the answer lacks one or has the wrong type. A login failure is thrown as the
 * session throws it.
 */
export async function signIntermediate(session: VaultSession, mount: string, req: IntermediateRequest): Promise<SignedCa> {
  if (req.uris.length === 0) throw spireError(Code.INVALID_ARGUMENT, 'CSR must have at least one URI');
  const body = {
    common_name: req.commonName,
    organization: req.organization.join(','),
    country: req.country.join(','),
    uri_sans: req.uris.join(','),
    csr: toPem([req.csrDer], 'CERTIFICATE REQUEST'),
    ttl: req.ttlSeconds > 0 ? String(req.ttlSeconds) : '',
  };
  let res;
  try {
    res = await session.call('PUT', `${mount}/root/sign-intermediate`, body);
  } catch (e) {
    if (typeof (e as { code?: unknown }).code === 'number') throw e;
    throw spireError(Code.INTERNAL, `failed to sign intermediate: ${(e as Error).message}`, e);
  }
  const data = (res.data ?? {}) as Record<string, unknown>;
  const field = (name: string): string => {
    if (!(name in data)) throw internal(name === 'certificate' ? 'request is successful, but certificate data is empty' : `request is successful, but ${name} data is empty`);
    const v = data[name];
    if (typeof v !== 'string') throw internal(`expected ${name} data type string but got ${typeName(v)}`);
    return v;
  };
  const certificate = field('certificate');
  const issuingCa = field('issuing_ca');
  let caChain: string[] = [];
  if ('ca_chain' in data && data.ca_chain !== null) {
    const chain = data.ca_chain;
    if (!Array.isArray(chain)) throw internal(`expected ca_chain data type []interface {} but got ${typeName(chain)}`);
    caChain = chain.map((c) => {
      if (typeof c !== 'string') throw internal(`expected ca_chain element data type string but got ${typeName(c)}`);
      return c;
    });
  }
  return { certificate, issuingCa, caChain };
}
