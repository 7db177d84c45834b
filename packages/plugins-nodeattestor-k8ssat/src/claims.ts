import { goField } from '@spire-ts/core/plugin';
import { jsonKind } from '@spire-ts/plugin-kube';

/** What k8s_sat reads from a verified token's claims (SPIRE's k8s.SATClaims). */
export interface SatClaims {
  /** exp, nbf, iat in seconds; undefined when absent or null. */
  exp?: number;
  nbf?: number;
  iat?: number;
  /** `kubernetes.io/serviceaccount/namespace` and `…/service-account.name` (legacy tokens). */
  legacyNamespace: string;
  legacyServiceAccount: string;
  /** `kubernetes.io.namespace` and `kubernetes.io.serviceaccount.name` (a projected token read as a legacy one). */
  namespace: string;
  serviceAccount: string;
}

function str(obj: unknown, name: string, path: string): string {
  const v = goField(obj, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type string`);
  return v;
}

function date(obj: unknown, name: string): number | undefined {
  const v = goField(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go struct field SATClaims.${name} of type float64`);
  return Math.trunc(v);
}

/** Decodes the claims as Go's encoding/json fills SATClaims. Throws Error with Go's wording. */
export function decodeClaims(payload: Buffer): SatClaims {
  const doc = JSON.parse(payload.toString('utf8')) as unknown;
  if (jsonKind(doc) !== 'object') throw new Error(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type k8s.SATClaims`);
  const k8s = goField(doc, 'kubernetes.io') ?? null;
  if (k8s !== null && jsonKind(k8s) !== 'object') throw new Error(`json: cannot unmarshal ${jsonKind(k8s)} into Go struct field SATClaims.kubernetes.io of type struct`);
  const sa = k8s === null ? null : (goField(k8s, 'serviceaccount') ?? null);
  if (sa !== null && jsonKind(sa) !== 'object') throw new Error(`json: cannot unmarshal ${jsonKind(sa)} into Go struct field SATClaims.kubernetes.io.serviceaccount of type struct`);
  return {
    exp: date(doc, 'exp'),
    nbf: date(doc, 'nbf'),
    iat: date(doc, 'iat'),
    legacyNamespace: str(doc, 'kubernetes.io/serviceaccount/namespace', 'SATClaims.kubernetes.io/serviceaccount/namespace'),
    legacyServiceAccount: str(doc, 'kubernetes.io/serviceaccount/service-account.name', 'SATClaims.kubernetes.io/serviceaccount/service-account.name'),
    namespace: k8s === null ? '' : str(k8s, 'namespace', 'SATClaims.kubernetes.io.namespace'),
    serviceAccount: sa === null ? '' : str(sa, 'name', 'SATClaims.kubernetes.io.serviceaccount.name'),
  };
}

/** Exactly one of the two claim forms names the namespace and the service account. Throws Error. */
export function namesFromClaims(c: SatClaims): { namespace: string; serviceAccount: string } {
  let namespace: string;
  if (c.legacyNamespace === '') {
    if (c.namespace === '') throw new Error('token missing namespace claim');
    namespace = c.namespace;
  } else {
    if (c.namespace !== '') throw new Error('malformed token: namespace found in two claims');
    namespace = c.legacyNamespace;
  }
  let serviceAccount: string;
  if (c.legacyServiceAccount === '') {
    if (c.serviceAccount === '') throw new Error('token missing service account name claim');
    serviceAccount = c.serviceAccount;
  } else {
    if (c.serviceAccount !== '') throw new Error('malformed token: service account name found in two claims');
    serviceAccount = c.legacyServiceAccount;
  }
  return { namespace, serviceAccount };
}

/** SPIRE's clock leeway for exp, nbf and iat, in seconds. */
export const TOKEN_LEEWAY_SEC = 5 * 60;

/**
 * go-jose's time checks with leeway (nbf, then exp, then iat). Returns go-jose's message for the
 * first failure, or undefined when the times are fine.
 */
export function timeProblem(c: SatClaims, nowSec: number): string | undefined {
  if (c.nbf !== undefined && nowSec + TOKEN_LEEWAY_SEC < c.nbf) return 'go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)';
  if (c.exp !== undefined && nowSec - TOKEN_LEEWAY_SEC > c.exp) return 'go-jose/go-jose/jwt: validation failed, token is expired (exp)';
  if (c.iat !== undefined && nowSec + TOKEN_LEEWAY_SEC < c.iat) return 'go-jose/go-jose/jwt: validation field, token issued in the future (iat)';
  return undefined;
}
