import type { ServerCA as CoreServerCA } from '../ca/server-ca.js';
import type { CAManager } from '../ca/manager/ca-manager.js';
import type { ServerSVIDRotator } from '../ca/server-svid-rotator.js';
import { Code, SpireError } from '../errors.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import type { AuthorityRotation, ServerCA, X509SvidRequest } from './ports.js';

function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** What the adapter is built from: the kernel's CA pieces and the store. */
export interface CaPortDeps {
  trustDomain: TrustDomain;
  ca: CoreServerCA;
  manager: CAManager;
  rotator: ServerSVIDRotator;
  dataStore: DataStore;
}

/**
 * The API's ServerCA port over the kernel CA (ca/): minting through ServerCA, authority
 * rotation through the CA manager (which makes SPIRE's slot checks itself), and the TCP
 * listener's SVID from the server SVID rotator. Downstream X.509 CA signing is not offered by the
 * CA yet and answers UNIMPLEMENTED.
 */
export function caPort(d: CaPortDeps): ServerCA {
  const m = d.manager;
  const x509Authority: AuthorityRotation = {
    getState: async () => m.getX509AuthorityState(),
    prepare: () => m.prepareX509Authority(),
    activate: (id) => m.activateX509Authority(id),
    taint: (id) => m.taintX509Authority(id),
    revoke: (id) => m.revokeX509Authority(id),
  };
  const jwtAuthority: AuthorityRotation = {
    getState: async () => m.getJWTAuthorityState(),
    prepare: () => m.prepareJWTAuthority(),
    activate: (id) => m.activateJWTAuthority(id),
    taint: (id) => m.taintJWTAuthority(id),
    revoke: (id) => m.revokeJWTAuthority(id),
  };
  return {
    async signX509Svids(reqs: X509SvidRequest[]) {
      return d.ca.signWorkloadX509SVIDs(reqs.map((r) => ({ spiffeId: r.spiffeId, csr: r.csr, dnsNames: r.dnsNames, ttlMs: r.ttlMs })));
    },
    signJwtSvid: (req) => d.ca.signWorkloadJWTSVID(req),
    async signDownstreamX509CA() {
      throw new SpireError(Code.UNIMPLEMENTED, 'signing downstream X.509 CAs is not available in this server yet');
    },
    async publishJwtAuthority(key) {
      // Into the local bundle, where agents and federated servers pick it up.
      const b = await d.dataStore.appendBundle({
        trustDomainId: d.trustDomain.idString(),
        rootCas: [],
        jwtSigningKeys: [{ pkixBytes: key.publicKey, kid: key.keyId, notAfter: key.expiresAt, taintedKey: false }],
        refreshHint: 0,
        sequenceNumber: 0,
      });
      return b.jwtSigningKeys.map((k) => ({ publicKey: k.pkixBytes, keyId: k.kid, expiresAt: k.notAfter, tainted: k.taintedKey }));
    },
    async serverTlsCredentials() {
      let s = d.rotator.state();
      if (!s) {
        await d.rotator.rotate();
        s = d.rotator.state();
      }
      if (!s) throw new SpireError(Code.UNAVAILABLE, 'the server has no X509-SVID yet');
      return { certChainPem: s.certChain.map(pem).join(''), privateKeyPem: s.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    },
    onTlsRotation: (fn) => d.rotator.subscribe(() => fn()),
    x509Authority,
    jwtAuthority,
    upstreamAuthority: m.isUpstreamAuthority()
      ? { taint: (skid) => m.taintX509UpstreamAuthority(skid), revoke: (skid) => m.revokeX509UpstreamAuthority(skid) }
      : undefined,
  };
}
