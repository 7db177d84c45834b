/**
 * The service-account token issuer (ES256, as a cluster's `--service-account-signing-key-file`)
 * and the TokenReview authenticator that checks tokens against it.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';

/** The `iss` of projected tokens. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The `iss` of legacy (secret-based) tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

/**
 * The clock skew the API server tolerates on exp, nbf and iat (go-jose's default leeway, which
 * Kubernetes' service-account validation uses): a token expired less than a minute ago still
 * authenticates.
 */
export const LEEWAY_SEC = 60;

/** What a projected token is bound to. */
export interface ProjectedTokenOptions {
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUid: string;
  audiences: string[];
  /** Lifetime; default 3600. */
  expiresInSec?: number;
  nodeName?: string;
  nodeUid?: string;
  /** `iat` (and `nbf`) in Unix seconds; default now. */
  issuedAtSec?: number;
}

/** What a legacy token names. */
export interface LegacyTokenOptions {
  namespace: string;
  serviceAccount: string;
  /** Default `<serviceAccount>-token`. */
  secretName?: string;
}

/** Looks up the uid of a stored object (undefined when there is none), for bound-object checks. */
export type BoundObjectLookup = (kind: 'Pod' | 'ServiceAccount' | 'Node', namespace: string | undefined, name: string) => string | undefined;

/** The TokenReview status the API server answers. */
export interface TokenReviewStatus {
  authenticated: boolean;
  user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

/** A string list as Go's %q prints it: ["a" "b"]. */
const goQuoted = (list: string[]): string => `[${list.map((x) => JSON.stringify(x)).join(' ')}]`;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Signs and reviews service-account tokens with one P-256 key. */
export class TokenIssuer {
  private readonly privateKey: KeyObject;
  /** The verification key. */
  readonly publicKey: KeyObject;
  /** SPKI PEM of {@link publicKey}. */
  readonly publicKeyPem: string;
  /** The key ID written in token headers (base64url SHA-256 of the SPKI DER, as Kubernetes does). */
  readonly kid: string;

  /**
   * @param saUid gives the uid of a service account (the stored ServiceAccount's, or a stable one).
   */
  constructor(private readonly saUid: (namespace: string, name: string) => string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.kid = b64url(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  /** Signs a claim set as an ES256 JWS. */
  signClaims(claims: Record<string, unknown>): string {
    const input = `${b64url(JSON.stringify({ alg: 'ES256', kid: this.kid }))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(sig)}`;
  }

  /** A projected (bound) token with the claims the kubelet's token request gets. */
  mintProjected(o: ProjectedTokenOptions): string {
    const iat = o.issuedAtSec ?? Math.floor(Date.now() / 1000);
    const k8s: Record<string, unknown> = {
      namespace: o.namespace,
      pod: { name: o.podName, uid: o.podUid },
      serviceaccount: { name: o.serviceAccount, uid: this.saUid(o.namespace, o.serviceAccount) },
    };
    if (o.nodeName !== undefined || o.nodeUid !== undefined) k8s.node = { name: o.nodeName ?? '', uid: o.nodeUid ?? '' };
    return this.signClaims({
      aud: o.audiences,
      exp: iat + (o.expiresInSec ?? 3600),
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`,
    });
  }

  /** A legacy secret-based token: no expiry, no audience. */
  mintLegacy(o: LegacyTokenOptions): string {
    return this.signClaims({
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': o.namespace,
      'kubernetes.io/serviceaccount/secret.name': o.secretName ?? `${o.serviceAccount}-token`,
      'kubernetes.io/serviceaccount/service-account.name': o.serviceAccount,
      'kubernetes.io/serviceaccount/service-account.uid': this.saUid(o.namespace, o.serviceAccount),
      sub: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`,
    });
  }

  /**
   * Reviews a token as the API server's service-account authenticator: signature, issuer,
   * validity window and audiences (`requested`, or `apiAudiences` when none are named).
   */
  async review(token: string, requested: string[] | undefined, apiAudiences: string[], bound?: BoundObjectLookup): Promise<TokenReviewStatus> {
    const fail = (why: string): TokenReviewStatus => ({ authenticated: false, user: {}, error: `[invalid bearer token, ${why}]` });
    let claims: Record<string, unknown>;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'ES256') return fail(`unexpected signing algorithm ${String(header.alg)}`);
      const { payload } = await compactVerify(token, this.publicKey, { algorithms: ['ES256'] });
      claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail('square/go-jose: error in cryptographic primitive');
    }
    const targets = requested && requested.length > 0 ? requested : apiAudiences;
    if (claims.iss === LEGACY_ISSUER) return this.reviewLegacy(claims, targets, apiAudiences, fail);
    if (claims.iss !== ISSUER) return fail(`token issuer "${String(claims.iss)}" is not trusted`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.nbf === 'number' && now < claims.nbf - LEEWAY_SEC) return fail('service account token is not valid yet');
    if (typeof claims.exp !== 'number' || now > claims.exp + LEEWAY_SEC) return fail('service account token has expired');
    if (typeof claims.iat === 'number' && now < claims.iat - LEEWAY_SEC) return fail('service account token is issued in the future');
    const aud = Array.isArray(claims.aud) ? (claims.aud as string[]) : typeof claims.aud === 'string' ? [claims.aud] : [];
    const audiences = targets.filter((a) => aud.includes(a));
    if (audiences.length === 0) return fail(`token audiences ${goQuoted(aud)} is invalid for the target audiences ${goQuoted(targets)}`);
    const k8s = (claims['kubernetes.io'] ?? {}) as {
      namespace?: string;
      pod?: { name?: string; uid?: string };
      serviceaccount?: { name?: string; uid?: string };
      node?: { name?: string; uid?: string };
    };
    const ns = k8s.namespace ?? '';
    const unbound = bound && boundObjectProblem(bound, ns, k8s);
    if (unbound) return fail(unbound);
    const extra: Record<string, string[]> = {};
    if (k8s.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name ?? ''];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid ?? ''];
    }
    if (k8s.node) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name ?? ''];
      extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid ?? ''];
    }
    return {
      authenticated: true,
      user: {
        username: `system:serviceaccount:${ns}:${k8s.serviceaccount?.name ?? ''}`,
        uid: k8s.serviceaccount?.uid ?? '',
        groups: groupsOf(ns),
        extra,
      },
      audiences,
    };
  }

  private reviewLegacy(
    claims: Record<string, unknown>,
    targets: string[],
    apiAudiences: string[],
    fail: (why: string) => TokenReviewStatus,
  ): TokenReviewStatus {
    const audiences = targets.filter((a) => apiAudiences.includes(a));
    if (audiences.length === 0) return fail(`token audiences ${goQuoted(apiAudiences)} is invalid for the target audiences ${goQuoted(targets)}`);
    const ns = String(claims['kubernetes.io/serviceaccount/namespace'] ?? '');
    return {
      authenticated: true,
      user: {
        username: `system:serviceaccount:${ns}:${String(claims['kubernetes.io/serviceaccount/service-account.name'] ?? '')}`,
        uid: String(claims['kubernetes.io/serviceaccount/service-account.uid'] ?? ''),
        groups: groupsOf(ns),
      },
      audiences,
    };
  }
}

/**
 * What the API server's bound-token validation says when an object the token names is gone or
 * was replaced (another uid); undefined when all of them are there.
 */
function boundObjectProblem(
  lookup: BoundObjectLookup,
  ns: string,
  k8s: { pod?: { name?: string; uid?: string }; serviceaccount?: { name?: string; uid?: string }; node?: { name?: string; uid?: string } },
): string | undefined {
  const checks: ['Pod' | 'ServiceAccount' | 'Node', string | undefined, { name?: string; uid?: string } | undefined, string][] = [
    ['ServiceAccount', ns, k8s.serviceaccount, 'service account'],
    ['Pod', ns, k8s.pod, 'pod'],
    ['Node', undefined, k8s.node, 'node'],
  ];
  for (const [kind, namespace, ref, label] of checks) {
    if (!ref) continue;
    const uid = lookup(kind, namespace, ref.name ?? '');
    if (uid === undefined) return 'service account token has been invalidated';
    if (uid !== ref.uid) return `${label} UID (${uid}) does not match claim (${ref.uid ?? ''})`;
  }
  return undefined;
}

function groupsOf(ns: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
}
