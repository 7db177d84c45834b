import { LocalAuthorityError, LocalAuthorityErrors } from '../../ca/manager/local-authority-checks.js';
import type { RevokeX509UpstreamAuthorityRequest__Output } from '../../proto/gen/api/spire/api/server/localauthority/v1/RevokeX509UpstreamAuthorityRequest.js';
import type { TaintX509UpstreamAuthorityRequest__Output } from '../../proto/gen/api/spire/api/server/localauthority/v1/TaintX509UpstreamAuthorityRequest.js';
import type { Logger } from '../../log/logger.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import type { AuthorityRotation, AuthorityStateView } from '../ports.js';
import { Services } from '../proto.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

/**
 * Runs a port call and maps its outcome: a {@link LocalAuthorityError} (the CA's refusal or
 * failure, with SPIRE's code and message) becomes the status SPIRE answers, logged once as
 * SPIRE's MakeErr; anything else is left to the handler (INTERNAL, logged as unexpected).
 */
async function answer<T>(log: Logger, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof LocalAuthorityError ? makeErr(log, err.code, err.reason, err.cause) : err;
  }
}

function toProto(s: AuthorityStateView | undefined) {
  if (!s) return null;
  return { authority_id: s.authorityId, expires_at: s.expiresAt, upstream_authority_subject_key_id: s.upstreamAuthoritySubjectKeyId ?? '' };
}

const WIT = 'WIT-SVID functionality is not yet implemented';

type IdRequest = { authority_id: string };

/**
 * spire.api.server.localauthority.v1.LocalAuthority over the CA's authority rotation port. The
 * CA makes every check on authority IDs and slots (ca/manager/local-authority-checks.ts); this
 * service only maps requests to the port and its outcome to a response or a status.
 */
export function localAuthorityService(deps: ApiDeps): ServiceHandlers {
  const ca = deps.ca;
  const withId = (ctx: CallContext, req: IdRequest) => ctx.log.child({ local_authority_id: req.authority_id });

  function kind(rot: AuthorityRotation) {
    return {
      get: (_req: unknown, ctx: CallContext) =>
        answer(ctx.log, async () => {
          const s = await rot.getState();
          return { active: toProto(s.active), prepared: toProto(s.prepared), old: toProto(s.old) };
        }),
      prepare: (_req: unknown, ctx: CallContext) => answer(ctx.log, async () => ({ prepared_authority: toProto(await rot.prepare()) })),
      activate: (req: IdRequest, ctx: CallContext) => answer(withId(ctx, req), async () => ({ activated_authority: toProto(await rot.activate(req.authority_id)) })),
      taint: (req: IdRequest, ctx: CallContext) => answer(withId(ctx, req), async () => ({ tainted_authority: toProto(await rot.taint(req.authority_id)) })),
      revoke: (req: IdRequest, ctx: CallContext) => answer(withId(ctx, req), async () => ({ revoked_authority: toProto(await rot.revoke(req.authority_id)) })),
    };
  }

  const jwt = kind(ca.jwtAuthority);
  const x509 = kind(ca.x509Authority);

  function upstream(req: { subject_key_id: string }, ctx: CallContext, op: 'taint' | 'revoke') {
    // SPIRE compares subject key IDs in lower case.
    const skid = (req.subject_key_id ?? '').toLowerCase();
    return answer(ctx.log.child({ subject_key_id: skid }), async () => {
      const up = ca.upstreamAuthority;
      if (!up) throw LocalAuthorityErrors.upstreamNotConfigured();
      return { upstream_authority_subject_key_id: await (op === 'taint' ? up.taint(skid) : up.revoke(skid)) };
    });
  }

  return {
    service: Services.localAuthority,
    unimplemented: {
      GetWITAuthorityState: WIT,
      PrepareWITAuthority: WIT,
      ActivateWITAuthority: WIT,
      TaintWITAuthority: WIT,
      RevokeWITAuthority: WIT,
    },
    unary: {
      GetJWTAuthorityState: jwt.get,
      PrepareJWTAuthority: jwt.prepare,
      ActivateJWTAuthority: jwt.activate,
      TaintJWTAuthority: jwt.taint,
      RevokeJWTAuthority: jwt.revoke,
      GetX509AuthorityState: x509.get,
      PrepareX509Authority: x509.prepare,
      ActivateX509Authority: x509.activate,
      TaintX509Authority: x509.taint,
      RevokeX509Authority: x509.revoke,
      TaintX509UpstreamAuthority: (req: TaintX509UpstreamAuthorityRequest__Output, ctx) => upstream(req, ctx, 'taint'),
      RevokeX509UpstreamAuthority: (req: RevokeX509UpstreamAuthorityRequest__Output, ctx) => upstream(req, ctx, 'revoke'),
    },
  };
}
