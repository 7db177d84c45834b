import { createPublicKey } from 'node:crypto';
import type { AppendBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/AppendBundleRequest.js';
import type { BatchCreateFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/BatchCreateFederatedBundleRequest.js';
import type { BatchDeleteFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/BatchDeleteFederatedBundleRequest.js';
import type { BatchSetFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/BatchSetFederatedBundleRequest.js';
import type { BatchUpdateFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/BatchUpdateFederatedBundleRequest.js';
import type { GetBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/GetBundleRequest.js';
import type { GetFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/GetFederatedBundleRequest.js';
import type { ListFederatedBundlesRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/ListFederatedBundlesRequest.js';
import type { PublishJWTAuthorityRequest__Output } from '../../proto/gen/api/spire/api/server/bundle/v1/PublishJWTAuthorityRequest.js';
import { Code } from '../../errors.js';
import type { Bundle, DeleteMode } from '../../plugins/datastore/contract.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { applyBundleMask, bundleFromProto, bundleToProto, parseDerCertificates, storeBundleMask, type ProtoBundle, type ProtoBundleMask } from '../convert/bundle.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { pageFromRequest } from '../pagination.js';
import { Services } from '../proto.js';
import { makeErr, makeStatus, okStatus, storeCode, type ApiStatus } from '../status.js';
import type { ApiDeps } from './deps.js';
import { checkBatch } from './entry.js';

/** spire.api.server.bundle.v1.Bundle: the local bundle and federated bundles. */
export function bundleService(deps: ApiDeps): ServiceHandlers {
  const { dataStore: ds, trustDomain: td } = deps;

  function toProto(ctx: CallContext, b: Bundle, mask: ProtoBundleMask | null): ProtoBundle {
    try {
      return applyBundleMask(bundleToProto(b), mask);
    } catch (err) {
      throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert bundle', err);
    }
  }

  /** Parses a federated trust domain; returns a status on failure. */
  function federatedTd(ctx: CallContext, name: string, verb: string): TrustDomain | ApiStatus {
    let t: TrustDomain;
    try {
      t = TrustDomain.parse(name);
    } catch (err) {
      return makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'trust domain argument is not valid', err);
    }
    if (t.equals(td)) return makeStatus(ctx.log, Code.INVALID_ARGUMENT, `${verb} a federated bundle for the server's own trust domain is not allowed`);
    return t;
  }

  function convert(ctx: CallContext, b: ProtoBundle): Bundle | ApiStatus {
    try {
      return bundleFromProto(b);
    } catch (err) {
      return makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert bundle', err);
    }
  }

  const isStatus = (x: unknown): x is ApiStatus => typeof x === 'object' && x !== null && 'code' in x && 'message' in x;

  async function batch(
    ctx: CallContext,
    bundles: ProtoBundle[],
    verb: string,
    write: (b: Bundle) => Promise<Bundle>,
    failMsg: string,
    mask: ProtoBundleMask | null,
  ) {
    checkBatch(bundles.length, 'bundles');
    const results: { status: ApiStatus; bundle: ProtoBundle | null }[] = [];
    for (const pb of bundles) {
      let r: { status: ApiStatus; bundle: ProtoBundle | null };
      const t = federatedTd(ctx, pb?.trust_domain ?? '', verb);
      const conv = isStatus(t) ? t : convert(ctx, pb);
      if (isStatus(conv)) r = { status: conv, bundle: null };
      else {
        try {
          r = { status: okStatus(), bundle: toProto(ctx, await write(conv), mask) };
        } catch (err) {
          const code = storeCode(err);
          if (code === Code.ALREADY_EXISTS) r = { status: makeStatus(ctx.log, code, 'bundle already exists'), bundle: null };
          else if (code === Code.NOT_FOUND) r = { status: makeStatus(ctx.log, code, 'bundle not found'), bundle: null };
          else r = { status: makeStatus(ctx.log, Code.INTERNAL, failMsg, err), bundle: null };
        }
      }
      ctx.audit.item(r.status, { trust_domain_id: pb?.trust_domain ?? '' });
      results.push(r);
    }
    return { results };
  }

  return {
    service: Services.bundle,
    unimplemented: { PublishWITAuthority: 'WIT-SVID functionality is not yet implemented' },
    unary: {
      async CountBundles(_req: unknown, ctx) {
        try {
          return { count: await ds.countBundles() };
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count bundles', err);
        }
      },
      async GetBundle(req: GetBundleRequest__Output, ctx) {
        let b;
        try {
          b = await ds.fetchBundle(td.idString());
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch bundle', err);
        }
        if (!b) throw makeErr(ctx.log, Code.NOT_FOUND, 'bundle not found');
        return toProto(ctx, b, req.output_mask);
      },
      async AppendBundle(req: AppendBundleRequest__Output, ctx) {
        if (req.x509_authorities.length === 0 && req.jwt_authorities.length === 0) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'no authorities to append');
        }
        const jwtSigningKeys = req.jwt_authorities.map((k) => {
          try {
            createPublicKey({ key: k.public_key, format: 'der', type: 'spki' });
            if (!k.key_id) throw new Error('missing key ID');
          } catch (err) {
            throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert JWT authority', err);
          }
          return { pkixBytes: new Uint8Array(k.public_key), kid: k.key_id, notAfter: k.expires_at, taintedKey: false };
        });
        const rootCas = req.x509_authorities.map((a) => {
          try {
            parseDerCertificates(a.asn1);
          } catch (err) {
            throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to convert X.509 authority', err);
          }
          return { derBytes: new Uint8Array(a.asn1), taintedKey: false };
        });
        let b;
        try {
          b = await ds.appendBundle({ trustDomainId: td.idString(), rootCas, jwtSigningKeys, refreshHint: 0, sequenceNumber: 0 });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to append bundle', err);
        }
        return toProto(ctx, b, req.output_mask);
      },
      async PublishJWTAuthority(req: PublishJWTAuthorityRequest__Output, ctx) {
        const k = req.jwt_authority;
        if (!k) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'missing JWT authority');
        try {
          createPublicKey({ key: k.public_key, format: 'der', type: 'spki' });
          if (!k.key_id) throw new Error('missing key ID');
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid JWT authority', err);
        }
        let keys;
        try {
          keys = await deps.ca.publishJwtAuthority({ publicKey: k.public_key, keyId: k.key_id, expiresAt: k.expires_at });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to publish JWT key', err);
        }
        return {
          jwt_authorities: keys.map((x) => ({ public_key: Buffer.from(x.publicKey), key_id: x.keyId, expires_at: x.expiresAt, tainted: x.tainted })),
        };
      },
      async ListFederatedBundles(req: ListFederatedBundlesRequest__Output, ctx) {
        const pagination = pageFromRequest(req.page_size, req.page_token);
        let res;
        try {
          res = await ds.listBundles({ pagination });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to list bundles', err);
        }
        return {
          bundles: res.bundles.filter((b) => b.trustDomainId !== td.idString()).map((b) => toProto(ctx, b, req.output_mask)),
          next_page_token: res.pagination?.token ?? '',
        };
      },
      async GetFederatedBundle(req: GetFederatedBundleRequest__Output, ctx) {
        let t: TrustDomain;
        try {
          t = TrustDomain.parse(req.trust_domain);
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'trust domain argument is not valid', err);
        }
        if (t.equals(td)) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, "getting a federated bundle for the server's own trust domain is not allowed");
        let b;
        try {
          b = await ds.fetchBundle(t.idString());
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch bundle', err);
        }
        if (!b) throw makeErr(ctx.log, Code.NOT_FOUND, 'bundle not found');
        return toProto(ctx, b, req.output_mask);
      },
      async BatchCreateFederatedBundle(req: BatchCreateFederatedBundleRequest__Output, ctx) {
        return batch(ctx, req.bundle, 'creating', (b) => ds.createBundle(b), 'unable to create bundle', req.output_mask);
      },
      async BatchUpdateFederatedBundle(req: BatchUpdateFederatedBundleRequest__Output, ctx) {
        return batch(ctx, req.bundle, 'updating', (b) => ds.updateBundle(b, storeBundleMask(req.input_mask)), 'failed to update bundle', req.output_mask);
      },
      async BatchSetFederatedBundle(req: BatchSetFederatedBundleRequest__Output, ctx) {
        return batch(ctx, req.bundle, 'setting', (b) => ds.setBundle(b), 'failed to set bundle', req.output_mask);
      },
      async BatchDeleteFederatedBundle(req: BatchDeleteFederatedBundleRequest__Output, ctx) {
        const modes: Record<string, DeleteMode> = { RESTRICT: 'RESTRICT', DELETE: 'DELETE', DISSOCIATE: 'DISSOCIATE' };
        const mode = modes[String(req.mode)];
        if (!mode) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse deletion mode', new Error(`unknown deletion mode ${String(req.mode)}`));
        checkBatch(req.trust_domains.length, 'trust domains');
        const results = [];
        for (const name of req.trust_domains) {
          let status: ApiStatus;
          let t: TrustDomain | undefined;
          try {
            t = TrustDomain.parse(name);
          } catch (err) {
            status = makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'trust domain argument is not valid', err);
          }
          if (t && t.equals(td)) status = makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'removing the bundle for the server trust domain is not allowed');
          else if (t) {
            try {
              await ds.deleteBundle(t.idString(), mode);
              status = okStatus();
            } catch (err) {
              const code = storeCode(err);
              status = code === Code.NOT_FOUND ? makeStatus(ctx.log, code, 'bundle not found') : makeStatus(ctx.log, code, 'failed to delete federated bundle', err);
            }
          }
          ctx.audit.item(status!, { trust_domain_id: name, mode });
          results.push({ status: status!, trust_domain: t ? t.name : name });
        }
        return { results };
      },
    },
  };
}

