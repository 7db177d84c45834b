import { Code, errorCode, errorMessage } from '../../errors.js';
import { signerFor, type CASigner } from '../signer.js';
import { readCertificate, type CertInfo } from '../x509/certificate.js';
import type { JWTKeyEntry, X509CAEntry } from './journal-codec.js';
import type { Journal } from './journal.js';
import type { CAManagerConfig } from './manager-config.js';
import { sameKey } from './same-key.js';
import { JWTKeySlot, otherSlotId, X509CASlot, type AuthoritySlot, type SlotId } from './slots.js';

/** The current and the next slot of one kind of authority. */
export interface SlotPair<S> {
  current: S;
  next: S;
}

/** What loading works with. */
export type SlotLoaderDeps = Pick<CAManagerConfig, 'trustDomain' | 'clock' | 'log' | 'keyManager' | 'dataStore' | 'pool' | 'upstreamAuthority'>;

type Entry = { slotId: string; authorityId: string; notAfter: number };

/**
 * Loads the X.509 CA and JWT key slots the journal names, as SPIRE: an entry is used only when
 * it is not expired and the KeyManager still holds its slot's key; JWT keys (and, without an
 * UpstreamAuthority, X.509 CAs) must also still be in the bundle. The newest active entry
 * becomes current and the newest other one next. Unusable entries are logged and skipped.
 * Throws when the DataStore or KeyManager fails or a stored certificate does not parse.
 */
export async function loadSlots(d: SlotLoaderDeps, journal: Journal): Promise<{ x509: SlotPair<X509CASlot>; jwt: SlotPair<JWTKeySlot> }> {
  const entries = journal.getEntries();
  const bundle = await d.dataStore.fetchBundle(d.trustDomain.idString());
  let x509 = entries.x509CAs;
  let jwt = entries.jwtKeys;
  if (bundle) {
    jwt = jwt.filter((e) => bundle.jwtSigningKeys.some((k) => k.kid === e.kid));
    if (!d.upstreamAuthority) x509 = x509.filter((e) => bundle.rootCas.some((r) => Buffer.from(r.derBytes).equals(Buffer.from(e.certificate))));
  }
  const now = d.clock.now();
  const loader = new SlotLoader(d, now);
  return {
    x509: await pickPair(x509, (e) => loader.x509(e), (id) => new X509CASlot(id)),
    jwt: await pickPair(jwt, (e) => loader.jwt(e), (id) => new JWTKeySlot(id)),
  };
}

async function pickPair<E, S extends AuthoritySlot>(entries: E[], load: (e: E) => Promise<S | undefined>, newSlot: (id: SlotId) => S): Promise<SlotPair<S>> {
  let cur: S | undefined;
  let nxt: S | undefined;
  for (const e of [...entries].reverse()) {
    const slot = await load(e);
    if (!slot) continue;
    if (slot.status === 'ACTIVE') cur ??= slot;
    else nxt ??= slot;
    if (cur && nxt) break;
  }
  if (cur) return { current: cur, next: nxt ?? newSlot(otherSlotId(cur.id)) };
  if (nxt) return { current: nxt, next: newSlot(otherSlotId(nxt.id)) };
  return { current: newSlot('A'), next: newSlot('B') };
}

class SlotLoader {
  constructor(
    private readonly d: SlotLoaderDeps,
    private readonly now: number,
  ) {}

  async x509(e: X509CAEntry): Promise<X509CASlot | undefined> {
    const slotId = this.usable(e, 'X509CA slot unusable');
    if (!slotId) return undefined;
    let cert: CertInfo;
    try {
      cert = readCertificate(e.certificate);
    } catch (err) {
      throw new Error(`unable to parse CA certificate: ${errorMessage(err)}`);
    }
    const slot = new X509CASlot(slotId);
    const signer = await this.signerIfMatches(slot.kmKeyId, cert.spki);
    if (typeof signer === 'string') return this.warn(e, 'X509CA slot unusable', signer);
    slot.issuedAt = e.issuedAt * 1000;
    slot.x509CA = { signer, certificate: cert, upstreamChain: e.upstreamChain };
    slot.status = e.status;
    slot.authorityId = e.authorityId;
    slot.upstreamAuthorityId = e.upstreamAuthorityId;
    slot.notAfter = cert.notAfter;
    return slot;
  }

  async jwt(e: JWTKeyEntry): Promise<JWTKeySlot | undefined> {
    const slotId = this.usable(e, 'JWT key slot unusable');
    if (!slotId) return undefined;
    const slot = new JWTKeySlot(slotId);
    const signer = await this.signerIfMatches(slot.kmKeyId, e.publicKey);
    if (typeof signer === 'string') return this.warn(e, 'JWT key slot unusable', signer);
    slot.issuedAt = e.issuedAt * 1000;
    slot.jwtKey = { signer, kid: e.kid, notAfter: e.notAfter * 1000 };
    slot.status = e.status;
    slot.authorityId = e.authorityId;
    slot.notAfter = e.notAfter * 1000;
    return slot;
  }

  /** The entry's slot ID when it names a slot and is not expired; otherwise undefined (warned). */
  private usable(e: Entry, what: string): SlotId | undefined {
    if (e.slotId !== 'A' && e.slotId !== 'B') return this.warn(e, what, 'no slot id');
    if (e.notAfter * 1000 < this.now) return this.warn(e, what, 'slot expired');
    return e.slotId;
  }

  private warn(e: Entry, what: string, reason: string): undefined {
    this.d.log.warn({ slot: e.slotId, local_authority_id: e.authorityId, error: reason }, what);
    return undefined;
  }

  /** A signer for the slot's KeyManager key when it holds `spki`; otherwise why not. */
  private async signerIfMatches(kmKeyId: string, spki: Uint8Array): Promise<CASigner | string> {
    let pk;
    try {
      pk = await this.d.keyManager.getPublicKey(kmKeyId);
    } catch (err) {
      if (errorCode(err) === Code.NOT_FOUND) return 'no key manager key';
      throw err;
    }
    if (!sameKey(pk.pkixData, spki)) return 'public key does not match key manager key';
    return signerFor(this.d.keyManager, kmKeyId, this.d.pool);
  }
}
