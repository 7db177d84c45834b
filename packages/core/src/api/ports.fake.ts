import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CAErrors } from '../ca/errors.js';
import {
  checkActivate,
  checkRevokeJWT,
  checkRevokeX509,
  checkTaint,
  checkUpstreamSubjectKey,
  LocalAuthorityError,
  LocalAuthorityErrors,
  type AuthorityLabel,
  type SlotPairView,
} from '../ca/manager/local-authority-checks.js';
import { parseCsr as parseCsrDer, verifyCsr as verifyCsrDer } from '../ca/x509/csr.js';
import type { SpireError } from '../errors.js';
import type { TrustDomain } from '../spiffeid/index.js';
import type { AuthorityRotation, AuthoritySlots, AuthorityStateView, ServerCAPort, UpstreamAuthorityRotation, X509SvidRequest } from './ports.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto as never);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

function pem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

let serialCounter = 1000n;

/** A key pair and certificate made by the fake CA, for tests. */
export interface IssuedCert {
  certDer: Uint8Array;
  certPem: string;
  keyPem: string;
  /** Decimal serial number, as SPIRE stores agent serials. */
  serial: string;
  keys: CryptoKeyPair;
  /** Unix milliseconds. */
  notAfter: number;
}

/** The fake's slots as the CA's checks see them: the active authority current, the prepared or old one next. */
function slotView(s: AuthoritySlots): SlotPairView {
  const next = s.prepared ? { ...s.prepared, status: 'PREPARED' as const } : s.old ? { ...s.old, status: 'OLD' as const } : { authorityId: '', expiresAt: 0, status: 'UNKNOWN' as const };
  return { current: s.active ? { ...s.active, status: 'ACTIVE' } : { authorityId: '', expiresAt: 0, status: 'UNKNOWN' }, next };
}

const refuse = (e: LocalAuthorityError | undefined): void => {
  if (e) throw e;
};

/**
 * Slot bookkeeping for one kind of authority that refuses what the CA manager refuses, through
 * the CA's own checks. Revoking an untainted authority fails as the DataStore makes it fail.
 */
class FakeRotation implements AuthorityRotation {
  slots: AuthoritySlots;
  tainted = new Set<string>();
  revoked = new Set<string>();
  private n = 1;
  constructor(
    private readonly prefix: string,
    private readonly label: AuthorityLabel,
    private readonly upstreamConfigured: () => boolean = () => false,
  ) {
    this.slots = { active: { authorityId: `${prefix}-1`, expiresAt: 2_000_000_000 } };
  }
  async getState(): Promise<AuthoritySlots> {
    return structuredClone(this.slots);
  }
  async prepare(): Promise<AuthorityStateView> {
    this.n++;
    const s: AuthorityStateView = { authorityId: `${this.prefix}-${this.n}`, expiresAt: 2_000_000_000 + this.n };
    this.slots = { active: this.slots.active, prepared: s };
    return s;
  }
  async activate(id: string): Promise<AuthorityStateView> {
    refuse(checkActivate(slotView(this.slots), id));
    this.slots = { active: this.slots.prepared, old: this.slots.active };
    return this.slots.active!;
  }
  async taint(id: string): Promise<AuthorityStateView> {
    if (this.upstreamConfigured()) throw LocalAuthorityErrors.upstreamConfigured('tainted');
    refuse(checkTaint(slotView(this.slots), id));
    this.tainted.add(id);
    return this.slots.old!;
  }
  async revoke(id: string): Promise<AuthorityStateView> {
    if (this.upstreamConfigured()) throw LocalAuthorityErrors.upstreamConfigured('revoked');
    const v = slotView(this.slots);
    refuse(this.label === 'JWT' ? await checkRevokeJWT(v, id, async () => false) : checkRevokeX509(v, id));
    if (!this.tainted.has(id)) throw LocalAuthorityErrors.failed('revoke', `${this.label} authority`, new Error('it is not possible to revoke an untainted authority'));
    this.revoked.add(id);
    const old = this.slots.old!;
    this.slots = { active: this.slots.active };
    return old;
  }
}

/** Upstream authority operations over a fake's X.509 slots, refused as the CA manager refuses them. */
export class FakeUpstreamRotation implements UpstreamAuthorityRotation {
  readonly tainted: string[] = [];
  readonly revoked: string[] = [];
  constructor(private readonly x509: FakeRotation) {}
  async taint(skid: string): Promise<string> {
    refuse(checkUpstreamSubjectKey(slotView(this.x509.slots), skid, 'taint'));
    this.tainted.push(skid);
    return skid;
  }
  async revoke(skid: string): Promise<string> {
    refuse(checkUpstreamSubjectKey(slotView(this.x509.slots), skid, 'revoke'));
    this.revoked.push(skid);
    return skid;
  }
}

/**
 * A small real CA for tests of the API: a self-signed P-256 root that signs X509-SVIDs from
 * CSRs, ES256 JWT-SVIDs, downstream intermediates and the server's TLS SVID, plus slot
 * bookkeeping for the local-authority RPCs. Certificates it makes pass `openssl verify`.
 */
export class FakeServerCA implements ServerCAPort {
  readonly x509Authority = new FakeRotation('x509', 'X.509', () => this.upstreamAuthority !== undefined);
  readonly jwtAuthority = new FakeRotation('jwt', 'JWT');
  upstreamAuthority?: UpstreamAuthorityRotation;
  readonly publishedJwtKeys: { publicKey: Uint8Array; keyId: string; expiresAt: number; tainted: boolean }[] = [];
  /** Requests seen by signX509Svids, in order (tests assert on TTLs and DNS names). */
  readonly x509Requests: X509SvidRequest[] = [];
  /** Set to make signing fail with this error. */
  failSigning?: SpireError;
  /** Set to make every X509-SVID and JWT-SVID call throw this, as the CA does when its backlog is full. */
  refuseAll?: SpireError;
  private serverCert?: IssuedCert;

  private constructor(
    readonly trustDomain: TrustDomain,
    readonly root: IssuedCert,
    private readonly jwtKeys: CryptoKeyPair,
  ) {}

  /** Makes a CA with a fresh root. */
  static async create(td: TrustDomain): Promise<FakeServerCA> {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: `C=US, O=SPIFFE, CN=fake root ${td.name}`,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 24 * 3600_000),
      keys,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: td.idString() }]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const root = await toIssued(cert, keys);
    const jwtKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    return new FakeServerCA(td, root, jwtKeys);
  }

  /** Issues a certificate for `spiffeId` signed by the root (a client SVID for tests). */
  async issue(spiffeId: string, opts: { publicKey?: CryptoKey; ttlMs?: number; dnsNames?: string[]; ca?: boolean; keys?: CryptoKeyPair } = {}): Promise<IssuedCert> {
    const keys = opts.keys ?? ((await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair);
    const publicKey = opts.publicKey ?? keys.publicKey;
    serialCounter++;
    const rootCert = new x509.X509Certificate(Buffer.from(this.root.certDer));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialCounter.toString(16).padStart(4, '0'),
      subject: opts.ca ? `C=US, O=SPIFFE, CN=downstream` : 'C=US, O=SPIRE',
      issuer: rootCert.subject,
      notBefore: new Date(Date.now() - 10_000),
      notAfter: new Date(Date.now() + (opts.ttlMs && opts.ttlMs > 0 ? opts.ttlMs : 3600_000)),
      publicKey,
      signingKey: this.root.keys.privateKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(!!opts.ca, undefined, true),
        new x509.KeyUsagesExtension(
          opts.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyAgreement,
          true,
        ),
        ...(opts.ca ? [] : [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth])]),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }, ...(opts.dnsNames ?? []).map((d) => ({ type: 'dns' as const, value: d }))]),
        await x509.AuthorityKeyIdentifierExtension.create(this.root.keys.publicKey),
      ],
    });
    return toIssued(cert, keys);
  }

  async signX509Svids(reqs: X509SvidRequest[]) {
    if (this.refuseAll) throw this.refuseAll;
    const out: Array<{ certChain: Uint8Array[]; notAfter: number } | { error: SpireError }> = [];
    for (const r of reqs) {
      this.x509Requests.push(r);
      if (this.failSigning) {
        out.push({ error: this.failSigning });
        continue;
      }
      try {
        verifyCsrDer(parseCsrDer(r.csr));
      } catch (err) {
        out.push({ error: CAErrors.badCsr((err as Error).message) });
        continue;
      }
      const csr = new x509.Pkcs10CertificateRequest(Buffer.from(r.csr));
      const issued = await this.issue(r.spiffeId, { publicKey: await csr.publicKey.export(), ttlMs: r.ttlMs, dnsNames: r.dnsNames });
      out.push({ certChain: [issued.certDer], notAfter: issued.notAfter });
    }
    return out;
  }

  async signAgentX509Svid(req: { spiffeId: string; csr: Uint8Array }): Promise<{ certChain: Uint8Array[] }> {
    if (this.failSigning) throw this.failSigning;
    const csr = new x509.Pkcs10CertificateRequest(Buffer.from(req.csr));
    const issued = await this.issue(req.spiffeId, { publicKey: await csr.publicKey.export() });
    return { certChain: [issued.certDer] };
  }

  async signJwtSvid(req: { spiffeId: string; audience: string[]; ttlMs?: number; includeJti?: boolean }): Promise<string> {
    if (this.refuseAll) throw this.refuseAll;
    if (this.failSigning) throw this.failSigning;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', kid: 'fake-jwt-key', typ: 'JWT' };
    const claims = { sub: req.spiffeId, aud: req.audience, iat: now, exp: now + Math.floor((req.ttlMs && req.ttlMs > 0 ? req.ttlMs : 300_000) / 1000) };
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const sig = await webcrypto.subtle.sign(SIGN, this.jwtKeys.privateKey, Buffer.from(input));
    return `${input}.${Buffer.from(sig).toString('base64url')}`;
  }

  /** The JWT signing public key as SPKI DER (to verify tokens in tests). */
  async jwtPublicKeyDer(): Promise<Uint8Array> {
    return new Uint8Array(await webcrypto.subtle.exportKey('spki', this.jwtKeys.publicKey));
  }

  async signDownstreamX509CA(req: { csr: Uint8Array; ttlMs?: number }): Promise<Uint8Array[]> {
    if (this.failSigning) throw this.failSigning;
    const csr = new x509.Pkcs10CertificateRequest(Buffer.from(req.csr));
    const issued = await this.issue(this.trustDomain.idString(), { publicKey: await csr.publicKey.export(), ttlMs: req.ttlMs, ca: true });
    return [issued.certDer];
  }

  async publishJwtAuthority(key: { publicKey: Uint8Array; keyId: string; expiresAt: number }) {
    this.publishedJwtKeys.push({ ...key, tainted: false });
    return this.publishedJwtKeys.map((k) => ({ ...k }));
  }

  async serverTlsCredentials(): Promise<{ certChainPem: string; privateKeyPem: string }> {
    this.serverCert ??= await this.issue(`${this.trustDomain.idString()}/spire/server`, { dnsNames: ['localhost'] });
    return { certChainPem: this.serverCert.certPem, privateKeyPem: this.serverCert.keyPem };
  }
}

async function toIssued(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedCert> {
  const der = new Uint8Array(cert.rawData);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certDer: der, certPem: pem(der, 'CERTIFICATE'), keyPem: pem(pkcs8, 'PRIVATE KEY'), serial: BigInt(`0x${cert.serialNumber}`).toString(10), keys, notAfter: cert.notAfter.getTime() };
}

/** Makes a DER CSR for `uris`/`dnsNames` with a fresh P-256 key, for tests. */
export async function makeCsr(opts: { uris?: string[]; dnsNames?: string[]; keys?: CryptoKeyPair } = {}): Promise<{ der: Buffer; keys: CryptoKeyPair }> {
  const keys = opts.keys ?? ((await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair);
  const names = [...(opts.uris ?? []).map((u) => ({ type: 'url' as const, value: u })), ...(opts.dnsNames ?? []).map((d) => ({ type: 'dns' as const, value: d }))];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=US, O=SPIRE',
    keys,
    signingAlgorithm: SIGN,
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  return { der: Buffer.from(csr.rawData), keys };
}
