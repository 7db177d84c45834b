/**
 * SPIRE's default authorization, written as policy data: the `apis` list the default policy.rego
 * evaluates. With no `experimental.auth_opa_policy_engine` the server evaluates exactly this, with
 * the same engine that evaluates an operator's policy_data_path, so there is one set of rules.
 */

/** One `apis` item as the JSON file spells it. */
export interface ApiItemJson {
  full_method: string;
  allow_any?: boolean;
  allow_local?: boolean;
  allow_admin?: boolean;
  allow_downstream?: boolean;
  allow_agent?: boolean;
}

// Letters: G any ("global"), L local, A admin, D downstream, T agent.
type Flags = 'G' | 'L' | 'LA' | 'LAT' | 'D' | 'T';

function items(service: string, methods: Record<string, Flags>): ApiItemJson[] {
  return Object.entries(methods).map(([m, f]) => {
    const item: ApiItemJson = { full_method: `/${service}/${m}` };
    if (f.includes('G')) item.allow_any = true;
    if (f.includes('L')) item.allow_local = true;
    if (f.includes('A')) item.allow_admin = true;
    if (f.includes('D')) item.allow_downstream = true;
    if (f.includes('T')) item.allow_agent = true;
    return item;
  });
}

const all = (names: string[], f: Flags): Record<string, Flags> => Object.fromEntries(names.map((n) => [n, f]));

const LOCAL_AUTHORITY = [
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
];

// The legacy Registration API (which SPIRE no longer serves) was local-or-admin throughout.
/** The legacy Registration API's entry methods (short names), whose handlers honour entry scopes. */
export const REGISTRATION_ENTRY_METHODS: readonly string[] = [
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
];

const REGISTRATION = [
  ...REGISTRATION_ENTRY_METHODS,
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
];

/**
 * The default policy data: `{ "apis": [...] }` with one item per method the server serves. A
 * method missing here is denied to everyone (the default policy fails closed). Returns a fresh
 * object on each call.
 */
export function defaultPolicyData(): { apis: ApiItemJson[] } {
  return {
    apis: [
      ...items('spire.api.server.svid.v1.SVID', {
        MintX509SVID: 'LA',
        MintJWTSVID: 'LA',
        MintWITSVID: 'LA',
        BatchNewX509SVID: 'T',
        NewJWTSVID: 'T',
        BatchNewWITSVID: 'T',
        NewDownstreamX509CA: 'D',
      }),
      ...items('spire.api.server.bundle.v1.Bundle', {
        GetBundle: 'G',
        AppendBundle: 'LA',
        PublishJWTAuthority: 'D',
        PublishWITAuthority: 'D',
        CountBundles: 'LA',
        ListFederatedBundles: 'LA',
        GetFederatedBundle: 'LAT',
        BatchCreateFederatedBundle: 'LA',
        BatchUpdateFederatedBundle: 'LA',
        BatchSetFederatedBundle: 'LA',
        BatchDeleteFederatedBundle: 'LA',
      }),
      ...items('spire.api.server.debug.v1.Debug', { GetInfo: 'L' }),
      // This project's own (SPIRE has no console): login links, on the admin socket only.
      ...items('spirets.console.v1.Console', { CreateLoginLink: 'L' }),
      ...items('spire.api.server.entry.v1.Entry', {
        CountEntries: 'LA',
        ListEntries: 'LA',
        GetEntry: 'LA',
        BatchCreateEntry: 'LA',
        BatchUpdateEntry: 'LA',
        BatchDeleteEntry: 'LA',
        GetAuthorizedEntries: 'T',
        SyncAuthorizedEntries: 'T',
      }),
      ...items('spire.api.server.logger.v1.Logger', { GetLogger: 'L', SetLogLevel: 'L', ResetLogLevel: 'L' }),
      ...items('spire.api.server.agent.v1.Agent', {
        CountAgents: 'LA',
        ListAgents: 'LA',
        GetAgent: 'LA',
        DeleteAgent: 'LA',
        BanAgent: 'LA',
        AttestAgent: 'G',
        RenewAgent: 'T',
        PostStatus: 'T',
        CreateJoinToken: 'LA',
      }),
      ...items('grpc.health.v1.Health', all(['Check', 'List', 'Watch'], 'L')),
      ...items(
        'spire.api.server.trustdomain.v1.TrustDomain',
        all(
          [
            'ListFederationRelationships',
            'GetFederationRelationship',
            'BatchCreateFederationRelationship',
            'BatchUpdateFederationRelationship',
            'BatchDeleteFederationRelationship',
            'RefreshBundle',
          ],
          'LA',
        ),
      ),
      ...items('spire.api.server.localauthority.v1.LocalAuthority', all(LOCAL_AUTHORITY, 'LA')),
      ...items('spire.api.registration.Registration', all(REGISTRATION, 'LA')),
    ],
  };
}
