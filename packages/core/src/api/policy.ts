/** Which kinds of caller may call a method (SPIRE's authorization policy data). */
export interface MethodPolicy {
  any?: boolean;
  local?: boolean;
  admin?: boolean;
  agent?: boolean;
  downstream?: boolean;
}

const LA: MethodPolicy = { local: true, admin: true };
const LOCAL: MethodPolicy = { local: true };
const AGENT: MethodPolicy = { agent: true };
const DOWNSTREAM: MethodPolicy = { downstream: true };
const ANY: MethodPolicy = { any: true };

function svc(prefix: string, rules: Record<string, MethodPolicy>): [string, MethodPolicy][] {
  return Object.entries(rules).map(([m, p]) => [`/${prefix}/${m}`, p]);
}

/**
 * The authorization table, by full method name. A method missing here is denied to everyone
 * (fail closed). It follows SPIRE's default policy; the legacy Registration API is local or admin
 * throughout, as it was in SPIRE.
 */
export const POLICY: ReadonlyMap<string, MethodPolicy> = new Map([
  ...svc('spire.api.server.svid.v1.SVID', {
    MintX509SVID: LA,
    MintJWTSVID: LA,
    MintWITSVID: LA,
    BatchNewX509SVID: AGENT,
    NewJWTSVID: AGENT,
    BatchNewWITSVID: AGENT,
    NewDownstreamX509CA: DOWNSTREAM,
  }),
  ...svc('spire.api.server.bundle.v1.Bundle', {
    GetBundle: ANY,
    AppendBundle: LA,
    PublishJWTAuthority: DOWNSTREAM,
    PublishWITAuthority: DOWNSTREAM,
    CountBundles: LA,
    ListFederatedBundles: LA,
    GetFederatedBundle: { local: true, admin: true, agent: true },
    BatchCreateFederatedBundle: LA,
    BatchUpdateFederatedBundle: LA,
    BatchSetFederatedBundle: LA,
    BatchDeleteFederatedBundle: LA,
  }),
  ...svc('spire.api.server.debug.v1.Debug', { GetInfo: LOCAL }),
  ...svc('spire.api.server.entry.v1.Entry', {
    CountEntries: LA,
    ListEntries: LA,
    GetEntry: LA,
    BatchCreateEntry: LA,
    BatchUpdateEntry: LA,
    BatchDeleteEntry: LA,
    GetAuthorizedEntries: AGENT,
    SyncAuthorizedEntries: AGENT,
  }),
  ...svc('spire.api.server.logger.v1.Logger', { GetLogger: LOCAL, SetLogLevel: LOCAL, ResetLogLevel: LOCAL }),
  ...svc('spire.api.server.agent.v1.Agent', {
    CountAgents: LA,
    ListAgents: LA,
    GetAgent: LA,
    DeleteAgent: LA,
    BanAgent: LA,
    AttestAgent: ANY,
    RenewAgent: AGENT,
    PostStatus: AGENT,
    CreateJoinToken: LA,
  }),
  ...svc('grpc.health.v1.Health', { Check: LOCAL, List: LOCAL, Watch: LOCAL }),
  ...svc('spire.api.server.trustdomain.v1.TrustDomain', {
    ListFederationRelationships: LA,
    GetFederationRelationship: LA,
    BatchCreateFederationRelationship: LA,
    BatchUpdateFederationRelationship: LA,
    BatchDeleteFederationRelationship: LA,
    RefreshBundle: LA,
  }),
  ...svc(
    'spire.api.server.localauthority.v1.LocalAuthority',
    Object.fromEntries(
      [
        'GetJWTAuthorityState',
        'PrepareJWTAuthority',
        'ActivateJWTAuthority',
        'TaintJWTAuthority',
        'RevokeJWTAuthority',
        'GetX509AuthorityState',
        'PrepareX509Authority',
        'ActivateX509Authority',
        'TaintX509Authority',
        'TaintX509UpstreamAuthority',
        'RevokeX509Authority',
        'RevokeX509UpstreamAuthority',
        'GetWITAuthorityState',
        'PrepareWITAuthority',
        'ActivateWITAuthority',
        'TaintWITAuthority',
        'RevokeWITAuthority',
      ].map((m) => [m, LA]),
    ),
  ),
  ...svc(
    'spire.api.registration.Registration',
    Object.fromEntries(
      [
        'CreateEntry',
        'CreateEntryIfNotExists',
        'DeleteEntry',
        'FetchEntry',
        'FetchEntries',
        'UpdateEntry',
        'ListByParentID',
        'ListBySelector',
        'ListBySelectors',
        'ListBySpiffeID',
        'ListAllEntriesWithPages',
        'CreateFederatedBundle',
        'FetchFederatedBundle',
        'ListFederatedBundles',
        'UpdateFederatedBundle',
        'DeleteFederatedBundle',
        'CreateJoinToken',
        'FetchBundle',
        'EvictAgent',
        'ListAgents',
        'MintX509SVID',
        'MintJWTSVID',
        'GetNodeSelectors',
      ].map((m) => [m, LA]),
    ),
  ),
]);
