import { Code } from '../../errors.js';
import type { BatchCreateFederationRelationshipRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/BatchCreateFederationRelationshipRequest.js';
import type { BatchDeleteFederationRelationshipRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/BatchDeleteFederationRelationshipRequest.js';
import type { BatchUpdateFederationRelationshipRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/BatchUpdateFederationRelationshipRequest.js';
import type { GetFederationRelationshipRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/GetFederationRelationshipRequest.js';
import type { ListFederationRelationshipsRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/ListFederationRelationshipsRequest.js';
import type { RefreshBundleRequest__Output } from '../../proto/gen/api/spire/api/server/trustdomain/v1/RefreshBundleRequest.js';
import type { FederationRelationship } from '../../plugins/datastore/contract.js';
import { TrustDomain } from '../../spiffeid/index.js';
import {
  federationFromProto,
  federationToProto,
  storeFederationMask,
  type ProtoFederationRelationship,
  type ProtoFederationRelationshipMask,
} from '../convert/federation.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { pageFromRequest } from '../pagination.js';
import { Services } from '../proto.js';
import { makeErr, makeStatus, okStatus, storeCode, type ApiStatus } from '../status.js';
import type { ApiDeps } from './deps.js';
import { checkBatch } from './entry.js';

type Mask = ProtoFederationRelationshipMask | null;

/** spire.api.server.trustdomain.v1.TrustDomain: federation relationships. */
export function trustDomainService(deps: ApiDeps): ServiceHandlers {
  const { dataStore: ds, trustDomain: td } = deps;

  function warnMissingEndpointBundle(ctx: CallContext, fr: FederationRelationship): void {
    if (fr.bundleEndpointProfile !== 'https_spiffe' || fr.trustDomainBundle || !fr.endpointSpiffeId) return;
    const endpointTd = TrustDomain.parse(fr.endpointSpiffeId.split('/')[2] ?? '');
    void ds
      .fetchBundle(endpointTd.idString())
      .then((b) => {
        if (!b) ctx.log.warn({ trust_domain_id: endpointTd.name }, 'Bundle not found for the endpoint SPIFFE ID trust domain');
      })
      .catch(() => undefined);
  }

  /** As SPIRE: the refresher re-reads relationships at once when a batch changed any. */
  function reloadIfAnyOk(results: { status: ApiStatus }[]): void {
    if (results.some((r) => r.status.code === Code.OK)) deps.bundleRefresher?.triggerConfigReload?.();
  }

  async function one(
    ctx: CallContext,
    pfr: ProtoFederationRelationship,
    inMask: Mask,
    outMask: Mask,
    write: (fr: FederationRelationship) => Promise<FederationRelationship>,
    verb: 'create' | 'update',
  ): Promise<{ status: ApiStatus; federation_relationship: ProtoFederationRelationship | null }> {
    const log = ctx.log.child({ trust_domain_id: pfr?.trust_domain ?? '' });
    let fr: FederationRelationship;
    try {
      fr = federationFromProto(pfr, inMask);
    } catch (err) {
      return { status: makeStatus(log, Code.INVALID_ARGUMENT, 'failed to convert federation relationship', err), federation_relationship: null };
    }
    if (verb === 'create' && fr.trustDomain === td.name) {
      return { status: makeStatus(log, Code.INVALID_ARGUMENT, 'unable to create federation relationship for server trust domain'), federation_relationship: null };
    }
    let stored: FederationRelationship;
    try {
      stored = await write(fr);
    } catch (err) {
      const code = storeCode(err);
      const c = code === Code.NOT_FOUND || code === Code.ALREADY_EXISTS || code === Code.INVALID_ARGUMENT ? code : Code.INTERNAL;
      return { status: makeStatus(log, c, `failed to ${verb} federation relationship`, err), federation_relationship: null };
    }
    warnMissingEndpointBundle(ctx, stored);
    try {
      return { status: okStatus(), federation_relationship: federationToProto(stored, outMask) };
    } catch (err) {
      return { status: makeStatus(log, Code.INTERNAL, 'failed to convert datastore response', err), federation_relationship: null };
    }
  }

  return {
    service: Services.trustDomain,
    unary: {
      async ListFederationRelationships(req: ListFederationRelationshipsRequest__Output, ctx) {
        const pagination = pageFromRequest(req.page_size, req.page_token);
        let res;
        try {
          res = await ds.listFederationRelationships({ pagination });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to list federation relationships', err);
        }
        const federation_relationships = res.federationRelationships.map((fr) => {
          try {
            return federationToProto(fr, req.output_mask);
          } catch (err) {
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert datastore response', err);
          }
        });
        return { federation_relationships, next_page_token: res.pagination?.token ?? '' };
      },
      async GetFederationRelationship(req: GetFederationRelationshipRequest__Output, ctx) {
        let t: TrustDomain;
        try {
          t = TrustDomain.parse(req.trust_domain);
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse trust domain', err);
        }
        let fr;
        try {
          fr = await ds.fetchFederationRelationship(t.name);
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch federation relationship', err);
        }
        if (!fr) throw makeErr(ctx.log, Code.NOT_FOUND, 'federation relationship does not exist');
        try {
          return federationToProto(fr, req.output_mask);
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert datastore response', err);
        }
      },
      async BatchCreateFederationRelationship(req: BatchCreateFederationRelationshipRequest__Output, ctx) {
        checkBatch(req.federation_relationships.length, 'federation relationships');
        const results = [];
        for (const f of req.federation_relationships) {
          const r = await one(ctx, f, null, req.output_mask, (fr) => ds.createFederationRelationship(fr), 'create');
          ctx.audit.item(r.status, { trust_domain_id: f?.trust_domain ?? '', bundle_endpoint_url: f?.bundle_endpoint_url ?? '' });
          results.push(r);
        }
        reloadIfAnyOk(results);
        return { results };
      },
      async BatchUpdateFederationRelationship(req: BatchUpdateFederationRelationshipRequest__Output, ctx) {
        checkBatch(req.federation_relationships.length, 'federation relationships');
        const results = [];
        for (const f of req.federation_relationships) {
          const r = await one(ctx, f, req.input_mask, req.output_mask, (fr) => ds.updateFederationRelationship(fr, storeFederationMask(req.input_mask)), 'update');
          ctx.audit.item(r.status, { trust_domain_id: f?.trust_domain ?? '' });
          results.push(r);
        }
        reloadIfAnyOk(results);
        return { results };
      },
      async BatchDeleteFederationRelationship(req: BatchDeleteFederationRelationshipRequest__Output, ctx) {
        checkBatch(req.trust_domains.length, 'trust domains');
        const results = [];
        for (const name of req.trust_domains) {
          let status: ApiStatus;
          let t: TrustDomain | undefined;
          if (!name) status = makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'missing trust domain');
          else {
            try {
              t = TrustDomain.parse(name);
            } catch (err) {
              status = makeStatus(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse trust domain', err);
            }
          }
          if (t) {
            try {
              await ds.deleteFederationRelationship(t.name);
              status = okStatus();
            } catch (err) {
              status =
                storeCode(err) === Code.NOT_FOUND
                  ? makeStatus(ctx.log, Code.NOT_FOUND, 'federation relationship not found')
                  : makeStatus(ctx.log, Code.INTERNAL, 'failed to delete federation relationship', err);
            }
          }
          ctx.audit.item(status!, { trust_domain_id: name });
          // As SPIRE: the name of a trust domain that parsed (`td-1.org` for `spiffe://td-1.org`),
          // otherwise what the caller sent.
          results.push({ status: status!, trust_domain: t ? t.name : name });
        }
        reloadIfAnyOk(results);
        return { results };
      },
      async RefreshBundle(req: RefreshBundleRequest__Output, ctx) {
        let t: TrustDomain;
        try {
          t = TrustDomain.parse(req.trust_domain);
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse trust domain', err);
        }
        if (!deps.bundleRefresher) throw makeErr(ctx.log, Code.UNIMPLEMENTED, 'bundle refreshing is not available in this server');
        try {
          await deps.bundleRefresher.refreshBundle(t.name);
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw makeErr(ctx.log, Code.NOT_FOUND, `no relationship with trust domain "${t.name}"`);
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to refresh bundle', err);
        }
        return {};
      },
    },
  };
}
