import type { FederationRelationship, FederationRelationshipMask } from '../../plugins/datastore/contract.js';
import type { FederationRelationship__Output } from '../../proto/gen/api/spire/api/types/FederationRelationship.js';
import type { FederationRelationshipMask as WireFederationRelationshipMask } from '../../proto/gen/api/spire/api/types/FederationRelationshipMask.js';
import { SpiffeId, TrustDomain } from '../../spiffeid/index.js';
import { bundleFromProto, bundleToProto } from './bundle.js';

/** spire.api.types.FederationRelationship as proto-loader presents it, oneof included (generated). */
export type ProtoFederationRelationship = FederationRelationship__Output;

/** spire.api.types.FederationRelationshipMask (generated). */
export type ProtoFederationRelationshipMask = WireFederationRelationshipMask;

const ALL: ProtoFederationRelationshipMask = { bundle_endpoint_url: true, bundle_endpoint_profile: true, trust_domain_bundle: true };

/** Validates a wire relationship (only the masked fields). Throws Error with SPIRE's messages. */
export function federationFromProto(f: ProtoFederationRelationship | null | undefined, mask?: ProtoFederationRelationshipMask | null): FederationRelationship {
  if (!f) throw new Error('missing federation relationship');
  const m = mask ?? ALL;
  let td: TrustDomain;
  try {
    td = TrustDomain.parse(f.trust_domain);
  } catch (err) {
    throw new Error(`failed to parse trust domain: ${(err as Error).message}`);
  }
  const out: FederationRelationship = { trustDomain: td.name, bundleEndpointUrl: '', bundleEndpointProfile: 'https_web' };
  if (m.bundle_endpoint_url) {
    let u: URL;
    try {
      u = new URL(f.bundle_endpoint_url);
    } catch (err) {
      throw new Error(`failed to parse bundle endpoint URL: ${(err as Error).message}`);
    }
    if (u.protocol !== 'https:') throw new Error('bundle endpoint URL must use the https scheme');
    if (!u.host) throw new Error('bundle endpoint URL must specify the host');
    if (u.username || u.password) throw new Error('bundle endpoint URL must not contain user info');
    out.bundleEndpointUrl = f.bundle_endpoint_url;
  }
  if (m.bundle_endpoint_profile) {
    const which = f.bundle_endpoint_profile ?? (f.https_spiffe ? 'https_spiffe' : f.https_web ? 'https_web' : undefined);
    if (which === 'https_spiffe') {
      if (!f.https_spiffe) throw new Error('bundle endpoint profile does not contain "HttpsSpiffe"');
      try {
        out.endpointSpiffeId = SpiffeId.parse(f.https_spiffe.endpoint_spiffe_id).toString();
      } catch (err) {
        throw new Error(`failed to parse endpoint SPIFFE ID: ${(err as Error).message}`);
      }
      out.bundleEndpointProfile = 'https_spiffe';
    } else if (which === 'https_web') {
      out.bundleEndpointProfile = 'https_web';
    } else {
      throw new Error('unsupported bundle endpoint profile type: <nil>');
    }
  }
  if (m.trust_domain_bundle && f.trust_domain_bundle) {
    let b;
    try {
      b = bundleFromProto(f.trust_domain_bundle);
    } catch (err) {
      throw new Error(`failed to parse bundle: ${(err as Error).message}`);
    }
    if (b.trustDomainId !== td.idString()) {
      throw new Error(`trust domain bundle ("${f.trust_domain_bundle.trust_domain}") must match the trust domain of the federation relationship ("${td.name}")`);
    }
    out.trustDomainBundle = b;
  }
  return out;
}

/** Wire form of a stored relationship with an output mask applied. Throws Error when malformed. */
export function federationToProto(f: FederationRelationship, mask?: ProtoFederationRelationshipMask | null): ProtoFederationRelationship {
  const m = mask ?? ALL;
  const out: ProtoFederationRelationship = { trust_domain: f.trustDomain, bundle_endpoint_url: '', trust_domain_bundle: null };
  if (m.bundle_endpoint_url) out.bundle_endpoint_url = f.bundleEndpointUrl;
  if (m.bundle_endpoint_profile) {
    if (f.bundleEndpointProfile === 'https_spiffe') out.https_spiffe = { endpoint_spiffe_id: f.endpointSpiffeId ?? '' };
    else if (f.bundleEndpointProfile === 'https_web') out.https_web = {};
    else throw new Error(`unsupported BundleEndpointProfile: "${String(f.bundleEndpointProfile)}"`);
  }
  if (m.trust_domain_bundle && f.trustDomainBundle) out.trust_domain_bundle = bundleToProto(f.trustDomainBundle);
  return out;
}

/** Store mask from a wire mask (none: every field). */
export function storeFederationMask(mask: ProtoFederationRelationshipMask | null | undefined): FederationRelationshipMask {
  const m = mask ?? ALL;
  return { bundleEndpointUrl: !!m.bundle_endpoint_url, bundleEndpointProfile: !!m.bundle_endpoint_profile, trustDomainBundle: !!m.trust_domain_bundle };
}
