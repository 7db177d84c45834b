import { randomBytes, randomUUID } from 'node:crypto';
import type { CredentialComposer, DistinguishedName } from '../plugins/credentialcomposer/contract.js';
import { emptyDistinguishedName } from '../plugins/credentialcomposer/contract.js';
import { SpireError } from '../errors.js';
import { SpiffeId } from '../spiffeid/spiffe-id.js';
import type { TrustDomain } from '../spiffeid/trust-domain.js';
import type { Clock } from './clock.js';
import { signDownstreamX509CA } from './downstream-x509-ca.js';
import { CAErrors } from './errors.js';
import type { CASigner } from './signer.js';
import type { X509CA } from './x509-ca.js';
import { SigningBacklog } from './signing-backlog.js';
import { batchedRandom, certificateTime, randomSerial } from './x509/certificate.js';
import { parseCsr } from './x509/csr.js';
import { cloneName, isEmptyName } from './x509/name.js';
import type { X509SvidSpec } from './x509/svid-template.js';
import { DEFAULT_CA_TTL_MS } from './x509-ca-builder.js';
import { NOOP_METRICS, type Metrics } from '../telemetry/metrics.js';

/** SPIRE's defaults (credtemplate). */
export const DEFAULT_X509_SVID_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_JWT_SVID_TTL_MS = 5 * 60 * 1000;
/** SVIDs start 10 s in the past to absorb clock skew, as SPIRE's NotBeforeCushion. */
export const NOT_BEFORE_CUSHION_MS = 10_000;

export type { X509CA } from './x509-ca.js';

/** The active JWT signing key. */
export interface JWTSigningKey {
  signer: CASigner;
  kid: string;
  /** Unix milliseconds. */
  notAfter: number;
}

/** Configuration of the signing CA. */
export interface ServerCAConfig {
  trustDomain: TrustDomain;
  clock: Clock;
  credentialComposers?: CredentialComposer[];
  /** default_x509_svid_ttl (ms); SPIRE's default 1h. */
  x509SvidTtlMs?: number;
  /** default_jwt_svid_ttl (ms); SPIRE's default 5m. */
  jwtSvidTtlMs?: number;
  /** agent_ttl (ms); defaults to the X509-SVID TTL. */
  agentTtlMs?: number;
  /** jwt_issuer: the `iss` claim, when set. */
  jwtIssuer?: string;
  /** Subject of workload X509-SVIDs; SPIRE's default C=US, O=SPIRE. */
  x509SvidSubject?: DistinguishedName;
  /** ca_ttl (ms): the lifetime of a downstream X.509 CA whose caller prefers none; default 24h. */
  caTtlMs?: number;
  /** experimental.max_pending_svids: workload SVIDs that may wait to be signed at once. */
  maxPendingSvids?: number;
  /** Counts what is signed as SPIRE's `server_ca.sign.*` counters; default: not counted. */
  metrics?: Metrics;
}

const SIGNED_X509_SVID = ['server_ca', 'sign', 'x509_svid'];
const SIGNED_JWT_SVID = ['server_ca', 'sign', 'jwt_svid'];
const SIGNED_X509_CA = ['server_ca', 'sign', 'x509_ca_svid'];

/** One workload X509-SVID request. */
export interface WorkloadX509SVIDParams {
  spiffeId: string;
  /** A DER CSR (its signature is verified by the signing worker) or a DER public key. */
  csr?: Uint8Array;
  publicKey?: Uint8Array;
  dnsNames?: string[];
  /** The TTL chosen for the entry (ms); 0 or absent means default_x509_svid_ttl. */
  ttlMs?: number;
  subject?: DistinguishedName;
}

/** One workload JWT-SVID request. */
export interface WorkloadJWTSVIDParams {
  spiffeId: string;
  audience: string[];
  ttlMs?: number;
  includeJti?: boolean;
}

/** An X509-SVID: the leaf, then the upstream chain when there is one. */
export interface X509SVIDChain {
  certChain: Uint8Array[];
  /** The leaf's notAfter (unix milliseconds, whole seconds as the certificate has it). */
  notAfter: number;
}

/** The first of the TTLs that is non-zero, or 0. */
export function firstNonZero(...ttls: Array<number | undefined>): number {
  for (const t of ttls) if (t !== undefined && t > 0) return t;
  return 0;
}

/** The extra extensions of an SVID when there is no CredentialComposer (frozen: shared by all). */
const NO_EXTENSIONS = Object.freeze([]) as unknown as X509SvidSpec['extraExtensions'];

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString('base64url');
}

/**
 * The signing CA (SPIRE's ca.CA): mints X509-SVIDs and JWT-SVIDs with the active authorities,
 * which the CA manager sets. Every signature happens in a CASigner (worker pool or remote
 * KeyManager); this class does only public-key and template work.
 */
export class ServerCA {
  private x509CA?: X509CA;
  private jwtKey?: JWTSigningKey;
  private readonly composers: CredentialComposer[];
  private readonly serverId: string;
  private readonly metrics: Metrics;
  /**
   * Workload SVIDs waiting to be signed. Agent and server SVIDs are not counted: there are few
   * of them, and a burst of workload requests must not keep an agent or the server from renewing.
   */
  readonly backlog: SigningBacklog;
  private readonly taintListeners = new Set<(authorities: Uint8Array[]) => void>();
  /** Serial number bytes, drawn 256 serials at a time across calls (one-SVID calls are many). */
  private readonly random = batchedRandom(256, randomBytes);

  constructor(private readonly c: ServerCAConfig) {
    this.composers = c.credentialComposers ?? [];
    this.backlog = new SigningBacklog(c.maxPendingSvids);
    this.serverId = `${c.trustDomain.idString()}/spire/server`;
    this.metrics = c.metrics ?? NOOP_METRICS;
  }

  /** Sets the active X.509 authority (called by the manager on activation). */
  setX509CA(ca: X509CA | undefined): void {
    this.x509CA = ca;
  }
  /** The active X.509 authority, if any. */
  getX509CA(): X509CA | undefined {
    return this.x509CA;
  }
  /**
   * Tells listeners (the server SVID rotator) that these X.509 authorities (DER) were tainted, as
   * SPIRE's CA.NotifyTaintedX509Authorities: whatever they signed must be replaced.
   */
  notifyTaintedX509Authorities(authorities: Uint8Array[]): void {
    for (const l of this.taintListeners) l(authorities);
  }
  /** Calls `fn` with every list of tainted authorities; returns the unsubscribe function. */
  onTaintedX509Authorities(fn: (authorities: Uint8Array[]) => void): () => void {
    this.taintListeners.add(fn);
    return () => this.taintListeners.delete(fn);
  }
  /** Sets the active JWT key (called by the manager on activation). */
  setJWTKey(k: JWTSigningKey | undefined): void {
    this.jwtKey = k;
  }
  getJWTKey(): JWTSigningKey | undefined {
    return this.jwtKey;
  }

  private checkId(what: string, id: string): void {
    let parsed: SpiffeId;
    try {
      parsed = SpiffeId.parse(id);
    } catch (err) {
      throw CAErrors.badSvidId(what, id === '' ? 'cannot be empty' : (err as Error).message);
    }
    if (!parsed.memberOf(this.c.trustDomain)) {
      throw CAErrors.badSvidId(what, `"${id}" is not a member of trust domain "${this.c.trustDomain.toString()}"`);
    }
  }

  private lifetime(ttlMs: number, cap: number): { notBefore: number; notAfter: number } {
    const now = this.c.clock.now();
    return { notBefore: now - NOT_BEFORE_CUSHION_MS, notAfter: Math.min(now + ttlMs, cap) };
  }

  private defaultSubject(): DistinguishedName {
    if (this.c.x509SvidSubject && !isEmptyName(this.c.x509SvidSubject)) return cloneName(this.c.x509SvidSubject);
    return { ...emptyDistinguishedName(), country: ['US'], organization: ['SPIRE'] };
  }

  /**
   * Mints workload X509-SVIDs in one batch. Each outcome is the chain or the error of that item
   * (INVALID_ARGUMENT for a bad ID or CSR); throws UNAVAILABLE when there is no active X.509 CA,
   * RESOURCE_EXHAUSTED (signing none) when the backlog has no room for the batch.
   */
  async signWorkloadX509SVIDs(reqs: WorkloadX509SVIDParams[]): Promise<Array<X509SVIDChain | { error: SpireError }>> {
    return this.backlog.run(reqs.length, () => this.mint(reqs, 'workload'));
  }

  /** One workload X509-SVID; throws the item's error or what signWorkloadX509SVIDs throws. */
  async signWorkloadX509SVID(req: WorkloadX509SVIDParams): Promise<X509SVIDChain> {
    return unwrap((await this.signWorkloadX509SVIDs([req]))[0]!);
  }

  /** An agent's X509-SVID (agent_ttl, no DNS names, the default SVID subject, as SPIRE). */
  async signAgentX509SVID(req: { spiffeId: string; csr?: Uint8Array; publicKey?: Uint8Array }): Promise<X509SVIDChain> {
    return unwrap((await this.mint([{ ...req, ttlMs: this.c.agentTtlMs }], 'agent'))[0]!);
  }

  /** The server's own X509-SVID, `spiffe://<td>/spire/server`. */
  async signServerX509SVID(req: { csr?: Uint8Array; publicKey?: Uint8Array }): Promise<X509SVIDChain> {
    return unwrap((await this.mint([{ ...req, spiffeId: this.serverId }], 'server'))[0]!);
  }

  private async mint(reqs: WorkloadX509SVIDParams[], kind: 'workload' | 'agent' | 'server'): Promise<Array<X509SVIDChain | { error: SpireError }>> {
    const ca = this.x509CA;
    if (!ca) throw CAErrors.noX509CA();
    const out: Array<X509SVIDChain | { error: SpireError } | undefined> = new Array(reqs.length);
    const specs: X509SvidSpec[] = [];
    const index: number[] = [];
    const defaultTtl = firstNonZero(this.c.x509SvidTtlMs, DEFAULT_X509_SVID_TTL_MS);
    const sharedSubjects = new Map<string, DistinguishedName>();
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      try {
        this.checkId('X509-SVID', r.spiffeId);
        if (!r.csr && !r.publicKey) throw CAErrors.noPublicKey();
        const { notBefore, notAfter } = this.lifetime(firstNonZero(r.ttlMs, defaultTtl), ca.certificate.notAfter);
        const custom = kind === 'workload' && r.subject !== undefined && !isEmptyName(r.subject);
        const dnsNames = kind === 'workload' ? [...(r.dnsNames ?? [])] : [];
        const cn = dnsNames[0] ?? '';
        let subject: DistinguishedName;
        if (!custom && this.composers.length === 0) {
          // Nothing changes these subjects any more: items with the same one share one object,
          // which the message to the signing worker then carries once.
          subject = sharedSubjects.get(cn) ?? this.defaultSubject();
          if (cn !== '') subject.commonName = cn;
          sharedSubjects.set(cn, subject);
        } else {
          subject = custom ? cloneName(r.subject!) : this.defaultSubject();
          if (cn !== '') subject.commonName = cn;
        }
        let attrs = { subject, dnsSans: dnsNames, extraExtensions: this.composers.length > 0 ? [] : NO_EXTENSIONS };
        if (this.composers.length > 0) {
          let spki = r.publicKey;
          if (!spki && r.csr) {
            try {
              spki = parseCsr(r.csr).spki;
            } catch (err) {
              throw CAErrors.badCsr((err as Error).message);
            }
          }
          for (const cc of this.composers) {
            attrs =
              kind === 'workload'
                ? await cc.composeWorkloadX509SVID(attrs, r.spiffeId, spki!)
                : kind === 'agent'
                  ? await cc.composeAgentX509SVID(attrs, r.spiffeId, spki!)
                  : await cc.composeServerX509SVID(attrs);
          }
          subject = attrs.subject;
        }
        specs.push({
          spiffeId: r.spiffeId,
          dnsNames: attrs.dnsSans,
          subject,
          extraExtensions: attrs.extraExtensions,
          notBefore,
          notAfter,
          serial: randomSerial(this.random),
          ...(r.csr ? { csr: r.csr } : { spki: r.publicKey! }),
        });
        index.push(i);
      } catch (err) {
        out[i] = { error: err instanceof SpireError ? err : CAErrors.signFailed((err as Error).message) };
      }
    }
    if (specs.length > 0) {
      const issuer = { subjectDer: ca.certificate.subjectDer, subjectKeyId: ca.certificate.subjectKeyId, keyType: ca.signer.keyType };
      const results = await ca.signer.mintX509(issuer, specs);
      let signed = 0;
      results.forEach((res, j) => {
        const i = index[j]!;
        if ('der' in res) {
          out[i] = { certChain: [res.der, ...ca.upstreamChain], notAfter: certificateTime(specs[j]!.notAfter) };
          signed++;
        } else out[i] = { error: res.kind === 'bad-csr' ? CAErrors.badCsr(res.error) : CAErrors.signFailed(res.error) };
      });
      if (signed > 0) this.metrics.incrCounter(SIGNED_X509_SVID, signed);
    }
    return out as Array<X509SVIDChain | { error: SpireError }>;
  }

  /**
   * Mints JWT-SVIDs in one batch; each outcome is the token or that item's error. Throws
   * UNAVAILABLE without a JWT key, RESOURCE_EXHAUSTED when the backlog has no room for the batch.
   */
  async signWorkloadJWTSVIDs(reqs: WorkloadJWTSVIDParams[]): Promise<Array<{ token: string } | { error: SpireError }>> {
    return this.backlog.run(reqs.length, () => this.mintJwts(reqs));
  }

  private async mintJwts(reqs: WorkloadJWTSVIDParams[]): Promise<Array<{ token: string } | { error: SpireError }>> {
    const key = this.jwtKey;
    if (!key) throw CAErrors.noJWTKey();
    const alg = key.signer.keyType === 'ec-p256' ? 'ES256' : key.signer.keyType === 'ec-p384' ? 'ES384' : 'RS256';
    const header = b64url(JSON.stringify({ alg, kid: key.kid, typ: 'JWT' }));
    const out: Array<{ token: string } | { error: SpireError } | undefined> = new Array(reqs.length);
    const inputs: string[] = [];
    const index: number[] = [];
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      try {
        this.checkId('JWT-SVID', r.spiffeId);
        const audience = (r.audience ?? []).filter((a) => a !== '');
        if (audience.length === 0) throw CAErrors.noAudience();
        const now = this.c.clock.now();
        const ttl = firstNonZero(r.ttlMs, this.c.jwtSvidTtlMs, DEFAULT_JWT_SVID_TTL_MS);
        const exp = Math.min(now + ttl, key.notAfter);
        let claims: Record<string, unknown> = {
          sub: r.spiffeId,
          aud: audience,
          exp: Math.floor(exp / 1000),
          iat: Math.floor(now / 1000),
        };
        if (r.includeJti) claims.jti = b64url(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'));
        if (this.c.jwtIssuer) claims.iss = this.c.jwtIssuer;
        for (const cc of this.composers) claims = (await cc.composeWorkloadJWTSVID({ claims }, r.spiffeId)).claims;
        inputs.push(`${header}.${b64url(JSON.stringify(claims))}`);
        index.push(i);
      } catch (err) {
        out[i] = { error: err instanceof SpireError ? err : CAErrors.signFailed((err as Error).message) };
      }
    }
    if (inputs.length > 0) {
      const sigs = await key.signer.signJws(inputs);
      sigs.forEach((s, j) => {
        out[index[j]!] = { token: `${inputs[j]}.${b64url(s)}` };
      });
      this.metrics.incrCounter(SIGNED_JWT_SVID, sigs.length);
    }
    return out as Array<{ token: string } | { error: SpireError }>;
  }

  /**
   * Mints an X.509 CA for a downstream server (SPIRE's SignDownstreamX509CA) from its CSR, for
   * `ttlMs` (ca_ttl when 0 or absent) but never past the active authority. Returns the new CA
   * then the active authority's upstream chain. Throws UNAVAILABLE without an active X.509
   * authority, INVALID_ARGUMENT for a CSR that does not parse.
   */
  async signDownstreamX509CA(req: { csr: Uint8Array; ttlMs?: number }): Promise<Uint8Array[]> {
    const active = this.x509CA;
    const ttl = firstNonZero(req.ttlMs, this.c.caTtlMs, DEFAULT_CA_TTL_MS);
    const { notBefore, notAfter } = this.lifetime(ttl, active?.certificate.notAfter ?? 0);
    const chain = await signDownstreamX509CA(active, { trustDomainId: this.c.trustDomain.idString(), csr: req.csr, notBefore, notAfter });
    this.metrics.incrCounter(SIGNED_X509_CA);
    return chain;
  }

  /** One JWT-SVID; throws the item's error. */
  async signWorkloadJWTSVID(req: WorkloadJWTSVIDParams): Promise<string> {
    const r = (await this.signWorkloadJWTSVIDs([req]))[0]!;
    if ('error' in r) throw r.error;
    return r.token;
  }
}

function unwrap<T>(r: T | { error: SpireError }): T {
  if (r && typeof r === 'object' && 'error' in r) throw (r as { error: SpireError }).error;
  return r as T;
}
