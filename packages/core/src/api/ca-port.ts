import type { ServerCA as CoreServerCA } from '../ca/server-ca.js';
import type { CAManager } from '../ca/manager/ca-manager.js';
import type { ServerSVIDRotator } from '../ca/server-svid-rotator.js';
import { Code, SpireError } from '../errors.js';
import type { AuthorityRotation, ServerCAPort, X509SvidRequest } from './ports.js';

function pem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** What the adapter is built from: the kernel's CA pieces. */
export interface CaPortDeps {
  ca: CoreServerCA;
  manager: CAManager;
  rotator: ServerSVIDRotator;
}

/**
 * The API's ServerCAPort over the kernel CA (ca/): minting (downstream X.509 CAs included)
 * through ServerCA; authority rotation and JWT keys published by downstream servers through the
 * CA manager (which makes SPIRE's slot checks, and publishes upstream or into the bundle and
 * tells Notifiers); the TCP listener's SVID from the server SVID rotator.
 */
export function caPort(d: CaPortDeps): ServerCAPort {
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
    signAgentX509Svid: (req) => d.ca.signAgentX509SVID({ spiffeId: req.spiffeId, csr: req.csr }),
    signJwtSvid: (req) => d.ca.signWorkloadJWTSVID(req),
    signDownstreamX509CA: (req) => d.ca.signDownstreamX509CA(req),
    publishJwtAuthority: (key) => m.publishDownstreamJWTKey({ ...key, tainted: false }),
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
