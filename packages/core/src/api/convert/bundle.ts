import { X509Certificate, createPublicKey } from 'node:crypto';
import type { Bundle, BundleMask } from '../../plugins/datastore/contract.js';
import type { Bundle__Output } from '../../proto/gen/api/spire/api/types/Bundle.js';
import type { BundleMask as WireBundleMask } from '../../proto/gen/api/spire/api/types/BundleMask.js';
import { TrustDomain } from '../../spiffeid/index.js';

/** spire.api.types.Bundle as proto-loader presents it, as the API sends it and the CLI builds it (generated). */
export type ProtoBundle = Bundle__Output;

/** spire.api.types.BundleMask: which fields an answer carries or an update writes (generated). */
export type ProtoBundleMask = WireBundleMask;

/** Wire form of a stored bundle (trust domain as a name). Throws Error on a malformed stored ID. */
export function bundleToProto(b: Bundle): ProtoBundle {
  let td: TrustDomain;
  try {
    td = TrustDomain.parse(b.trustDomainId);
  } catch (err) {
    throw new Error(`invalid trust domain id: ${(err as Error).message}`);
  }
  return {
    trust_domain: td.name,
    x509_authorities: b.rootCas.map((c) => ({ asn1: Buffer.from(c.derBytes), tainted: c.taintedKey })),
    jwt_authorities: b.jwtSigningKeys.map((k) => ({ public_key: Buffer.from(k.pkixBytes), key_id: k.kid, expires_at: k.notAfter, tainted: k.taintedKey })),
    refresh_hint: b.refreshHint,
    sequence_number: b.sequenceNumber,
    wit_authorities: [],
  };
}

/** Applies an output mask (trust_domain always kept). */
export function applyBundleMask(b: ProtoBundle, mask: ProtoBundleMask | null | undefined): ProtoBundle {
  if (!mask) return b;
  return {
    trust_domain: b.trust_domain,
    x509_authorities: mask.x509_authorities ? b.x509_authorities : [],
    jwt_authorities: mask.jwt_authorities ? b.jwt_authorities : [],
    refresh_hint: mask.refresh_hint ? b.refresh_hint : 0,
    sequence_number: mask.sequence_number ? b.sequence_number : 0,
    wit_authorities: mask.wit_authorities ? b.wit_authorities : [],
  };
}

/** Checks that DER holds one or more certificates. Throws Error. */
export function parseDerCertificates(der: Buffer): X509Certificate[] {
  const out: X509Certificate[] = [];
  let off = 0;
  if (!der || der.length === 0) throw new Error('x509: malformed certificate');
  while (off < der.length) {
    const len = derLength(der, off);
    try {
      out.push(new X509Certificate(der.subarray(off, off + len)));
    } catch (err) {
      throw new Error(`x509: malformed certificate: ${(err as Error).message}`);
    }
    off += len;
  }
  return out;
}

function derLength(b: Buffer, off: number): number {
  if (b[off] !== 0x30 || off + 2 > b.length) throw new Error('x509: malformed certificate');
  const first = b[off + 1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || off + 2 + n > b.length) throw new Error('x509: malformed certificate');
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i]!;
  if (off + 2 + n + len > b.length) throw new Error('x509: malformed certificate');
  return 2 + n + len;
}

/** Validates a wire bundle and converts it for the store. Throws Error with SPIRE's messages. */
export function bundleFromProto(b: ProtoBundle | null | undefined): Bundle {
  if (!b) throw new Error('no bundle provided');
  let td: TrustDomain;
  try {
    td = TrustDomain.parse(b.trust_domain);
  } catch (err) {
    throw new Error(`invalid trust domain: ${(err as Error).message}`);
  }
  const rootCas = (b.x509_authorities ?? []).map((a) => {
    try {
      parseDerCertificates(a.asn1);
    } catch (err) {
      throw new Error(`unable to parse X.509 authority: ${(err as Error).message}`);
    }
    return { derBytes: new Uint8Array(a.asn1), taintedKey: false };
  });
  const jwtSigningKeys = (b.jwt_authorities ?? []).map((k) => {
    try {
      createPublicKey({ key: k.public_key, format: 'der', type: 'spki' });
    } catch (err) {
      throw new Error(`unable to parse JWT authority: ${(err as Error).message}`);
    }
    if (!k.key_id) throw new Error('unable to parse JWT authority: missing key ID');
    return { pkixBytes: new Uint8Array(k.public_key), kid: k.key_id, notAfter: k.expires_at, taintedKey: false };
  });
  return { trustDomainId: td.idString(), rootCas, jwtSigningKeys, refreshHint: b.refresh_hint ?? 0, sequenceNumber: b.sequence_number ?? 0 };
}

/** Store mask from a wire input mask; undefined means "every field". */
export function storeBundleMask(mask: ProtoBundleMask | null | undefined): BundleMask | undefined {
  if (!mask) return undefined;
  return {
    rootCas: !!mask.x509_authorities,
    jwtSigningKeys: !!mask.jwt_authorities,
    refreshHint: !!mask.refresh_hint,
    sequenceNumber: !!mask.sequence_number,
  };
}
