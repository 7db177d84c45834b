import { Code, SpireError } from '../../errors.js';
import type { RevokeX509UpstreamAuthorityRequest__Output } from '../../proto/gen/api/spire/api/server/localauthority/v1/RevokeX509UpstreamAuthorityRequest.js';
import type { TaintX509UpstreamAuthorityRequest__Output } from '../../proto/gen/api/spire/api/server/localauthority/v1/TaintX509UpstreamAuthorityRequest.js';
import type { Logger } from '../../log/logger.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import type { AuthorityRotation, AuthorityStateView } from '../ports.js';
import { Services } from '../proto.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

/**
 * A port failure as the caller sees it: the CA's own SpireErrors already carry SPIRE's code and
 * message and pass through (logged); anything else is INTERNAL "<msg>: <cause>".
 */
function portErr(log: Logger, msg: string, err: unknown): SpireError {
  if (err instanceof SpireError) {
    log.error({ error: err.message }, msg.charAt(0).toUpperCase() + msg.slice(1));
    return err;
  }
  return makeErr(log, Code.INTERNAL, msg, err);
}

function toProto(s: AuthorityStateView | undefined) {
  if (!s) return null;
  return { authority_id: s.authorityId, expires_at: s.expiresAt, upstream_authority_subject_key_id: s.upstreamAuthoritySubjectKeyId ?? '' };
}

const WIT = 'WIT-SVID functionality is not yet implemented';

/**
 * spire.api.server.localauthority.v1.LocalAuthority over the CA's authority rotation port. The
 * checks on authority IDs (which slot an ID must be in) are made here, with SPIRE's messages;
 * the port performs the change.
 */
export function localAuthorityService(deps: ApiDeps): ServiceHandlers {
  const ca = deps.ca;

  async function state(ctx: CallContext, rot: AuthorityRotation) {
    let s;
    try {
      s = await rot.getState();
    } catch (err) {
      throw portErr(ctx.log, 'failed to get authority state', err);
    }
    if (!s.active) throw makeErr(ctx.log, Code.UNAVAILABLE, 'server is initializing');
    if (!s.active.authorityId) throw makeErr(ctx.log, Code.INTERNAL, 'current slot does not contain authority ID');
    return s;
  }

  function kinds(kind: 'JWT' | 'X.509', rot: AuthorityRotation) {
    const lower = kind === 'JWT' ? 'JWT' : 'X.509';
    return {
      async get(_req: unknown, ctx: CallContext) {
        const s = await state(ctx, rot);
        return { active: toProto(s.active), prepared: toProto(s.prepared), old: toProto(s.old) };
      },
      async prepare(_req: unknown, ctx: CallContext) {
        await state(ctx, rot);
        try {
          return { prepared_authority: toProto(await rot.prepare()) };
        } catch (err) {
          throw portErr(ctx.log, `failed to prepare ${lower} authority`, err);
        }
      },
      async activate(req: { authority_id: string }, ctx: CallContext) {
        const log = ctx.log.child({ local_authority_id: req.authority_id });
        if (!req.authority_id) throw makeErr(log, Code.INVALID_ARGUMENT, 'no authority ID provided');
        const s = await state({ ...ctx, log }, rot);
        if (!s.prepared || s.prepared.authorityId !== req.authority_id) {
          if (s.old?.authorityId === req.authority_id) throw makeErr(log, Code.INTERNAL, 'only Prepared authorities can be activated', new Error('unsupported local authority status: OLD'));
          throw makeErr(log, Code.INVALID_ARGUMENT, 'unexpected authority ID');
        }
        try {
          return { activated_authority: toProto(await rot.activate(req.authority_id)) };
        } catch (err) {
          throw portErr(log, `failed to activate ${lower} authority`, err);
        }
      },
      async taint(req: { authority_id: string }, ctx: CallContext) {
        const log = ctx.log.child({ local_authority_id: req.authority_id });
        if (kind === 'X.509' && ca.upstreamAuthority) throw makeErr(log, Code.FAILED_PRECONDITION, "local authority can't be tainted if there is an upstream authority");
        if (!req.authority_id) throw makeErr(log, Code.INVALID_ARGUMENT, 'no authority ID provided');
        const s = await state({ ...ctx, log }, rot);
        if (s.active?.authorityId === req.authority_id) throw makeErr(log, Code.INVALID_ARGUMENT, 'unable to taint current local authority');
        if (s.prepared?.authorityId === req.authority_id) {
          throw makeErr(log, Code.INVALID_ARGUMENT, 'only Old local authorities can be tainted', new Error('unsupported local authority status: PREPARED'));
        }
        if (s.old?.authorityId !== req.authority_id) throw makeErr(log, Code.INVALID_ARGUMENT, 'unexpected authority ID');
        try {
          return { tainted_authority: toProto(await rot.taint(req.authority_id)) };
        } catch (err) {
          throw portErr(log, `failed to taint ${lower} authority`, err);
        }
      },
      async revoke(req: { authority_id: string }, ctx: CallContext) {
        const log = ctx.log.child({ local_authority_id: req.authority_id });
        if (kind === 'X.509' && ca.upstreamAuthority) throw makeErr(log, Code.FAILED_PRECONDITION, "local authority can't be revoked if there is an upstream authority");
        const s = await state({ ...ctx, log }, rot);
        let problem: string | undefined;
        if (!req.authority_id) problem = 'no authority ID provided';
        else if (s.active?.authorityId === req.authority_id) problem = 'unable to use current authority';
        else if (s.prepared?.authorityId === req.authority_id) problem = kind === 'JWT' ? 'unable to use a prepared key' : 'only Old local authority can be revoked';
        // SPIRE lets any tainted JWT key of the bundle be revoked; the CA checks the bundle.
        else if (kind === 'X.509' && s.old?.authorityId !== req.authority_id) problem = 'only Old local authority can be revoked';
        if (problem) throw makeErr(log, Code.INVALID_ARGUMENT, 'invalid authority ID', new Error(problem));
        try {
          return { revoked_authority: toProto(await rot.revoke(req.authority_id)) };
        } catch (err) {
          throw portErr(log, `failed to revoke ${lower} authority`, err);
        }
      },
    };
  }

  const jwt = kinds('JWT', ca.jwtAuthority);
  const x509 = kinds('X.509', ca.x509Authority);

  async function upstream(req: { subject_key_id: string }, ctx: CallContext, op: 'taint' | 'revoke') {
    const skid = (req.subject_key_id ?? '').toLowerCase();
    const log = ctx.log.child({ subject_key_id: skid });
    const up = ca.upstreamAuthority;
    if (!up) throw makeErr(log, Code.FAILED_PRECONDITION, 'upstream authority is not configured');
    const s = await state({ ...ctx, log }, ca.x509Authority);
    let problem: string | undefined;
    if (!skid) problem = 'no subject key ID provided';
    else if (s.active?.upstreamAuthoritySubjectKeyId === skid) problem = 'unable to use upstream authority singing current authority';
    else if (s.old?.upstreamAuthoritySubjectKeyId !== skid) problem = 'upstream authority didn\'t sign the old local authority';
    if (problem) throw makeErr(log, Code.INVALID_ARGUMENT, op === 'taint' ? 'provided subject key id is not valid' : 'invalid subject key ID', new Error(problem));
    try {
      return { upstream_authority_subject_key_id: await (op === 'taint' ? up.taint(skid) : up.revoke(skid)) };
    } catch (err) {
      throw portErr(log, op === 'taint' ? 'failed to taint upstream authority' : 'failed to revoke X.509 upstream authority', err);
    }
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
