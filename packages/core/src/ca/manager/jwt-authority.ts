import { randomBytes } from 'node:crypto';
import type { KeyType } from '../../plugins/keymanager/contract.js';
import type { JWTSigningKey } from '../server-ca.js';
import { signerFor } from '../signer.js';
import type { AuthorityKind } from './authority-lifecycle.js';
import type { Journal } from './journal.js';
import type { JWTKeyPublisher } from './jwt-key-publisher.js';
import { checkRevokeJWT, LocalAuthorityErrors } from './local-authority-checks.js';
import type { LocalAuthorityKind } from './local-authority.js';
import { sec, type CAManagerConfig } from './manager-config.js';
import type { JWTKeySlot } from './slots.js';

/** What the JWT key kind works with. */
export interface JWTAuthorityDeps {
  c: CAManagerConfig;
  journal: Journal;
  jwtKeyType: KeyType;
  /** JWT keys live as long as the CA (ca_ttl). */
  ttlMs: number;
  publisher: JWTKeyPublisher;
}

/** A random key ID of 32 letters and digits, as SPIRE's. */
function newKid(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

/**
 * The JWT signing key as one kind of authority: a key for the slot's KeyManager key ID with a
 * random kid, published (upstream when the UpstreamAuthority supports it, else into the
 * bundle) before it is used. Nothing happens, and every LocalAuthority operation is refused,
 * when JWT-SVIDs are disabled.
 */
export function jwtAuthorityKind(d: JWTAuthorityDeps): AuthorityKind<JWTKeySlot> & LocalAuthorityKind<JWTKeySlot> {
  const { c, journal } = d;
  const td = c.trustDomain.idString();
  const enabled = () => c.disableJwtSvids !== true;

  return {
    logName: 'JWT key',
    journalName: 'JWTKey',
    label: 'JWT',
    metricName: 'jwt_key',
    // SPIRE counts JWT key activations under `manager`, without the `ca.` of the X.509 CA's.
    recordActivation: () => c.metrics?.incrCounter(['manager', 'jwt_key', 'activate']),
    enabled,
    async mint(slot, now) {
      const notAfter = now + d.ttlMs;
      await c.keyManager.generateKey(slot.kmKeyId, d.jwtKeyType);
      const signer = await signerFor(c.keyManager, slot.kmKeyId, c.pool);
      const jwtKey: JWTSigningKey = { signer, kid: newKid(), notAfter };
      await d.publisher.publish({ publicKey: signer.publicKey, keyId: jwtKey.kid, expiresAt: sec(notAfter), tainted: false });
      slot.issuedAt = now;
      slot.jwtKey = jwtKey;
      slot.authorityId = jwtKey.kid;
      slot.notAfter = notAfter;
    },
    journalAppend: (slot) =>
      journal.appendJWTKey({
        slotId: slot.id,
        issuedAt: sec(slot.issuedAt),
        notAfter: sec(slot.notAfter),
        kid: slot.jwtKey!.kid,
        publicKey: slot.jwtKey!.signer.publicKey,
        status: slot.status,
        authorityId: slot.authorityId,
      }),
    journalStatus: (id, status) => journal.updateJWTKeyStatus(id, status),
    install: (slot) => c.ca.setJWTKey(slot.jwtKey),
    preparedLogFields: (slot) => ({ slot: slot.id, local_authority_id: slot.authorityId, expiration: new Date(slot.notAfter).toISOString() }),
    view: (s) => ({ authorityId: s.authorityId, expiresAt: sec(s.notAfter), status: s.status }),
    precondition: () => (enabled() ? undefined : LocalAuthorityErrors.jwtDisabled()),
    checkRevoke: (v, id) =>
      checkRevokeJWT(v, id, async (kid) => {
        const b = await c.dataStore.fetchBundle(td);
        return b?.jwtSigningKeys.some((k) => k.kid === kid) ?? false;
      }),
    async taintStored(id) {
      const k = await c.dataStore.taintJWTKey(td, id);
      return { authorityId: k.kid, expiresAt: k.notAfter };
    },
    async revokeStored(id) {
      const k = await c.dataStore.revokeJWTKey(td, id);
      return { authorityId: k.kid, expiresAt: k.notAfter };
    },
  };
}
