import type { KeyType } from '../../plugins/keymanager/contract.js';
import { CAErrors } from '../errors.js';
import type { X509CA } from '../server-ca.js';
import { signerFor, type CASigner } from '../signer.js';
import { selfSignX509CA } from '../x509-ca-builder.js';
import { hex } from '../x509/certificate.js';
import type { AuthorityKind } from './authority-lifecycle.js';
import type { BundlePart } from './bundle-updates.js';
import type { Journal } from './journal.js';
import { authorityState, checkRevokeX509, LocalAuthorityErrors } from './local-authority-checks.js';
import { notifyTaintedX509Authority, type LocalAuthorityKind } from './local-authority.js';
import { sec, type CAManagerConfig } from './manager-config.js';
import type { X509CASlot } from './slots.js';
import type { UpstreamStream } from './upstream-stream.js';
import { x509CAValidationProblem } from './x509-ca-validation.js';

/** What the X.509 CA kind works with. */
export interface X509AuthorityDeps {
  c: CAManagerConfig;
  journal: Journal;
  caKeyType: KeyType;
  caTtlMs: number;
  /** Set when an UpstreamAuthority signs the CA. */
  upstream?: UpstreamStream;
  appendBundle(part: BundlePart): Promise<unknown>;
}

/**
 * The X.509 CA as one kind of authority: a CA certificate for the slot's KeyManager key, signed
 * by the UpstreamAuthority when there is one (through its stream) and self-signed otherwise,
 * its root appended to the bundle. Tainting and revoking a local authority is refused while an
 * UpstreamAuthority signs the CA.
 */
export function x509AuthorityKind(d: X509AuthorityDeps): AuthorityKind<X509CASlot> & LocalAuthorityKind<X509CASlot> {
  const { c, journal } = d;
  const td = c.trustDomain.idString();

  async function selfSign(signer: CASigner, now: number): Promise<X509CA> {
    const cert = await selfSignX509CA(
      signer,
      { trustDomainId: td, subject: c.caSubject, excludeSnFromSubject: c.excludeSnFromCaSubject, credentialComposers: c.credentialComposers },
      now,
      d.caTtlMs,
    );
    const problem = await x509CAValidationProblem({ certificate: cert, signer, upstreamChain: [], roots: [cert.der] }, c.trustDomain, now);
    if (problem) throw CAErrors.selfSignedCAFailedValidation(problem);
    await d.appendBundle({ rootCas: [{ derBytes: cert.der, taintedKey: false }] });
    return { signer, certificate: cert, upstreamChain: [] };
  }

  const view = (s: X509CASlot) => ({
    authorityId: s.authorityId,
    expiresAt: sec(s.notAfter),
    ...(s.upstreamAuthorityId ? { upstreamAuthoritySubjectKeyId: s.upstreamAuthorityId } : {}),
    status: s.status,
  });

  return {
    logName: 'X509 CA',
    journalName: 'X509CA',
    label: 'X.509',
    metricName: 'x509_ca',
    recordActivation(slot, now) {
      // As SPIRE: a counter under `ca.manager`, and the new CA's expiry and remaining TTL (seconds).
      const m = c.metrics;
      if (!m?.enabled) return;
      const labels = { trust_domain_id: c.trustDomain.name };
      m.incrCounter(['ca', 'manager', 'x509_ca', 'activate']);
      m.setGauge(['manager', 'x509_ca', 'rotate', 'expiration'], Math.floor(slot.notAfter / 1000), labels);
      m.setGauge(['manager', 'x509_ca', 'rotate', 'ttl'], (slot.notAfter - now) / 1000, labels);
    },
    enabled: () => true,
    async mint(slot, now) {
      await c.keyManager.generateKey(slot.kmKeyId, d.caKeyType);
      const signer = await signerFor(c.keyManager, slot.kmKeyId, c.pool);
      const x509CA = d.upstream ? await d.upstream.mintX509CA(signer) : await selfSign(signer, now);
      slot.issuedAt = now;
      slot.x509CA = x509CA;
      slot.authorityId = hex(x509CA.certificate.subjectKeyId);
      slot.upstreamAuthorityId = x509CA.certificate.authorityKeyId && d.upstream ? hex(x509CA.certificate.authorityKeyId) : '';
      slot.notAfter = x509CA.certificate.notAfter;
    },
    journalAppend: (slot) =>
      journal.appendX509CA({
        slotId: slot.id,
        issuedAt: sec(slot.issuedAt),
        certificate: slot.x509CA!.certificate.der,
        upstreamChain: slot.x509CA!.upstreamChain,
        status: slot.status,
        authorityId: slot.authorityId,
        notAfter: sec(slot.notAfter),
        upstreamAuthorityId: slot.upstreamAuthorityId,
      }),
    journalStatus: (id, status) => journal.updateX509CAStatus(id, status),
    install: (slot) => c.ca.setX509CA(slot.x509CA),
    preparedLogFields: (slot) => ({
      slot: slot.id,
      issued_at: new Date(slot.issuedAt).toISOString(),
      expiration: new Date(slot.notAfter).toISOString(),
      self_signed: !d.upstream,
      local_authority_id: slot.authorityId,
      upstream_authority_id: slot.upstreamAuthorityId,
    }),
    view,
    precondition(op) {
      if (d.upstream && op === 'taint') return LocalAuthorityErrors.upstreamConfigured('tainted');
      if (d.upstream && op === 'revoke') return LocalAuthorityErrors.upstreamConfigured('revoked');
      return undefined;
    },
    checkRevoke: async (v, id) => checkRevokeX509(v, id),
    async taintStored(id, next) {
      await c.dataStore.taintX509CA(td, id);
      return authorityState(view(next));
    },
    async revokeStored(id, next) {
      await c.dataStore.revokeX509CA(td, id);
      return authorityState(view(next));
    },
    notifyTainted: (id) => notifyTaintedX509Authority({ trustDomainId: td, dataStore: c.dataStore, ca: c.ca }, id),
  };
}
