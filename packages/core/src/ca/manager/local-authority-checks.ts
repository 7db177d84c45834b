import { Code, errorMessage, SpireError } from '../../errors.js';
import type { AuthorityStatus } from './journal-codec.js';

/**
 * The LocalAuthority API's rules on slots, made once, here: which slot an authority ID must be
 * in for each operation, in SPIRE's order of checks and with SPIRE's codes and messages. The CA
 * manager applies them to its slots; the API only turns a {@link LocalAuthorityError} into a
 * status. The checks are pure functions of a {@link SlotPairView}.
 */

/** The state of one local authority (LocalAuthority API). */
export interface AuthorityState {
  authorityId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** X.509 only: the subject key ID of the upstream authority that signed it. */
  upstreamAuthoritySubjectKeyId?: string;
}

/** Active, prepared and old authorities of one kind. */
export interface AuthoritiesState {
  active?: AuthorityState;
  prepared?: AuthorityState;
  old?: AuthorityState;
}

/** One slot as the checks see it: its authority and its journal status. */
export interface SlotView extends AuthorityState {
  status: AuthorityStatus;
}

/** The current and the next slot of one kind of authority. */
export interface SlotPairView {
  current: SlotView;
  next: SlotView;
}

/** The two kinds of local authority, as the API's messages name them. */
export type AuthorityLabel = 'X.509' | 'JWT';

/**
 * A refused or failed LocalAuthority operation. `reason` is SPIRE's message and `cause` (when
 * there is one) its detail; `message` is `reason` or `reason: detail`, as SPIRE's API answers.
 */
export class LocalAuthorityError extends SpireError {
  constructor(
    code: Code,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(code, cause === undefined ? reason : `${reason}: ${errorMessage(cause)}`, cause === undefined ? undefined : { cause });
  }
}

const invalid = (reason: string, detail?: string) => new LocalAuthorityError(Code.INVALID_ARGUMENT, reason, detail === undefined ? undefined : new Error(detail));
const NO_ID = 'no authority ID provided';
const unsupportedStatus = (s: AuthorityStatus) => `unsupported local authority status: ${s}`;

/** The coded errors of the LocalAuthority operations that are not slot checks. */
export const LocalAuthorityErrors = {
  jwtDisabled: () => new LocalAuthorityError(Code.UNIMPLEMENTED, 'JWT functionality is disabled'),
  initializing: () => new LocalAuthorityError(Code.UNAVAILABLE, 'server is initializing'),
  noCurrentAuthorityId: () => new LocalAuthorityError(Code.INTERNAL, 'current slot does not contain authority ID'),
  /** Tainting or revoking a local X.509 authority while an UpstreamAuthority signs the CA. */
  upstreamConfigured: (done: 'tainted' | 'revoked') => new LocalAuthorityError(Code.FAILED_PRECONDITION, `local authority can't be ${done} if there is an upstream authority`),
  upstreamNotConfigured: () => new LocalAuthorityError(Code.FAILED_PRECONDITION, 'upstream authority is not configured'),
  /** INTERNAL `failed to <op> <what>: <cause>`, e.g. "failed to revoke X.509 authority: ...". */
  failed: (op: string, what: string, cause: unknown) => new LocalAuthorityError(Code.INTERNAL, `failed to ${op} ${what}`, cause),
} as const;

/** UNAVAILABLE until the current slot holds the active authority. */
export function checkInitialized(v: SlotPairView): LocalAuthorityError | undefined {
  return v.current.status === 'ACTIVE' ? undefined : LocalAuthorityErrors.initializing();
}

/** The slot's authority without its status. */
export function authorityState(v: SlotView): AuthorityState {
  const { status: _status, ...s } = v;
  return s;
}

/** The active authority and the prepared or old one; throws while the server is initializing. */
export function authoritiesState(v: SlotPairView): AuthoritiesState {
  const refused = checkInitialized(v);
  if (refused) throw refused;
  if (!v.current.authorityId) throw LocalAuthorityErrors.noCurrentAuthorityId();
  const state: AuthoritiesState = { active: authorityState(v.current) };
  if (v.next.authorityId) {
    if (v.next.status === 'PREPARED') state.prepared = authorityState(v.next);
    else if (v.next.status === 'OLD') state.old = authorityState(v.next);
  }
  return state;
}

/** Activate: the ID must name the next slot, and that slot must be prepared. */
export function checkActivate(v: SlotPairView, authorityId: string): LocalAuthorityError | undefined {
  if (!authorityId) return invalid(NO_ID);
  if (authorityId !== v.next.authorityId) return invalid('unexpected authority ID');
  if (v.next.status !== 'PREPARED') return new LocalAuthorityError(Code.INTERNAL, 'only Prepared authorities can be activated', new Error(unsupportedStatus(v.next.status)));
  return undefined;
}

/** Taint: the ID must name the next slot, and that slot must hold the old authority. */
export function checkTaint(v: SlotPairView, authorityId: string): LocalAuthorityError | undefined {
  if (!authorityId) return invalid(NO_ID);
  if (authorityId === v.current.authorityId) return invalid('unable to taint current local authority');
  if (authorityId !== v.next.authorityId) return invalid('unexpected authority ID');
  if (v.next.status !== 'OLD') return invalid('only Old local authorities can be tainted', unsupportedStatus(v.next.status));
  return undefined;
}

/** Revoke an X.509 authority: only the old one in the next slot. */
export function checkRevokeX509(v: SlotPairView, authorityId: string): LocalAuthorityError | undefined {
  let problem: string | undefined;
  if (!authorityId) problem = NO_ID;
  else if (authorityId === v.current.authorityId) problem = 'unable to use current authority';
  else if (authorityId !== v.next.authorityId || v.next.status !== 'OLD') problem = 'only Old local authority can be revoked';
  return problem === undefined ? undefined : invalid('invalid authority ID', problem);
}

/**
 * Revoke a JWT authority: the old key in the next slot, or (as SPIRE) any other key of the
 * bundle that is in neither slot; `inBundle` is asked only in that last case.
 */
export async function checkRevokeJWT(v: SlotPairView, authorityId: string, inBundle: (authorityId: string) => Promise<boolean>): Promise<LocalAuthorityError | undefined> {
  let problem: string | undefined;
  if (!authorityId) problem = NO_ID;
  else if (authorityId === v.next.authorityId) {
    if (v.next.status === 'PREPARED') problem = 'unable to use a prepared key';
  } else if (authorityId === v.current.authorityId) problem = 'unable to use current authority';
  else if (!(await inBundle(authorityId))) problem = 'no JWT authority found with provided authority ID';
  return problem === undefined ? undefined : invalid('invalid authority ID', problem);
}

/** Taint or revoke an upstream authority: only the one that signed the old X.509 authority. */
export function checkUpstreamSubjectKey(v: SlotPairView, subjectKeyId: string, op: 'taint' | 'revoke'): LocalAuthorityError | undefined {
  let problem: string | undefined;
  if (!subjectKeyId) problem = 'no subject key ID provided';
  else if (subjectKeyId === v.current.upstreamAuthoritySubjectKeyId) problem = 'unable to use upstream authority singing current authority';
  else if (subjectKeyId !== v.next.upstreamAuthoritySubjectKeyId) problem = "upstream authority didn't sign the old local authority";
  else if (v.next.status === 'PREPARED') problem = 'only upstream authorities signing an old authority can be used';
  return problem === undefined ? undefined : invalid(op === 'taint' ? 'provided subject key id is not valid' : 'invalid subject key ID', problem);
}
