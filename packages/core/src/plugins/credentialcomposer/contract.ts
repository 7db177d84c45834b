import type { Closable, PluginDescriptor } from '../descriptor.js';
import { zeroOrMore, type CountRule } from '../count-rule.js';
import { createServiceRef } from '../../di/service-ref.js';

/** An attribute of a distinguished name by OID. */
export interface AttributeTypeAndValue {
  oid: string;
  stringValue: string;
}

/** A distinguished name (the SDK's DistinguishedName). */
export interface DistinguishedName {
  country: string[];
  organization: string[];
  organizationalUnit: string[];
  locality: string[];
  province: string[];
  streetAddress: string[];
  postalCode: string[];
  serialNumber: string;
  commonName: string;
  extraNames: AttributeTypeAndValue[];
}

/** An extra X.509 extension. */
export interface X509Extension {
  oid: string;
  value: Uint8Array;
  critical: boolean;
}

export interface X509CAAttributes {
  subject: DistinguishedName;
  policyIdentifiers: string[];
  extraExtensions: X509Extension[];
}

export interface X509SVIDAttributes {
  subject: DistinguishedName;
  dnsSans: string[];
  extraExtensions: X509Extension[];
}

export interface JWTSVIDAttributes {
  claims: Record<string, unknown>;
}

/**
 * The CredentialComposer contract (spire.plugin.server.credentialcomposer.v1). Each method returns
 * the attributes to use; a composer that does not change a kind of credential returns its input.
 */
export interface CredentialComposer extends Closable {
  composeServerX509CA(attributes: X509CAAttributes): Promise<X509CAAttributes>;
  composeServerX509SVID(attributes: X509SVIDAttributes): Promise<X509SVIDAttributes>;
  composeAgentX509SVID(attributes: X509SVIDAttributes, spiffeId: string, publicKey: Uint8Array): Promise<X509SVIDAttributes>;
  composeWorkloadX509SVID(attributes: X509SVIDAttributes, spiffeId: string, publicKey: Uint8Array): Promise<X509SVIDAttributes>;
  composeWorkloadJWTSVID(attributes: JWTSVIDAttributes, spiffeId: string): Promise<JWTSVIDAttributes>;
}

/** DI token of the CredentialComposers (a list, applied in config order). */
export const CREDENTIAL_COMPOSERS = createServiceRef<CredentialComposer[]>('spire.CredentialComposers');

/** Any number of CredentialComposers, as SPIRE. */
export const credentialComposerCount: CountRule = zeroOrMore;

/** Declares a CredentialComposer plugin. */
export function defineCredentialComposer<C>(
  d: Omit<PluginDescriptor<'CredentialComposer', CredentialComposer, C>, 'type'>,
): PluginDescriptor<'CredentialComposer', CredentialComposer, C> {
  return { ...d, type: 'CredentialComposer' };
}

/** An empty distinguished name, for composers and tests. */
export function emptyDistinguishedName(): DistinguishedName {
  return {
    country: [],
    organization: [],
    organizationalUnit: [],
    locality: [],
    province: [],
    streetAddress: [],
    postalCode: [],
    serialNumber: '',
    commonName: '',
    extraNames: [],
  };
}
