import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { RSA1024_DEFAULT_CERT, RSA1024_REGION_CERTS } from './region-certs-rsa1024.js';
import { RSA2048_REGION_CERTS } from './region-certs-rsa2048.js';

/** Which of AWS's signatures a certificate checks: the PKCS#7 (`rsa2048`) or the RSA one (`signature`). */
export type SignatureKind = 'rsa2048' | 'rsa1024';

/** A region certificate, parsed once. */
export interface RegionCert {
  x509: X509Certificate;
  asn: Certificate;
}

/**
 * The environment variable naming a JSON file `{ "<region>": "<PEM>" }` that replaces AWS's
 * region certificates. TEST-ONLY: it lets an end-to-end test sign identity documents with its
 * own key; never set it in production.
 */
export const TEST_CERTS_ENV = 'SPIRE_TEST_AWS_IID_CERTS_FILE';

function parse(der: Buffer): RegionCert {
  return { x509: new X509Certificate(der), asn: AsnConvert.parse(der, Certificate) };
}

function pemToDer(pem: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no CERTIFICATE block');
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

/**
 * The certificates that identity documents are checked against, by region: AWS's published
 * tables shipped with the plugin (never a certificate from the payload). The RSA-2048 table knows
 * no fallback (an unknown region is an error); the RSA table falls back to AWS's default
 * certificate, as SPIRE does. A test may replace both tables with one region → PEM map; a region
 * missing from it is then unknown for both signatures.
 */
export class RegionCerts {
  private readonly cache = new Map<string, RegionCert>();
  private readonly override?: ReadonlyMap<string, Buffer>;

  /** Throws Error when an override PEM holds no parsable certificate. */
  constructor(override?: Readonly<Record<string, string>>) {
    if (override) {
      const m = new Map<string, Buffer>();
      for (const [region, pem] of Object.entries(override)) {
        const der = pemToDer(pem);
        this.cache.set(`override:${region}`, parse(der));
        m.set(region, der);
      }
      this.override = m;
    }
  }

  /** The certificate for a region and signature. Throws Error `unsupported region "<r>"`. */
  get(region: string, kind: SignatureKind): RegionCert {
    if (this.override) {
      const c = this.override.has(region) ? this.cache.get(`override:${region}`) : undefined;
      if (!c) throw new Error(`unsupported region ${JSON.stringify(region)}`);
      return c;
    }
    const key = `${kind}:${region}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let b64: string | undefined;
    if (kind === 'rsa2048') {
      b64 = Object.hasOwn(RSA2048_REGION_CERTS, region) ? RSA2048_REGION_CERTS[region] : undefined;
      if (b64 === undefined) throw new Error(`unsupported region ${JSON.stringify(region)}`);
    } else {
      b64 = (Object.hasOwn(RSA1024_REGION_CERTS, region) ? RSA1024_REGION_CERTS[region] : undefined) ?? RSA1024_DEFAULT_CERT;
    }
    const c = parse(Buffer.from(b64, 'base64'));
    this.cache.set(key, c);
    return c;
  }
}

/**
 * Reads the test-only region certificate file named by {@link TEST_CERTS_ENV}: a JSON object of
 * region → PEM. Throws Error naming the problem.
 */
export function readTestCertsFile(path: string): Record<string, string> {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) {
    throw new Error(`${path} is not a JSON object of region to PEM certificate`);
  }
  return data as Record<string, string>;
}
