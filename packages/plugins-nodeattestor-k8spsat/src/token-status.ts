import type { TokenReviewStatus } from '@spire-ts/plugin-kube';

const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';

/**
 * Namespace and service account name from a review's `system:serviceaccount:<ns>:<sa>` username.
 * Throws Error with SPIRE's wording when it has another shape.
 */
export function namesFromStatus(s: TokenReviewStatus): { namespace: string; serviceAccount: string } {
  if (s.username === '') throw new Error('empty username');
  const parts = s.username.split(':');
  if (parts.length !== 4) throw new Error(`unexpected username format: ${s.username}`);
  if (parts[2] === '') throw new Error('missing namespace');
  if (parts[3] === '') throw new Error('missing service account name');
  return { namespace: parts[2]!, serviceAccount: parts[3]! };
}

function single(s: TokenReviewStatus, key: string, what: string, plural: string): string {
  const v = s.extra[key];
  if (v === undefined) throw new Error(`missing pod ${what}`);
  if (v.length !== 1) throw new Error(`expected 1 ${plural} but got: ${v.length}`);
  if (v[0] === '') throw new Error(`pod ${what} is empty`);
  return v[0]!;
}

/** The one pod name the review's `extra` binds the token to. Throws Error when not exactly one. */
export const podNameFromStatus = (s: TokenReviewStatus): string => single(s, POD_NAME_KEY, 'name', 'name');

/** The one pod UID the review's `extra` binds the token to. Throws Error when not exactly one. */
export const podUidFromStatus = (s: TokenReviewStatus): string => single(s, POD_UID_KEY, 'UID', 'UID');

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((a) => JSON.stringify(a)).join(' ')}]`;
}

/**
 * SPIRE's checks of the review's own outcome: no status.error and, when audiences were asked for
 * and the token is authenticated, at least one of them granted. Throws Error with SPIRE's wording.
 */
export function checkReview(s: TokenReviewStatus, audiences: readonly string[]): void {
  if (s.error !== '') throw new Error(`token review API response contains an error: ${s.error}`);
  if (s.authenticated && audiences.length > 0 && !audiences.some((a) => s.audiences.includes(a))) {
    throw new Error(`token review API did not validate audience: wanted one of ${goQuoteList(audiences)} but got ${goQuoteList(s.audiences)}`);
  }
}
