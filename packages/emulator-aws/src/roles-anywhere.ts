/**
 * IAM Roles Anywhere (REST-JSON): trust anchors. CreateTrustAnchor (POST /trustanchors),
 * GetTrustAnchor and UpdateTrustAnchor (GET and PATCH /trustanchor/{trustAnchorId}) and
 * ListTrustAnchors, with AWS's limits on a CERTIFICATE_BUNDLE source: at most 8000 characters
 * and at most two CA certificates (the "certificates per trust anchor" quota).
 */
import { randomUUID } from 'node:crypto';
import * as x509 from './acm-pca-x509.js';
import type { EmulatorEnv } from './env.js';
import { AwsError, type RestRoute, type ServiceModule } from './protocol.js';

/** A trust anchor's source. */
export interface TrustAnchorSource {
  sourceType: 'CERTIFICATE_BUNDLE' | 'AWS_ACM_PCA' | 'SELF_SIGNED_REPOSITORY';
  sourceData: { x509CertificateData?: string; acmPcaArn?: string };
}

/** One trust anchor. */
export interface TrustAnchor {
  readonly trustAnchorId: string;
  readonly trustAnchorArn: string;
  name: string;
  enabled: boolean;
  source: TrustAnchorSource;
  readonly createdAt: Date;
  updatedAt: Date;
}

/** The most CA certificates a trust anchor holds (AWS's quota). */
export const MAX_TRUST_ANCHOR_CERTIFICATES = 2;
/** The longest x509CertificateData AWS accepts. */
export const MAX_CERTIFICATE_DATA_LENGTH = 8000;

const NAME = /^[ a-zA-Z0-9-_]{1,255}$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message);
}

/** Checks a source as AWS does; returns it normalized. */
function checkSource(raw: unknown): TrustAnchorSource {
  const s = raw as { sourceType?: string; sourceData?: { x509CertificateData?: unknown; acmPcaArn?: unknown } } | undefined;
  if (!s || typeof s !== 'object') throw validation('source is required');
  if (s.sourceType === 'AWS_ACM_PCA') {
    if (typeof s.sourceData?.acmPcaArn !== 'string') throw validation('acmPcaArn is required for source type AWS_ACM_PCA');
    return { sourceType: 'AWS_ACM_PCA', sourceData: { acmPcaArn: s.sourceData.acmPcaArn } };
  }
  if (s.sourceType !== 'CERTIFICATE_BUNDLE') throw validation(`unsupported source type ${String(s.sourceType)}`);
  const data = s.sourceData?.x509CertificateData;
  if (typeof data !== 'string' || data.length < 1) throw validation('x509CertificateData is required for source type CERTIFICATE_BUNDLE');
  if (data.length > MAX_CERTIFICATE_DATA_LENGTH) {
    throw validation(
      `1 validation error detected: Value at 'source.sourceData.x509CertificateData' failed to satisfy constraint: Member must have length less than or equal to ${MAX_CERTIFICATE_DATA_LENGTH}`,
    );
  }
  let certs: x509.X509Certificate[];
  try {
    certs = x509.PemConverter.decode(data).map((der) => new x509.X509Certificate(der));
  } catch {
    throw validation('Invalid certificate bundle: x509CertificateData could not be parsed');
  }
  if (certs.length === 0) throw validation('Invalid certificate bundle: no certificates found');
  if (certs.length > MAX_TRUST_ANCHOR_CERTIFICATES) {
    throw validation(`Certificate bundle contains ${certs.length} certificates; a trust anchor accepts at most ${MAX_TRUST_ANCHOR_CERTIFICATES}`);
  }
  for (const c of certs) {
    if (!c.getExtension(x509.BasicConstraintsExtension)?.ca) throw validation(`Certificate ${c.subject} is not a CA certificate`);
  }
  return { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: data } };
}

/** IAM Roles Anywhere state: the trust anchors by ID. */
export class RolesAnywhereService {
  readonly trustAnchors = new Map<string, TrustAnchor>();

  constructor(readonly env: EmulatorEnv) {}

  /** Creates a trust anchor holding `pem` (a CERTIFICATE_BUNDLE), enabled. Throws AwsError on a bad bundle. */
  createTrustAnchor(name: string, pem: string): TrustAnchor {
    return this.create({ name, source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: pem } } });
  }

  private create(body: { name?: unknown; source?: unknown; enabled?: unknown }): TrustAnchor {
    if (typeof body.name !== 'string' || !NAME.test(body.name)) throw validation('name must match ^[ a-zA-Z0-9-_]*$ and be 1 to 255 characters long');
    const source = checkSource(body.source);
    const id = randomUUID();
    const now = this.env.now();
    const ta: TrustAnchor = {
      trustAnchorId: id,
      trustAnchorArn: `arn:aws:rolesanywhere:${this.env.region}:${this.env.accountId}:trust-anchor/${id}`,
      name: body.name,
      enabled: body.enabled !== false,
      source,
      createdAt: now,
      updatedAt: now,
    };
    this.trustAnchors.set(id, ta);
    return ta;
  }

  private get(id: string): TrustAnchor {
    const ta = this.trustAnchors.get(id);
    if (!ta) throw new AwsError('ResourceNotFoundException', 'Resource not found', 404);
    return ta;
  }

  private update(id: string, body: { name?: unknown; source?: unknown }): TrustAnchor {
    const ta = this.get(id);
    if (body.name !== undefined && (typeof body.name !== 'string' || !NAME.test(body.name))) {
      throw validation('name must match ^[ a-zA-Z0-9-_]*$ and be 1 to 255 characters long');
    }
    const source = body.source === undefined ? undefined : checkSource(body.source);
    if (typeof body.name === 'string') ta.name = body.name;
    if (source) ta.source = source;
    ta.updatedAt = this.env.now();
    return ta;
  }

  private static detail(ta: TrustAnchor): unknown {
    return {
      trustAnchorId: ta.trustAnchorId,
      trustAnchorArn: ta.trustAnchorArn,
      name: ta.name,
      enabled: ta.enabled,
      source: ta.source,
      createdAt: ta.createdAt.toISOString(),
      updatedAt: ta.updatedAt.toISOString(),
    };
  }

  /** The wire module. */
  module(): ServiceModule {
    const detail = (ta: TrustAnchor) => ({ trustAnchor: RolesAnywhereService.detail(ta) });
    const rest: RestRoute[] = [
      { method: 'POST', path: '/trustanchors', status: 201, handler: (_p, _q, body) => detail(this.create(body)) },
      { method: 'GET', path: '/trustanchors', handler: () => ({ trustAnchors: [...this.trustAnchors.values()].map((t) => RolesAnywhereService.detail(t)) }) },
      { method: 'GET', path: '/trustanchor/{trustAnchorId}', handler: (p) => detail(this.get(p.trustAnchorId!)) },
      { method: 'PATCH', path: '/trustanchor/{trustAnchorId}', handler: (p, _q, body) => detail(this.update(p.trustAnchorId!, body)) },
    ];
    return { name: 'rolesanywhere', rest };
  }
}
