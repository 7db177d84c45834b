import { CertificateAuthorityServiceClient } from '@google-cloud/security-private-ca';
import { clientEndpointOptions, withTimeout } from '@spire-ts/plugin-gcp';

/** A certificate authority as the plugin needs it. */
export interface CaInfo {
  /** `projects/P/locations/L/caPools/POOL/certificateAuthorities/ID`. */
  name: string;
  /** `ENABLED`, `DISABLED`, `STAGED`, … */
  state: string;
  /** When the CA expires: its create time plus its lifetime (ms since the epoch). */
  expiresAtMs: number;
  /** The CA's chain, PEM, the CA first and its root last. */
  pemCaCertificates: string[];
}

/** What CreateCertificate is asked (CA Service's Certificate, in the client's object form). */
export interface CreateCertificateRequest {
  parent: string;
  certificateId: string;
  issuingCertificateAuthorityId: string;
  lifetimeSeconds: number;
  publicKeyPem: string;
  subject: { commonName?: string; organization?: string; organizationalUnit?: string; locality?: string; province?: string };
  uris: string[];
}

/** The issued certificate and the issuer's chain (PEM, issuer first, root last). */
export interface IssuedCertificate {
  pemCertificate: string;
  pemCertificateChain: string[];
}

/** The narrow view of CA Service this plugin needs. Every method throws the client's error. */
export interface CasClient {
  /** The names of every CA pool under `parent` (`projects/P/locations/L`), all pages. */
  listCaPools(parent: string): Promise<string[]>;
  /** The CAs of `pool` matching `filter`, all pages (of 20, as SPIRE asks). */
  listCertificateAuthorities(pool: string, filter: string): Promise<CaInfo[]>;
  createCertificate(req: CreateCertificateRequest): Promise<IssuedCertificate>;
  /** Releases the client. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link casClient}. */
export interface CasClientOptions {
  /** Bounds each call (each page of a list), retries included. Default 30000. */
  timeoutMs?: number;
}

type PoolsRequest = Parameters<CertificateAuthorityServiceClient['listCaPools']>[0];
type PoolsPage = [{ name?: string | null }[], { pageToken?: string | null } | null, unknown];
type CasRequest = Parameters<CertificateAuthorityServiceClient['listCertificateAuthorities']>[0];
type Authority = { name?: string | null; state?: unknown; createTime?: Timestamp; lifetime?: Timestamp; pemCaCertificates?: string[] | null };
type CasPage = [Authority[], { pageToken?: string | null } | null, unknown];
type Timestamp = { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null | undefined;
const ms = (t: Timestamp) => Number(String(t?.seconds ?? 0)) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/**
 * A {@link CasClient} over Google's CA Service client with Application Default Credentials, as
 * SPIRE's gcp_cas. Calls go to Google's endpoint, or over REST to the test-only endpoint of
 * `@spire-ts/plugin-gcp` when it is set.
 */
export function casClient(o: CasClientOptions = {}): CasClient {
  const client = new CertificateAuthorityServiceClient({ ...clientEndpointOptions() });
  const timeoutMs = o.timeoutMs ?? 30_000;
  const bounded = <T>(what: string, fn: () => Promise<T>) => withTimeout(timeoutMs, `CA Service ${what}`, fn);
  const call = { timeout: timeoutMs, autoPaginate: false };
  let closed = false;
  return {
    listCaPools: async (parent) => {
      const names: string[] = [];
      let pageToken: string | undefined;
      do {
        const req: PoolsRequest = { parent, pageSize: 20, pageToken };
        const [pools, next]: PoolsPage = await bounded('ListCaPools', () => client.listCaPools(req, call));
        names.push(...pools.map((p) => p.name ?? ''));
        pageToken = next?.pageToken ?? undefined;
      } while (pageToken);
      return names;
    },
    listCertificateAuthorities: async (pool, filter) => {
      const cas: Authority[] = [];
      let pageToken: string | undefined;
      do {
        const req: CasRequest = { parent: pool, filter, pageSize: 20, pageToken };
        const [page, next]: CasPage = await bounded('ListCertificateAuthorities', () => client.listCertificateAuthorities(req, call));
        cas.push(...page);
        pageToken = next?.pageToken ?? undefined;
      } while (pageToken);
      return cas.map((ca) => ({
        name: ca.name ?? '',
        state: String(ca.state ?? ''),
        expiresAtMs: ms(ca.createTime) + ms(ca.lifetime),
        pemCaCertificates: ca.pemCaCertificates ?? [],
      }));
    },
    createCertificate: async (req) => {
      const [cert] = await bounded('CreateCertificate', () => client.createCertificate(
        {
          parent: req.parent,
          certificateId: req.certificateId,
          issuingCertificateAuthorityId: req.issuingCertificateAuthorityId,
          certificate: {
            lifetime: { seconds: req.lifetimeSeconds },
            config: {
              publicKey: { format: 'PEM', key: Buffer.from(req.publicKeyPem) },
              subjectConfig: { subject: req.subject, subjectAltName: { uris: req.uris } },
              x509Config: { caOptions: { isCa: true, maxIssuerPathLength: 0 }, keyUsage: { baseKeyUsage: { certSign: true, crlSign: true } } },
            },
          },
        },
        { timeout: timeoutMs },
      ));
      return { pemCertificate: cert.pemCertificate ?? '', pemCertificateChain: cert.pemCertificateChain ?? [] };
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
