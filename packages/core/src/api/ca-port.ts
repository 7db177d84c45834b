import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../ca/clock.js';
import type { ServerCA as CoreServerCA } from '../ca/server-ca.js';
import { DEFAULT_CA_TTL_MS, defaultCASubject } from '../ca/x509-ca-builder.js';
import { assembleCertificate, randomSerial } from '../ca/x509/certificate.js';
import { parseCsr } from '../ca/x509/csr.js';
import { buildCaTbs, signatureAlgorithmDer } from '../ca/x509/svid-template.js';
import type { CAManager } from '../ca/manager/ca-manager.js';
import type { ServerSVIDRotator } from '../ca/server-svid-rotator.js';
import { Code, SpireError } from '../errors.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import type { AuthorityRotation, ServerCAPort, X509SvidRequest } from './ports.js';

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
  clock?: Clock;
  /** Default lifetime of a downstream CA when the caller prefers none (ms; SPIRE's ca_ttl default). */
  caTtlMs?: number;
}

/**
 * The API's ServerCAPort over the kernel CA (ca/): minting through ServerCA, authority
 * rotation through the CA manager (which makes SPIRE's slot checks itself), and the TCP
 * listener's SVID from the server SVID rotator. Downstream X.509 CAs are built from the CA's own
 * templates and signed by the active X.509 authority's signer.
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
    async signDownstreamX509CA(req) {
      const active = d.ca.getX509CA();
      if (!active) throw new SpireError(Code.UNAVAILABLE, 'no active X.509 authority');
      let spki: Uint8Array;
      try {
        spki = parseCsr(req.csr).spki;
      } catch (err) {
        throw new SpireError(Code.INVALID_ARGUMENT, `malformed CSR: ${(err as Error).message}`);
      }
      const now = (d.clock ?? systemClock).now();
      const ttl = req.ttlMs && req.ttlMs > 0 ? req.ttlMs : (d.caTtlMs ?? DEFAULT_CA_TTL_MS);
      const signer = active.signer;
      const tbs = buildCaTbs(
        {
          trustDomainId: d.trustDomain.idString(),
          subject: defaultCASubject(),
          policies: [],
          extraExtensions: [],
          notBefore: now - 10_000,
          // A downstream CA never outlives the authority that signs it.
          notAfter: Math.min(now + ttl, active.certificate.notAfter),
          serial: randomSerial(randomBytes),
          spki,
        },
        signer.keyType,
        { subjectDer: active.certificate.subjectDer, subjectKeyId: active.certificate.subjectKeyId, keyType: signer.keyType },
      );
      const [sig] = await signer.signRaw([tbs]);
      // As SPIRE: the new CA, then the server CA's upstream chain (empty when self-signed).
      return [assembleCertificate(tbs, signatureAlgorithmDer(signer.keyType), sig!), ...active.upstreamChain];
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
