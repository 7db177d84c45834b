import { createHash, generateKeyPairSync, randomBytes, sign, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SpireError, Code } from '../../errors.js';
import type { AuthorityRotation, AuthoritySlots, AuthorityState, ServerCA, UpstreamAuthorityRotation, X509SvidRequest } from '../../api/ports.js';

type KeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** In-memory authority slots: prepare makes a new ID, activate moves active to old, taint/revoke mark old. */
class FakeRotation implements AuthorityRotation {
  private slots: AuthoritySlots;
  private tainted = false;
  private counter = 0;

  constructor(
    private readonly kind: string,
    active: AuthorityState,
  ) {
    this.slots = { active };
  }

  private next(): AuthorityState {
    this.counter++;
    return { authorityId: createHash('sha1').update(`${this.kind}-${this.counter}-${Date.now()}`).digest('hex'), expiresAt: Math.floor(Date.now() / 1000) + 86400 * (10 + this.counter) };
  }

  async getState(): Promise<AuthoritySlots> {
    return { ...this.slots };
  }
  async prepare(): Promise<AuthorityState> {
    this.slots.prepared = this.next();
    return this.slots.prepared;
  }
  async activate(id: string): Promise<AuthorityState> {
    const p = this.slots.prepared;
    if (!p || p.authorityId !== id) throw new SpireError(Code.FAILED_PRECONDITION, 'no prepared authority found');
    this.slots = { active: p, old: this.slots.active };
    this.tainted = false;
    return p;
  }
  async taint(id: string): Promise<AuthorityState> {
    const o = this.slots.old;
    if (!o || o.authorityId !== id) throw new SpireError(Code.FAILED_PRECONDITION, 'only Old local authority can be tainted');
    if (this.tainted) throw new SpireError(Code.FAILED_PRECONDITION, 'authority is already tainted');
    this.tainted = true;
    return o;
  }
  async revoke(id: string): Promise<AuthorityState> {
    const o = this.slots.old;
    if (!o || o.authorityId !== id) throw new SpireError(Code.FAILED_PRECONDITION, 'only Old local authority can be revoked');
    if (!this.tainted) throw new SpireError(Code.FAILED_PRECONDITION, 'it is not possible to revoke an untainted authority');
    this.slots = { active: this.slots.active, prepared: this.slots.prepared };
    return o;
  }
}

/**
 * A small real CA for CLI tests (a stand-in until the server CA is wired into the API): signs
 * X509-SVIDs and JWT-SVIDs with an in-memory P-256 root, and keeps authority slots in memory.
 */
export class TestCA implements ServerCA {
  readonly x509Authority: AuthorityRotation;
  readonly jwtAuthority: AuthorityRotation;
  readonly upstreamAuthority?: UpstreamAuthorityRotation;

  private constructor(
    private readonly trustDomain: string,
    private readonly root: x509.X509Certificate,
    private readonly rootKey: KeyPair,
    private readonly jwtKey: KeyObject,
    readonly jwtKid: string,
    readonly jwtPublicDer: Uint8Array,
  ) {
    const ski = Buffer.from(root.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '', 'hex').toString('hex');
    this.x509Authority = new FakeRotation('x509', { authorityId: ski, expiresAt: Math.floor(root.notAfter.getTime() / 1000) });
    this.jwtAuthority = new FakeRotation('jwt', { authorityId: jwtKid, expiresAt: Math.floor(Date.now() / 1000) + 86400 });
  }

  /** Creates the root and JWT key for `trustDomain` (name, no scheme). */
  static async create(trustDomain: string): Promise<TestCA> {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomBytes(8).toString('hex'),
      name: `C=US, O=SPIFFE, CN=${trustDomain} test root`,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86400_000 * 30),
      signingAlgorithm: ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
      ],
    });
    const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomBytes(16).toString('hex');
    return new TestCA(trustDomain, root, keys, jwt.privateKey, kid, jwt.publicKey.export({ type: 'spki', format: 'der' }));
  }

  /** The root certificate, DER. */
  rootDer(): Uint8Array {
    return new Uint8Array(this.root.rawData);
  }

  async signX509Svids(reqs: X509SvidRequest[]): Promise<Array<{ certChain: Uint8Array[] } | { error: SpireError }>> {
    const out: Array<{ certChain: Uint8Array[] } | { error: SpireError }> = [];
    for (const r of reqs) {
      const csr = new x509.Pkcs10CertificateRequest(r.csr);
      const ttl = r.ttlMs && r.ttlMs > 0 ? r.ttlMs : 3600_000;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: `01${randomBytes(8).toString('hex')}`,
        subject: 'C=US, O=SPIRE',
        issuer: this.root.subject,
        notBefore: new Date(Date.now() - 10_000),
        notAfter: new Date(Date.now() + ttl),
        signingAlgorithm: ALG,
        publicKey: await csr.publicKey.export(),
        signingKey: this.rootKey.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyAgreement, true),
          new x509.SubjectAlternativeNameExtension([{ type: 'url', value: r.spiffeId }, ...(r.dnsNames ?? []).map((d) => ({ type: 'dns' as const, value: d }))]),
        ],
      });
      out.push({ certChain: [new Uint8Array(cert.rawData)] });
    }
    return out;
  }

  async signJwtSvid(req: { spiffeId: string; audience: string[]; ttlMs?: number }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = Math.floor((req.ttlMs && req.ttlMs > 0 ? req.ttlMs : 300_000) / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64({ alg: 'ES256', kid: this.jwtKid, typ: 'JWT' })}.${b64({ aud: req.audience, exp: now + ttl, iat: now, sub: req.spiffeId })}`;
    const sig = sign('sha256', Buffer.from(input), { key: this.jwtKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }

  async signDownstreamX509CA(): Promise<Uint8Array[]> {
    throw new SpireError(Code.UNIMPLEMENTED, 'downstream signing is not part of the test CA');
  }

  async publishJwtAuthority(): Promise<Array<{ publicKey: Uint8Array; keyId: string; expiresAt: number; tainted: boolean }>> {
    throw new SpireError(Code.UNIMPLEMENTED, 'publishing JWT authorities is not part of the test CA');
  }

  async serverTlsCredentials(): Promise<{ certChainPem: string; privateKeyPem: string }> {
    throw new SpireError(Code.UNIMPLEMENTED, `the test CA for ${this.trustDomain} serves the admin socket only`);
  }
}

