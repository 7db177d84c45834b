import { randomUUID } from 'node:crypto';
import type { DeleteFederatedBundleRequest__Output } from '../../proto/gen/api/spire/api/registration/DeleteFederatedBundleRequest.js';
import type { EvictAgentRequest__Output } from '../../proto/gen/api/spire/api/registration/EvictAgentRequest.js';
import type { FederatedBundleID__Output } from '../../proto/gen/api/spire/api/registration/FederatedBundleID.js';
import type { FederatedBundle__Output } from '../../proto/gen/api/spire/api/registration/FederatedBundle.js';
import type { GetNodeSelectorsRequest__Output } from '../../proto/gen/api/spire/api/registration/GetNodeSelectorsRequest.js';
import type { JoinToken__Output } from '../../proto/gen/api/spire/api/registration/JoinToken.js';
import type { ListAllEntriesRequest__Output } from '../../proto/gen/api/spire/api/registration/ListAllEntriesRequest.js';
import type { MintJWTSVIDRequest__Output } from '../../proto/gen/api/spire/api/registration/MintJWTSVIDRequest.js';
import type { MintX509SVIDRequest__Output } from '../../proto/gen/api/spire/api/registration/MintX509SVIDRequest.js';
import type { ParentID__Output } from '../../proto/gen/api/spire/api/registration/ParentID.js';
import type { RegistrationEntryID__Output } from '../../proto/gen/api/spire/api/registration/RegistrationEntryID.js';
import type { Selectors__Output } from '../../proto/gen/api/spire/common/Selectors.js';
import type { SpiffeID__Output } from '../../proto/gen/api/spire/api/registration/SpiffeID.js';
import type { UpdateEntryRequest__Output } from '../../proto/gen/api/spire/api/registration/UpdateEntryRequest.js';
import type { Bundle__Output } from '../../proto/gen/api/spire/common/Bundle.js';
import type { RegistrationEntry__Output } from '../../proto/gen/api/spire/common/RegistrationEntry.js';
import { Code, SpireError } from '../../errors.js';
import type { AttestedNode, Bundle, DeleteMode, RegistrationEntry, Selector } from '../../plugins/datastore/contract.js';
import { SpiffeId, TrustDomain, agentId as makeAgentId } from '../../spiffeid/index.js';
import { parseDerCertificates } from '../convert/bundle.js';
import { parseCsr, verifyCsr } from '../convert/csr.js';
import { validateDnsName } from '../convert/dns.js';
import { protoFromId, workloadIdFromProto } from '../convert/ids.js';
import { selectorsFromProto } from '../convert/selectors.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { LargeAnswerGate } from '../large-answer-gate.js';
import { API_MAX_PAGE_SIZE } from '../pagination.js';
import { Services } from '../proto.js';
import { apiMessageType, RepeatedFieldEncoder } from '../sliced-encoding.js';
import { isOverload, storeCode } from '../status.js';
import { nowSeconds, type ApiDeps } from './deps.js';
import { AuthPolicyErrors } from '../../authpolicy/errors.js';
import { assertInScope, storedInScope, visibleEntries } from './entry-scope-check.js';
import { appendAllEntries } from './entry-list.js';

/** spire.common.RegistrationEntry as proto-loader presents it (generated). */
export type CommonEntry = RegistrationEntry__Output;

/** spire.common.Bundle as proto-loader presents it (generated). */
type CommonBundle = Bundle__Output;

/** Page size of ListAllEntriesWithPages when the caller gives none (the old server's default). */
const DEFAULT_LIST_PAGE_SIZE = 50;

function invalid(msg: string): SpireError {
  return new SpireError(Code.INVALID_ARGUMENT, msg);
}

/** The legacy API's wire form of a stored entry (spire.common.RegistrationEntry). Pure. */
export function entryToCommon(e: RegistrationEntry): CommonEntry {
  return {
    selectors: e.selectors.map((s) => ({ type: s.type, value: s.value })),
    parent_id: e.parentId,
    spiffe_id: e.spiffeId,
    ttl: e.x509SvidTtl,
    federates_with: [...e.federatesWith],
    entry_id: e.entryId,
    admin: e.admin,
    downstream: e.downstream,
    entryExpiry: e.entryExpiry,
    dns_names: [...e.dnsNames],
    revision_number: e.revisionNumber,
    store_svid: e.storeSvid,
  };
}

function nodeToCommon(n: AttestedNode) {
  return {
    spiffe_id: n.spiffeId,
    attestation_data_type: n.attestationDataType,
    cert_serial_number: n.certSerialNumber,
    cert_not_after: n.certNotAfter,
    new_cert_serial_number: n.newCertSerialNumber,
    new_cert_not_after: n.newCertNotAfter,
    selectors: (n.selectors ?? []).map((s) => ({ type: s.type, value: s.value })),
  };
}

function bundleToCommon(b: Bundle): CommonBundle {
  return {
    trust_domain_id: b.trustDomainId,
    root_cas: b.rootCas.map((c) => ({ der_bytes: Buffer.from(c.derBytes) })),
    jwt_signing_keys: b.jwtSigningKeys.map((k) => ({ pkix_bytes: Buffer.from(k.pkixBytes), kid: k.kid, not_after: k.notAfter })),
    refresh_hint: b.refreshHint,
  };
}

/**
 * The legacy spire.api.registration.Registration service (removed from SPIRE in 1.0), served over
 * the same store for old tooling. All 23 RPCs of its last proto are implemented; messages follow
 * the old server.
 */
export function registrationService(deps: ApiDeps): ServiceHandlers {
  const { dataStore: ds, trustDomain: td, ca } = deps;
  const gate = deps.largeAnswers ?? new LargeAnswerGate();

  function parseId(s: string, what: string, check?: (id: SpiffeId) => void): string {
    let id: SpiffeId;
    try {
      id = SpiffeId.parse(s);
      check?.(id);
    } catch (err) {
      throw invalid(`${what}: ${(err as Error).message}`);
    }
    return id.toString();
  }

  function entryFromCommon(e: CommonEntry | null, forUpdate: boolean): RegistrationEntry {
    if (!e) throw invalid('request is missing entry');
    if (forUpdate && !e.entry_id) throw invalid('missing registration entry id');
    for (const d of e.dns_names ?? []) {
      try {
        validateDnsName(d);
      } catch (err) {
        throw invalid(`dns name ${d} failed validation: ${(err as Error).message}`);
      }
    }
    const parentId = parseId(e.parent_id, 'parent ID is malformed', (id) => {
      if (!id.memberOf(td)) throw new Error(`"${id}" is not a member of trust domain "${td}"`);
    });
    const spiffeId = parseId(e.spiffe_id, 'spiffe ID is malformed', (id) => void workloadIdFromProto(td, protoFromId(id)));
    let selectors: Selector[];
    try {
      selectors = selectorsFromProto(e.selectors ?? []);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    if (selectors.length === 0) throw invalid('selector list is empty');
    if (e.ttl < 0) throw invalid('invalid ttl: must not be negative');
    if (e.entryExpiry < 0) throw invalid('invalid entryExpiry: must not be negative');
    const federatesWith = (e.federates_with ?? []).map((f) => {
      try {
        return TrustDomain.parse(f).idString();
      } catch (err) {
        throw invalid(`invalid federated trust domain: ${(err as Error).message}`);
      }
    });
    return {
      entryId: e.entry_id ?? '',
      spiffeId,
      parentId,
      selectors,
      x509SvidTtl: e.ttl,
      jwtSvidTtl: 0,
      federatesWith,
      dnsNames: [...(e.dns_names ?? [])],
      admin: e.admin,
      downstream: e.downstream,
      entryExpiry: e.entryExpiry,
      storeSvid: e.store_svid,
      hint: '',
      createdAt: 0,
      revisionNumber: 0,
    };
  }

  function internal(msg: string, err: unknown): SpireError {
    return new SpireError(Code.INTERNAL, `${msg}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  async function createEntry(ctx: CallContext, req: CommonEntry) {
    const entry = entryFromCommon(req, false);
    assertInScope(ctx, entry);
    let r;
    try {
      r = await ds.createOrReturnRegistrationEntry(entry);
    } catch (err) {
      const c = storeCode(err);
      if (c === Code.INVALID_ARGUMENT) throw err;
      throw internal('error trying to create entry', err);
    } finally {
      ctx.log.debug({ spiffe_id: entry.spiffeId }, 'Legacy CreateEntry');
    }
    // A similar entry that exists already is answered with that entry: only if it is in scope.
    if (r.existing) assertInScope(ctx, r.entry);
    return r;
  }

  async function list(ctx: CallContext, req: Parameters<typeof ds.listRegistrationEntries>[0], what: string) {
    try {
      return { entries: visibleEntries(ctx, (await ds.listRegistrationEntries(req)).entries).map(entryToCommon) };
    } catch (err) {
      throw internal(`error trying to list entries by ${what}`, err);
    }
  }

  function federatedTd(id: string): TrustDomain {
    let t: TrustDomain;
    try {
      t = TrustDomain.parse(id);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    if (t.equals(td)) throw invalid('federated bundle id cannot match server trust domain');
    return t;
  }

  function bundleFromCommon(b: CommonBundle | null): Bundle {
    if (!b) throw invalid('bundle field is required');
    const t = federatedTd(b.trust_domain_id);
    const rootCas = (b.root_cas ?? []).map((c) => {
      try {
        parseDerCertificates(c.der_bytes);
      } catch (err) {
        throw invalid(`unable to parse root CA: ${(err as Error).message}`);
      }
      return { derBytes: new Uint8Array(c.der_bytes), taintedKey: false };
    });
    const jwtSigningKeys = (b.jwt_signing_keys ?? []).map((k) => {
      if (!k.kid) throw invalid('missing key ID');
      return { pkixBytes: new Uint8Array(k.pkix_bytes), kid: k.kid, notAfter: k.not_after, taintedKey: false };
    });
    return { trustDomainId: t.idString(), rootCas, jwtSigningKeys, refreshHint: b.refresh_hint ?? 0, sequenceNumber: 0 };
  }

  function mintId(s: string): string {
    if (!s) throw invalid('request missing SPIFFE ID');
    return parseId(s, 'spiffe ID is malformed', (id) => void workloadIdFromProto(td, protoFromId(id)));
  }

  return {
    service: Services.registration,
    serverStream: {
      async ListFederatedBundles(_req: unknown, _ctx, send) {
        let res;
        try {
          res = await ds.listBundles({});
        } catch (err) {
          throw internal('error listing bundles', err);
        }
        for (const b of res.bundles) if (b.trustDomainId !== td.idString()) send({ bundle: bundleToCommon(b) });
      },
    },
    unary: {
      async CreateEntry(req: CommonEntry, ctx) {
        const r = await createEntry(ctx, req);
        if (r.existing) throw new SpireError(Code.ALREADY_EXISTS, 'entry already exists');
        return { id: r.entry.entryId };
      },
      async CreateEntryIfNotExists(req: CommonEntry, ctx) {
        const r = await createEntry(ctx, req);
        return { entry: entryToCommon(r.entry), preexisting: r.existing };
      },
      async DeleteEntry(req: RegistrationEntryID__Output, ctx) {
        try {
          if ((await storedInScope(ctx, ds, req.id)) === false) throw AuthPolicyErrors.entryOutOfScope();
          return entryToCommon(await ds.deleteRegistrationEntry(req.id));
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw new SpireError(Code.NOT_FOUND, 'no such registration entry');
          if (err instanceof SpireError && err.code === Code.PERMISSION_DENIED) throw err;
          throw internal('error deleting entry', err);
        }
      },
      async FetchEntry(req: RegistrationEntryID__Output, ctx) {
        let e;
        try {
          e = await ds.fetchRegistrationEntry(req.id);
        } catch (err) {
          throw internal('error trying to fetch entry', err);
        }
        if (!e) throw new SpireError(Code.NOT_FOUND, 'no such registration entry');
        assertInScope(ctx, e);
        return entryToCommon(e);
      },
      // Every entry: a large answer, built in slices behind the large-answer bound (as ListEntries).
      async FetchEntries(_req: unknown, ctx) {
        return gate.run(ctx.signal, async () => {
          const enc = new RepeatedFieldEncoder(apiMessageType('spire.common.RegistrationEntries'), 'entries');
          await appendAllEntries(ds, {}, enc, entryToCommon, ctx.signal, (err) => internal('error trying to fetch entries', err), (list) => visibleEntries(ctx, list));
          return await enc.finish({});
        });
      },
      async UpdateEntry(req: UpdateEntryRequest__Output, ctx) {
        if (!req.entry) throw invalid('request is missing entry to update');
        const entry = entryFromCommon(req.entry, true);
        let allowed: boolean | 'missing';
        try {
          allowed = await storedInScope(ctx, ds, entry.entryId, { entry, mask: { spiffeId: true, parentId: true, admin: true, downstream: true } });
        } catch (err) {
          throw internal('failed to update registration entry', err);
        }
        if (allowed === false) throw AuthPolicyErrors.entryOutOfScope();
        try {
          // The old API replaced every field but jwt_svid_ttl and hint, which it did not know.
          return entryToCommon(
            await ds.updateRegistrationEntry(entry, {
              selectors: true,
              parentId: true,
              spiffeId: true,
              x509SvidTtl: true,
              federatesWith: true,
              admin: true,
              downstream: true,
              entryExpiry: true,
              dnsNames: true,
              storeSvid: true,
            }),
          );
        } catch (err) {
          const c = storeCode(err);
          if (c === Code.NOT_FOUND || c === Code.ALREADY_EXISTS || c === Code.INVALID_ARGUMENT) throw new SpireError(c, `failed to update registration entry: ${(err as Error).message}`);
          throw internal('failed to update registration entry', err);
        }
      },
      async ListByParentID(req: ParentID__Output, ctx) {
        return list(ctx, { byParentId: parseId(req.id, 'parent ID is malformed') }, 'parent ID');
      },
      async ListBySelector(req: Selector, ctx) {
        let s: Selector[];
        try {
          s = selectorsFromProto([req]);
        } catch (err) {
          throw invalid((err as Error).message);
        }
        return list(ctx, { bySelectors: { selectors: s, match: 'EXACT' } }, 'selector');
      },
      async ListBySelectors(req: Selectors__Output, ctx) {
        let s: Selector[];
        try {
          s = selectorsFromProto(req.entries ?? []);
        } catch (err) {
          throw invalid((err as Error).message);
        }
        if (s.length === 0) throw invalid('selector list is empty');
        return list(ctx, { bySelectors: { selectors: s, match: 'EXACT' } }, 'selectors');
      },
      async ListBySpiffeID(req: SpiffeID__Output, ctx) {
        return list(ctx, { bySpiffeId: parseId(req.id, 'spiffe ID is malformed') }, 'SPIFFE ID');
      },
      async ListAllEntriesWithPages(req: ListAllEntriesRequest__Output, ctx) {
        const size = req.pagination?.page_size ?? 0;
        if (size < 0) throw invalid(`invalid page_size ${size}: must not be negative`);
        const pageSize = Math.min(size || DEFAULT_LIST_PAGE_SIZE, API_MAX_PAGE_SIZE);
        try {
          const res = await ds.listRegistrationEntries({ pagination: { token: req.pagination?.token ?? '', pageSize } });
          return { entries: visibleEntries(ctx, res.entries).map(entryToCommon), pagination: { token: res.pagination?.token ?? '', page_size: pageSize } };
        } catch (err) {
          if (storeCode(err) === Code.INVALID_ARGUMENT) throw new SpireError(Code.INVALID_ARGUMENT, (err as Error).message);
          throw internal('error trying to fetch entries', err);
        }
      },
      async CreateFederatedBundle(req: FederatedBundle__Output) {
        const b = bundleFromCommon(req.bundle);
        try {
          await ds.createBundle(b);
        } catch (err) {
          if (storeCode(err) === Code.ALREADY_EXISTS) throw new SpireError(Code.ALREADY_EXISTS, 'bundle already exists');
          throw internal('error creating bundle', err);
        }
        return {};
      },
      async FetchFederatedBundle(req: FederatedBundleID__Output) {
        const t = federatedTd(req.id);
        let b;
        try {
          b = await ds.fetchBundle(t.idString());
        } catch (err) {
          throw internal('error fetching bundle', err);
        }
        if (!b) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
        return { bundle: bundleToCommon(b) };
      },
      async UpdateFederatedBundle(req: FederatedBundle__Output) {
        const b = bundleFromCommon(req.bundle);
        try {
          await ds.updateBundle(b, { rootCas: true, jwtSigningKeys: true, refreshHint: true });
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
          throw internal('error updating bundle', err);
        }
        return {};
      },
      async DeleteFederatedBundle(req: DeleteFederatedBundleRequest__Output) {
        const t = federatedTd(req.id);
        const modes: Record<string, DeleteMode> = { RESTRICT: 'RESTRICT', DELETE: 'DELETE', DISSOCIATE: 'DISSOCIATE' };
        const mode = modes[String(req.mode)];
        if (!mode) throw invalid(`unhandled delete mode "${String(req.mode)}"`);
        try {
          await ds.deleteBundle(t.idString(), mode);
        } catch (err) {
          const c = storeCode(err);
          if (c === Code.NOT_FOUND || c === Code.FAILED_PRECONDITION) throw new SpireError(c, (err as Error).message);
          throw internal('error deleting bundle', err);
        }
        return {};
      },
      async CreateJoinToken(req: JoinToken__Output) {
        if (req.ttl < 1) throw invalid('ttl is required, you must provide one');
        const token = req.token || randomUUID();
        try {
          makeAgentId(td, 'join_token', token);
        } catch (err) {
          throw invalid(`invalid token: ${(err as Error).message}`);
        }
        try {
          await ds.createJoinToken({ token, expiry: nowSeconds(deps) + req.ttl });
        } catch (err) {
          if (storeCode(err) === Code.ALREADY_EXISTS) throw new SpireError(Code.ALREADY_EXISTS, 'join token already exists');
          throw internal('Failed to register token', err);
        }
        return { token, ttl: req.ttl };
      },
      async FetchBundle() {
        let b;
        try {
          b = await ds.fetchBundle(td.idString());
        } catch (err) {
          throw internal('get bundle from datastore', err);
        }
        if (!b) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
        return { bundle: bundleToCommon(b) };
      },
      async EvictAgent(req: EvictAgentRequest__Output) {
        if (!req.spiffeID) throw invalid('empty agent ID');
        try {
          return { node: nodeToCommon(await ds.deleteAttestedNode(req.spiffeID)) };
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw new SpireError(Code.NOT_FOUND, 'no such agent');
          throw internal('failed to evict agent', err);
        }
      },
      async ListAgents() {
        try {
          return { nodes: (await ds.listAttestedNodes({ fetchSelectors: true })).nodes.map(nodeToCommon) };
        } catch (err) {
          throw internal('failed to list agents', err);
        }
      },
      async MintX509SVID(req: MintX509SVIDRequest__Output) {
        const id = mintId(req.spiffe_id);
        if (!req.csr || req.csr.length === 0) throw invalid('request missing CSR');
        if (req.ttl < 0) throw invalid('invalid ttl: must not be negative');
        for (const d of req.dns_names ?? []) {
          try {
            validateDnsName(d);
          } catch (err) {
            throw invalid(`invalid DNS name: ${(err as Error).message}`);
          }
        }
        let parsed;
        try {
          parsed = parseCsr(req.csr);
        } catch (err) {
          throw invalid(`invalid CSR: ${(err as Error).message}`);
        }
        try {
          verifyCsr(parsed.csr);
        } catch {
          throw invalid('invalid CSR: signature verify failed');
        }
        const [r] = await ca.signX509Svids([{ spiffeId: id, csr: req.csr, dnsNames: req.dns_names ?? [], ttlMs: req.ttl * 1000 }]);
        if (!r || 'error' in r) throw internal('failed to sign X509-SVID', r?.error);
        let b;
        try {
          b = await ds.fetchBundle(td.idString());
        } catch (err) {
          throw internal('failed to fetch bundle', err);
        }
        if (!b) throw new SpireError(Code.FAILED_PRECONDITION, 'bundle not found');
        return { svid_chain: r.certChain.map((c) => Buffer.from(c)), root_cas: b.rootCas.map((c) => Buffer.from(c.derBytes)) };
      },
      async MintJWTSVID(req: MintJWTSVIDRequest__Output) {
        const id = mintId(req.spiffe_id);
        if (!req.audience || req.audience.length === 0) throw invalid('request must specify at least one audience');
        if (req.ttl < 0) throw invalid('invalid ttl: must not be negative');
        try {
          return { token: await ca.signJwtSvid({ spiffeId: id, audience: req.audience, ttlMs: req.ttl * 1000 }) };
        } catch (err) {
          if (isOverload(err)) throw err;
          throw internal('failed to sign JWT-SVID', err);
        }
      },
      async GetNodeSelectors(req: GetNodeSelectorsRequest__Output) {
        const id = parseId(req.spiffe_id, 'spiffe ID is malformed');
        try {
          return { selectors: { spiffe_id: id, selectors: (await ds.getNodeSelectors(id)).map((s) => ({ type: s.type, value: s.value })) } };
        } catch (err) {
          throw internal('failed to get node selectors', err);
        }
      },
    },
  };
}
