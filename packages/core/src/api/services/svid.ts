import type { BatchNewX509SVIDRequest__Output } from '../../proto/gen/api/spire/api/server/svid/v1/BatchNewX509SVIDRequest.js';
import type { MintJWTSVIDRequest__Output } from '../../proto/gen/api/spire/api/server/svid/v1/MintJWTSVIDRequest.js';
import type { MintX509SVIDRequest__Output } from '../../proto/gen/api/spire/api/server/svid/v1/MintX509SVIDRequest.js';
import type { NewDownstreamX509CARequest__Output } from '../../proto/gen/api/spire/api/server/svid/v1/NewDownstreamX509CARequest.js';
import type { NewJWTSVIDRequest__Output } from '../../proto/gen/api/spire/api/server/svid/v1/NewJWTSVIDRequest.js';
import { BadCsrError } from '../../ca/errors.js';
import { Code, type SpireError } from '../../errors.js';
import type { RegistrationEntry } from '../../plugins/datastore/contract.js';
import { SpiffeId } from '../../spiffeid/index.js';
import { jwtTimes, parseCsr, verifyCsr } from '../convert/csr.js';
import { validateDnsName } from '../convert/dns.js';
import { protoFromId, workloadIdFromProto, type ProtoSpiffeId } from '../convert/ids.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { Services } from '../proto.js';
import { isOverload, makeErr, makeStatus, okStatus, type ApiStatus } from '../status.js';
import type { ApiDeps } from './deps.js';
import { checkBatch } from './entry.js';

/** An SVID's expires_at (unix seconds) from the notAfter the CA reports (unix milliseconds). */
function expiresAt(notAfterMs: number): number {
  return Math.floor(notAfterMs / 1000);
}

/** A Buffer over the same bytes, not a copy (the CA's certificates are views of one worker result). */
function bufferView(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The status of an X509-SVID the CA did not sign: a CSR whose signature failed the worker's check
 * is the caller's fault (INVALID_ARGUMENT, as SPIRE's "invalid CSR signature"); anything else is
 * INTERNAL.
 */
function signFailure(log: CallContext['log'], err: unknown): ApiStatus {
  if (err instanceof BadCsrError) return makeStatus(log, Code.INVALID_ARGUMENT, 'invalid CSR signature', new Error(err.detail));
  return makeStatus(log, Code.INTERNAL, 'failed to sign X509-SVID', err);
}

function checkTtl(ctx: CallContext, ttl: number, field: string): void {
  if (ttl < 0) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, `invalid ${field}: must not be negative`);
}

/** spire.api.server.svid.v1.SVID over the ServerCAPort. */
export function svidService(deps: ApiDeps): ServiceHandlers {
  const { ca, trustDomain: td } = deps;

  async function authorizedEntries(ctx: CallContext): Promise<Map<string, RegistrationEntry>> {
    const callerId = ctx.caller.svid?.id.toString();
    if (!callerId) throw makeErr(ctx.log, Code.INTERNAL, 'caller ID missing from request context');
    if (!deps.authorizedEntries) throw makeErr(ctx.log, Code.UNIMPLEMENTED, 'authorized entries are not available in this server');
    try {
      return new Map((await deps.authorizedEntries.fetchAuthorizedEntries(callerId)).map((e) => [e.entryId, e]));
    } catch (err) {
      throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch registration entries', err);
    }
  }

  async function mintJwt(ctx: CallContext, id: ProtoSpiffeId | null, audience: string[], ttl: number, includeJti: boolean, hint = '') {
    let sid: SpiffeId;
    try {
      sid = workloadIdFromProto(td, id);
    } catch (err) {
      throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid SPIFFE ID', err);
    }
    const log = ctx.log.child({ spiffe_id: sid.toString() });
    if (audience.length === 0) throw makeErr(log, Code.INVALID_ARGUMENT, 'at least one audience is required');
    let token: string;
    try {
      token = await ca.signJwtSvid({ spiffeId: sid.toString(), audience, ttlMs: ttl * 1000, includeJti });
    } catch (err) {
      if (isOverload(err)) throw err;
      throw makeErr(log, Code.INTERNAL, 'failed to sign JWT-SVID', err);
    }
    let times;
    try {
      times = jwtTimes(token);
    } catch (err) {
      throw makeErr(log, Code.INTERNAL, 'failed to get JWT-SVID expiry', err);
    }
    return { token, id: protoFromId(sid), expires_at: times.expiresAt, issued_at: times.issuedAt, hint };
  }

  return {
    service: Services.svid,
    unimplemented: {
      MintWITSVID: 'WIT-SVID functionality is not yet implemented',
      BatchNewWITSVID: 'WIT-SVID functionality is not yet implemented',
    },
    unary: {
      async MintX509SVID(req: MintX509SVIDRequest__Output, ctx) {
        if (!req.csr || req.csr.length === 0) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'missing CSR');
        checkTtl(ctx, req.ttl, 'ttl');
        let parsed;
        try {
          parsed = parseCsr(req.csr);
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'malformed CSR', err);
        }
        // SPIRE checks the signature before the SANs. The signing worker checks it anyway, so it is
        // checked here only before refusing a SAN, which keeps SPIRE's order of errors.
        const badSignature = (detail: unknown) => makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to verify CSR signature', detail);
        const refuse = (msg: string, cause?: unknown): SpireError => {
          try {
            verifyCsr(parsed.csr);
          } catch (err) {
            return badSignature(err);
          }
          return makeErr(ctx.log, Code.INVALID_ARGUMENT, msg, cause);
        };
        const { uris, dnsNames } = parsed.info;
        if (uris.length === 0) throw refuse('CSR URI SAN is required');
        if (uris.length > 1) throw refuse('only one URI SAN is expected');
        let id: SpiffeId;
        try {
          id = SpiffeId.parse(uris[0]!);
          workloadIdFromProto(td, protoFromId(id));
        } catch (err) {
          throw refuse('CSR URI SAN is invalid', err);
        }
        for (const d of dnsNames) {
          try {
            validateDnsName(d);
          } catch (err) {
            throw refuse('CSR DNS name is invalid', err);
          }
        }
        const [r] = await ca.signX509Svids([{ spiffeId: id.toString(), csr: req.csr, dnsNames, ttlMs: req.ttl * 1000 }]);
        if (r && 'error' in r && r.error instanceof BadCsrError) throw badSignature(new Error(r.error.detail));
        if (!r || 'error' in r) throw makeErr(ctx.log, Code.INTERNAL, 'failed to sign X509-SVID', r?.error);
        return {
          svid: { cert_chain: r.certChain.map(bufferView), id: protoFromId(id), expires_at: expiresAt(r.notAfter), hint: '' },
        };
      },
      async MintJWTSVID(req: MintJWTSVIDRequest__Output, ctx) {
        checkTtl(ctx, req.ttl, 'ttl');
        return { svid: await mintJwt(ctx, req.id, req.audience, req.ttl, false) };
      },
      async BatchNewX509SVID(req: BatchNewX509SVIDRequest__Output, ctx) {
        if (req.params.length === 0) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'missing parameters');
        checkBatch(req.params.length, 'params');
        const entries = await authorizedEntries(ctx);
        const results: { status: ApiStatus; svid: unknown }[] = new Array(req.params.length);
        const toSign: { i: number; entry: RegistrationEntry; csr: Buffer }[] = [];
        for (const [i, p] of req.params.entries()) {
          // The item's logger is made only to log its failure.
          const fail = (code: Code, msg: string, cause?: unknown) =>
            (results[i] = { status: makeStatus(ctx.log.child({ registration_id: p.entry_id }), code, msg, cause), svid: null });
          if (!p.entry_id) fail(Code.INVALID_ARGUMENT, 'missing entry ID');
          else if (!p.csr || p.csr.length === 0) fail(Code.INVALID_ARGUMENT, 'missing CSR');
          else {
            const entry = entries.get(p.entry_id);
            if (!entry) fail(Code.NOT_FOUND, 'entry not found or not authorized');
            else {
              try {
                parseCsr(p.csr);
              } catch (err) {
                fail(Code.INVALID_ARGUMENT, 'malformed CSR', err);
                continue;
              }
              // The signature is checked once, by the signing worker (see below).
              toSign.push({ i, entry, csr: p.csr });
            }
          }
        }
        const signed = await ca.signX509Svids(
          toSign.map((t) => ({ spiffeId: t.entry.spiffeId, csr: t.csr, dnsNames: t.entry.dnsNames, ttlMs: t.entry.x509SvidTtl * 1000 })),
        );
        for (const [k, t] of toSign.entries()) {
          const r = signed[k];
          if (!r || 'error' in r) {
            const log = ctx.log.child({ registration_id: t.entry.entryId, spiffe_id: t.entry.spiffeId });
            results[t.i] = { status: signFailure(log, r?.error), svid: null };
          } else
            results[t.i] = {
              status: okStatus(),
              svid: {
                cert_chain: r.certChain.map(bufferView),
                id: protoFromId(t.entry.spiffeId),
                expires_at: expiresAt(r.notAfter),
                hint: t.entry.hint,
              },
            };
        }
        for (const [i, p] of req.params.entries()) ctx.audit.item(results[i]!.status, { registration_id: p.entry_id });
        return { results };
      },
      async NewJWTSVID(req: NewJWTSVIDRequest__Output, ctx) {
        const entries = await authorizedEntries(ctx);
        const entry = entries.get(req.entry_id);
        if (!entry) throw makeErr(ctx.log.child({ registration_id: req.entry_id }), Code.NOT_FOUND, 'entry not found or not authorized');
        return {
          svid: await mintJwt(ctx, protoFromId(entry.spiffeId), req.audience, entry.jwtSvidTtl, !!entry.additionalAttributes?.jwtSvidIncludeJti, entry.hint),
        };
      },
      async NewDownstreamX509CA(req: NewDownstreamX509CARequest__Output, ctx) {
        if (!ctx.authorized.downstreamEntries?.length) throw makeErr(ctx.log, Code.INTERNAL, 'caller is not a downstream workload');
        checkTtl(ctx, req.preferred_ttl, 'preferred_ttl');
        let parsed;
        try {
          parsed = parseCsr(req.csr ?? Buffer.alloc(0));
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'malformed CSR', err);
        }
        try {
          verifyCsr(parsed.csr);
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid CSR signature', err);
        }
        let chain: Uint8Array[];
        try {
          chain = await ca.signDownstreamX509CA({ csr: req.csr, ttlMs: req.preferred_ttl * 1000 });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to sign downstream X.509 CA', err);
        }
        let bundle;
        try {
          bundle = await deps.dataStore.fetchBundle(td.idString());
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch bundle', err);
        }
        if (!bundle) throw makeErr(ctx.log, Code.NOT_FOUND, 'bundle not found');
        return { ca_cert_chain: chain.map((c) => Buffer.from(c)), x509_authorities: bundle.rootCas.map((c) => Buffer.from(c.derBytes)) };
      },
    },
  };
}
