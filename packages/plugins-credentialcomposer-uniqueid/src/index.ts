import { createHash } from 'node:crypto';
import {
  ConfigReader,
  defineCredentialComposer,
  OID,
  SpiffeId,
  type AttributeTypeAndValue,
  type CredentialComposer,
  type JWTSVIDAttributes,
  type X509CAAttributes,
  type X509SVIDAttributes,
} from '@spire-ts/core/plugin';
import { UniqueIdErrors } from './errors.js';

/**
 * The x509UniqueIdentifier (2.5.4.45) attribute SPIRE 1.4.2–1.8 put in workload SVID subjects:
 * hex of the first half of SHA-256 over the SPIFFE ID string. Throws INVALID_ARGUMENT for a
 * missing or malformed ID.
 */
export function uniqueIdAttribute(spiffeId: string): AttributeTypeAndValue {
  if (!spiffeId) throw UniqueIdErrors.missingSpiffeId();
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(spiffeId);
  } catch (err) {
    throw UniqueIdErrors.malformedSpiffeId((err as Error).message);
  }
  const sum = createHash('sha256').update(id.toString()).digest();
  return { oid: OID.x509UniqueIdentifier, stringValue: sum.subarray(0, sum.length / 2).toString('hex') };
}

/** Adds (or replaces) x509UniqueIdentifier in workload X509-SVID subjects; leaves the rest as is. */
export class UniqueIdComposer implements CredentialComposer {
  async composeServerX509CA(a: X509CAAttributes): Promise<X509CAAttributes> {
    return a;
  }
  async composeServerX509SVID(a: X509SVIDAttributes): Promise<X509SVIDAttributes> {
    return a;
  }
  async composeAgentX509SVID(a: X509SVIDAttributes, _spiffeId?: string, _publicKey?: Uint8Array): Promise<X509SVIDAttributes> {
    return a;
  }
  async composeWorkloadX509SVID(a: X509SVIDAttributes, spiffeId: string, _publicKey?: Uint8Array): Promise<X509SVIDAttributes> {
    const attr = uniqueIdAttribute(spiffeId);
    const extraNames = a.subject.extraNames.filter((e) => e.oid !== attr.oid);
    const at = a.subject.extraNames.findIndex((e) => e.oid === attr.oid);
    if (at >= 0) extraNames.splice(at, 0, attr);
    else extraNames.push(attr);
    return { ...a, subject: { ...a.subject, extraNames } };
  }
  async composeWorkloadJWTSVID(a: JWTSVIDAttributes): Promise<JWTSVIDAttributes> {
    return a;
  }
}

/** CredentialComposer "uniqueid" (no options). */
export const uniqueidCredentialComposer = defineCredentialComposer<Record<string, never>>({
  name: 'uniqueid',
  parseConfig: (raw) => new ConfigReader(raw).result({}),
  create: () => new UniqueIdComposer(),
});
