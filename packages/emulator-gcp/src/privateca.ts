/**
 * Certificate Authority Service (privateca v1, REST as Google's clients send it in fallback
 * mode): CA pools, certificate authorities (real root and subordinate CAs, listed with a
 * `labels.K:V` filter and paging) and certificates issued by a named CA from a public key and
 * the requested subject, SANs and X.509 parameters. Certificate IDs are unique per pool
 * (409 ALREADY_EXISTS on repeat).
 */
import { HttpError, issue, newSerial, x509, type EmulatorRequest, type EmulatorResponse, type Issued, type Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** CertificateAuthority.State, with its proto numbers (for `enum-encoding=int`). */
export const CA_STATES = { STATE_UNSPECIFIED: 0, ENABLED: 1, DISABLED: 2, STAGED: 3, AWAITING_USER_ACTIVATION: 4, DELETED: 5 } as const;
export type CaState = keyof typeof CA_STATES;

/** An emulated certificate authority. */
export interface EmulatedCa {
  /** `projects/P/locations/L/caPools/POOL/certificateAuthorities/ID`. */
  name: string;
  pool: string;
  state: CaState;
  labels: Record<string, string>;
  createTime: Date;
  lifetimeSeconds: number;
  /** The CA's own certificate and key. */
  signer: Issued;
  /** The CA's certificate, then its issuers' up to the root (`pemCaCertificates`). */
  chain: Issued[];
}

/** A certificate the service issued. */
export interface EmulatedCertificate {
  name: string;
  issuer: string;
  pemCertificate: string;
  pemCertificateChain: string[];
  /** The request body as received. */
  request: Record<string, unknown>;
}

/** What {@link PrivateCaService.createCertificateAuthority} makes. */
export interface CreateCaOptions {
  project?: string;
  location?: string;
  pool: string;
  id: string;
  labels?: Record<string, string>;
  state?: CaState;
  /** Default now. */
  createTime?: Date;
  /** Default 10 years. */
  lifetimeSeconds?: number;
  /** The name of a CA of the emulator that signs this one; self-signed root when absent. */
  issuer?: string;
}

interface CertificateBody {
  lifetime?: string;
  config?: {
    publicKey?: { format?: string | number; key?: string };
    subjectConfig?: {
      subject?: { commonName?: string; organization?: string; organizationalUnit?: string; locality?: string; province?: string; countryCode?: string };
      subjectAltName?: { uris?: string[]; dnsNames?: string[] };
    };
    x509Config?: {
      caOptions?: { isCa?: boolean; maxIssuerPathLength?: number };
      keyUsage?: { baseKeyUsage?: { certSign?: boolean; crlSign?: boolean; digitalSignature?: boolean; keyEncipherment?: boolean } };
    };
  };
}

function apiError(status: number, grpcStatus: string, message: string): HttpError {
  return new HttpError(status, { error: { code: status, message, status: grpcStatus } });
}

const PAGE_DEFAULT = 50;

/** CA Service: CA pools, certificate authorities and certificates. */
export class PrivateCaService {
  /** CA pool names (`projects/P/locations/L/caPools/POOL`), in creation order. */
  readonly pools: string[] = [];
  /** CAs by name. */
  readonly cas = new Map<string, EmulatedCa>();
  /** Issued certificates by name. */
  readonly certificates = new Map<string, EmulatedCertificate>();
  /** When set, CreateCertificate answers with an empty `pemCertificateChain` (a malformed answer). */
  omitChain = false;

  constructor(readonly env: GcpEnv) {}

  /** Creates a CA pool (idempotent) and returns its name. */
  createCaPool(pool: string, project = 'test-project', location = 'us-central1'): string {
    const name = `projects/${project}/locations/${location}/caPools/${pool}`;
    if (!this.pools.includes(name)) this.pools.push(name);
    return name;
  }

  /**
   * Creates a CA with a new P-256 key in `pool` (created if needed): a self-signed root, or a
   * subordinate signed by the emulator CA named `issuer`. Its certificate is valid for its
   * lifetime from its create time.
   */
  async createCertificateAuthority(o: CreateCaOptions): Promise<EmulatedCa> {
    const pool = this.createCaPool(o.pool, o.project, o.location);
    const name = `${pool}/certificateAuthorities/${o.id}`;
    const createTime = o.createTime ?? this.env.now();
    const lifetimeSeconds = o.lifetimeSeconds ?? 10 * 365 * 86400;
    const parent = o.issuer ? this.cas.get(o.issuer) : undefined;
    if (o.issuer && !parent) throw new Error(`no emulated CA ${o.issuer}`);
    const signer = await issue({ subject: `CN=${o.id}, O=Emulated CA Service`, ca: true, notAfter: new Date(createTime.getTime() + lifetimeSeconds * 1000) }, parent?.signer);
    const ca: EmulatedCa = { name, pool, state: o.state ?? 'ENABLED', labels: o.labels ?? {}, createTime, lifetimeSeconds, signer, chain: [signer, ...(parent?.chain ?? [])] };
    this.cas.set(name, ca);
    return ca;
  }

  routes(): Route[] {
    const base = '/v1/projects/{project}/locations/{location}';
    return [
      { method: 'GET', path: `${base}/caPools`, name: 'privateca.caPools.list', handler: (r) => this.listPools(r) },
      { method: 'GET', path: `${base}/caPools/{pool}/certificateAuthorities`, name: 'privateca.certificateAuthorities.list', handler: (r) => this.listCas(r) },
      { method: 'POST', path: `${base}/caPools/{pool}/certificates`, name: 'privateca.certificates.create', handler: (r) => this.createCertificate(r) },
    ];
  }

  private page<T>(r: EmulatorRequest, items: T[]): { items: T[]; next?: string } {
    const size = Number(r.query.get('pageSize') ?? '') || PAGE_DEFAULT;
    const start = Number(r.query.get('pageToken') ?? '') || 0;
    const end = start + size;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  }

  private listPools(r: EmulatorRequest): EmulatorResponse {
    this.env.checkBearer(r.headers.authorization);
    const parent = `projects/${r.params.project}/locations/${r.params.location}`;
    const { items, next } = this.page(r, this.pools.filter((p) => p.startsWith(`${parent}/caPools/`)));
    return { json: { caPools: items.map((name) => ({ name, tier: 'ENTERPRISE' })), ...(next ? { nextPageToken: next } : {}) } };
  }

  private poolName(r: EmulatorRequest): string {
    const name = `projects/${r.params.project}/locations/${r.params.location}/caPools/${r.params.pool}`;
    if (!this.pools.includes(name)) throw apiError(404, 'NOT_FOUND', `Resource '${name}' was not found`);
    return name;
  }

  private listCas(r: EmulatorRequest): EmulatorResponse {
    this.env.checkBearer(r.headers.authorization);
    const pool = this.poolName(r);
    const filter = r.query.get('filter') ?? '';
    let match: (ca: EmulatedCa) => boolean = () => true;
    if (filter) {
      const m = /^labels\.([^:=\s]+)\s*[:=]\s*"?([^"]*)"?$/.exec(filter.trim());
      if (!m) throw apiError(400, 'INVALID_ARGUMENT', `invalid list filter: ${filter}`);
      match = (ca) => ca.labels[m[1]!] === m[2];
    }
    const ints = (r.query.get('$alt') ?? '').includes('enum-encoding=int');
    const { items, next } = this.page(r, [...this.cas.values()].filter((ca) => ca.pool === pool && match(ca)));
    return {
      json: {
        certificateAuthorities: items.map((ca) => ({
          name: ca.name,
          type: ca.chain.length > 1 ? (ints ? 2 : 'SUBORDINATE') : ints ? 1 : 'SELF_SIGNED',
          state: ints ? CA_STATES[ca.state] : ca.state,
          labels: ca.labels,
          createTime: ca.createTime.toISOString(),
          lifetime: `${ca.lifetimeSeconds}s`,
          pemCaCertificates: ca.chain.map((c) => c.certPem),
        })),
        ...(next ? { nextPageToken: next } : {}),
      },
    };
  }

  private async createCertificate(r: EmulatorRequest): Promise<EmulatorResponse> {
    this.env.checkBearer(r.headers.authorization);
    const pool = this.poolName(r);
    const id = r.query.get('certificateId') ?? '';
    if (id && !/^[a-zA-Z0-9_-]{1,63}$/.test(id)) throw apiError(400, 'INVALID_ARGUMENT', `certificate_id '${id}' is invalid`);
    const name = `${pool}/certificates/${id || newSerial()}`;
    if (this.certificates.has(name)) throw apiError(409, 'ALREADY_EXISTS', `Resource '${name}' already exists`);
    const caId = r.query.get('issuingCertificateAuthorityId');
    const ca = caId ? this.cas.get(`${pool}/certificateAuthorities/${caId}`) : [...this.cas.values()].find((c) => c.pool === pool && c.state === 'ENABLED');
    if (!ca) throw apiError(404, 'NOT_FOUND', `Resource '${pool}/certificateAuthorities/${caId ?? ''}' was not found`);
    if (ca.state !== 'ENABLED') throw apiError(400, 'FAILED_PRECONDITION', `CA '${ca.name}' is in state ${ca.state}, expected ENABLED`);
    const body = JSON.parse(r.body.toString('utf8') || '{}') as CertificateBody;
    const cert = await this.sign(ca, body);
    const issued: EmulatedCertificate = {
      name,
      issuer: ca.name,
      pemCertificate: cert.toString('pem') + '\n',
      pemCertificateChain: this.omitChain ? [] : ca.chain.map((c) => c.certPem),
      request: body as Record<string, unknown>,
    };
    this.certificates.set(name, issued);
    return {
      json: {
        name,
        issuerCertificateAuthority: ca.name,
        lifetime: body.lifetime,
        pemCertificate: issued.pemCertificate,
        pemCertificateChain: issued.pemCertificateChain,
        createTime: this.env.now().toISOString(),
      },
    };
  }

  private async sign(ca: EmulatedCa, body: CertificateBody): Promise<x509.X509Certificate> {
    const c = body.config;
    const keyPem = Buffer.from(c?.publicKey?.key ?? '', 'base64').toString('utf8');
    const spki = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(keyPem)?.[1];
    if (!spki) throw apiError(400, 'INVALID_ARGUMENT', 'config.public_key.key must be a PEM public key');
    const lifetime = /^(\d+(?:\.\d+)?)s$/.exec(body.lifetime ?? '');
    if (!lifetime) throw apiError(400, 'INVALID_ARGUMENT', 'certificate.lifetime is required');
    const s = c?.subjectConfig?.subject ?? {};
    const name: x509.JsonName = [];
    const add = (key: string, v: string | undefined) => v && name.push({ [key]: [v] });
    add('C', s.countryCode);
    add('ST', s.province);
    add('L', s.locality);
    add('O', s.organization);
    add('OU', s.organizationalUnit);
    add('CN', s.commonName);
    const extensions: x509.Extension[] = [];
    const caOptions = c?.x509Config?.caOptions;
    if (caOptions?.isCa) extensions.push(new x509.BasicConstraintsExtension(true, caOptions.maxIssuerPathLength, true));
    const ku = c?.x509Config?.keyUsage?.baseKeyUsage ?? {};
    const flags =
      (ku.certSign ? x509.KeyUsageFlags.keyCertSign : 0) |
      (ku.crlSign ? x509.KeyUsageFlags.cRLSign : 0) |
      (ku.digitalSignature ? x509.KeyUsageFlags.digitalSignature : 0) |
      (ku.keyEncipherment ? x509.KeyUsageFlags.keyEncipherment : 0);
    if (flags) extensions.push(new x509.KeyUsagesExtension(flags, true));
    const sans: x509.JsonGeneralName[] = [
      ...(c?.subjectConfig?.subjectAltName?.uris ?? []).map((value) => ({ type: 'url' as const, value })),
      ...(c?.subjectConfig?.subjectAltName?.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ];
    if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
    const publicKey = Buffer.from(spki.replace(/\s+/g, ''), 'base64');
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(ca.signer.keys.publicKey));
    const now = this.env.now();
    const notAfter = new Date(now.getTime() + Number(lifetime[1]) * 1000);
    return x509.X509CertificateGenerator.create({
      serialNumber: newSerial(),
      subject: name,
      issuer: ca.signer.cert.subject,
      // Backdated a minute, as the emulator kit's certificates, for clocks a little behind.
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: notAfter > ca.signer.cert.notAfter ? ca.signer.cert.notAfter : notAfter,
      publicKey,
      signingKey: ca.signer.keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions,
    });
  }
}
