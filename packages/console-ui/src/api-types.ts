/**
 * Request and response shapes of the console API (/api/v1). RPC bridge bodies use the proto field
 * names; responses are what `spire-server ... -output json` prints (every field present, int64 as
 * strings, bytes as base64). Wrapper types (BoolValue, StringValue) are plain JSON values, as in
 * protojson.
 */

export type MatchBehavior = 'MATCH_EXACT' | 'MATCH_SUBSET' | 'MATCH_SUPERSET' | 'MATCH_ANY';
export type LogLevel = 'UNSPECIFIED' | 'PANIC' | 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
/** int64 as the API prints it (a decimal string); requests may also send numbers. */
export type Int64 = string;

export interface SpiffeIdProto { trust_domain: string; path: string }
export interface Selector { type: string; value: string }
export interface SelectorMatch { selectors: Selector[]; match: MatchBehavior }
export interface FederatesWithMatch { trust_domains: string[]; match: MatchBehavior }
export interface Status { code: number; message: string }

export interface Entry {
  id: string;
  spiffe_id?: SpiffeIdProto;
  parent_id?: SpiffeIdProto;
  selectors: Selector[];
  x509_svid_ttl: number;
  federates_with: string[];
  admin: boolean;
  downstream: boolean;
  expires_at: Int64 | number;
  dns_names: string[];
  revision_number?: Int64;
  store_svid: boolean;
  jwt_svid_ttl: number;
  hint: string;
  created_at?: Int64;
}
/** The fields an entry form sets (EntryMask keys). */
export type EntryField = 'spiffe_id' | 'parent_id' | 'selectors' | 'x509_svid_ttl' | 'federates_with' | 'admin' | 'downstream' | 'expires_at' | 'dns_names' | 'store_svid' | 'jwt_svid_ttl' | 'hint';
export type EntryMask = Partial<Record<EntryField, boolean>>;

export interface EntryFilter {
  by_spiffe_id?: SpiffeIdProto;
  by_parent_id?: SpiffeIdProto;
  by_selectors?: SelectorMatch;
  by_federates_with?: FederatesWithMatch;
  by_hint?: string;
  by_downstream?: boolean;
}
export interface ListEntriesRequest { filter?: EntryFilter; page_size: number; page_token: string }
export interface ListEntriesResponse { entries: Entry[]; next_page_token: string }
export interface CountEntriesRequest { filter?: EntryFilter }
export interface CountResponse { count: number }
export interface GetEntryRequest { id: string }
export interface BatchCreateEntryRequest { entries: Partial<Entry>[] }
export interface BatchUpdateEntryRequest { entries: Partial<Entry>[]; input_mask?: EntryMask }
export interface EntryResult { status: Status; entry?: Entry }
export interface BatchEntryResponse { results: EntryResult[] }
export interface BatchDeleteEntryRequest { ids: string[] }
export interface BatchDeleteEntryResponse { results: { status: Status; id: string }[] }

export interface Agent {
  id?: SpiffeIdProto;
  attestation_type: string;
  x509svid_serial_number: string;
  x509svid_expires_at: Int64;
  selectors: Selector[];
  banned: boolean;
  can_reattest: boolean;
  agent_version: string;
}
export interface AgentFilter {
  by_attestation_type?: string;
  by_selector_match?: SelectorMatch;
  by_banned?: boolean;
  by_can_reattest?: boolean;
  by_expires_before?: string;
}
export interface ListAgentsRequest { filter?: AgentFilter; page_size: number; page_token: string }
export interface ListAgentsResponse { agents: Agent[]; next_page_token: string }
export interface CountAgentsRequest { filter?: AgentFilter }
export interface AgentIdRequest { id: SpiffeIdProto }
export interface CreateJoinTokenRequest { ttl: number; agent_id?: SpiffeIdProto }
export interface JoinToken { value: string; expires_at: Int64 }
export interface PurgeRequest { expiredFor: string; dryRun: boolean }
export interface PurgeResponse { purged: string[]; failed: { id: string; message: string }[] }

export interface X509Certificate { asn1: string; tainted: boolean }
export interface JwtKey { public_key: string; key_id: string; expires_at: Int64; tainted: boolean }
export interface Bundle {
  trust_domain: string;
  x509_authorities: X509Certificate[];
  jwt_authorities: JwtKey[];
  refresh_hint: Int64;
  sequence_number: Int64;
}
export interface ListFederatedBundlesRequest { page_size: number; page_token: string }
export interface ListFederatedBundlesResponse { bundles: Bundle[]; next_page_token: string }
export type DeleteMode = 'RESTRICT' | 'DELETE' | 'DISSOCIATE';
export interface BatchDeleteFederatedBundleRequest { trust_domains: string[]; mode: DeleteMode }
export interface TrustDomainResults { results: { status: Status; trust_domain: string }[] }
export type BundleFormat = 'pem' | 'spiffe';
export interface SetFederatedBundleRequest { id: string; format: BundleFormat; bundle: string }
export interface SetFederatedBundleResponse { trustDomain: string }

export interface FederationRelationship {
  trust_domain: string;
  bundle_endpoint_url: string;
  https_web?: Record<string, never>;
  https_spiffe?: { endpoint_spiffe_id: string };
  trust_domain_bundle?: Bundle;
}
export interface ListRelationshipsRequest { page_size: number; page_token: string }
export interface ListRelationshipsResponse { federation_relationships: FederationRelationship[]; next_page_token: string }
export interface BatchCreateRelationshipRequest { federation_relationships: FederationRelationship[] }
export interface BatchUpdateRelationshipRequest {
  federation_relationships: FederationRelationship[];
  input_mask: { bundle_endpoint_url: boolean; bundle_endpoint_profile: boolean; trust_domain_bundle: boolean };
}
export interface RelationshipResults { results: { status: Status; federation_relationship?: FederationRelationship }[] }
export interface BatchDeleteRelationshipRequest { trust_domains: string[] }
export interface RefreshBundleRequest { trust_domain: string }
export interface FederationStatus { trustDomain: string; lastAttempt?: string; lastSuccess?: string; lastError?: string; nextRefresh?: string }

export interface AuthorityState { authority_id: string; expires_at: Int64; upstream_authority_subject_key_id: string }
export interface AuthorityStates { active?: AuthorityState; prepared?: AuthorityState; old?: AuthorityState }
export interface AuthorityIdRequest { authority_id: string }
export type Empty = Record<string, never>;

export interface Logger { current_level: LogLevel; launch_level: LogLevel }
export interface SetLogLevelRequest { new_level: LogLevel }

export interface Session { user: string; via: 'login_link' | 'client_certificate'; csrfToken: string; idleExpiresAt: string }
export interface ServerInfo {
  version: string;
  trustDomain: string;
  startedAt: string;
  uptimeSeconds: number;
  health: { live: boolean; ready: boolean };
  counts: { entries: number; agents: number; federatedBundles: number };
}
export interface MetricsSample { t: string; x509Svids: number; jwtSvids: number; rpcErrors: number }
export interface Metrics { intervalSeconds: number; samples: MetricsSample[] }
export interface ParseEntriesResponse { entries: Partial<Entry>[] }

/**
 * Every RPC the console calls: `service/Method` → [request, response]. The path is
 * `POST /api/v1/rpc/<service>/<Method>`.
 */
export interface RpcMap {
  'entry/ListEntries': [ListEntriesRequest, ListEntriesResponse];
  'entry/CountEntries': [CountEntriesRequest, CountResponse];
  'entry/GetEntry': [GetEntryRequest, Entry];
  'entry/BatchCreateEntry': [BatchCreateEntryRequest, BatchEntryResponse];
  'entry/BatchUpdateEntry': [BatchUpdateEntryRequest, BatchEntryResponse];
  'entry/BatchDeleteEntry': [BatchDeleteEntryRequest, BatchDeleteEntryResponse];
  'agent/ListAgents': [ListAgentsRequest, ListAgentsResponse];
  'agent/CountAgents': [CountAgentsRequest, CountResponse];
  'agent/GetAgent': [AgentIdRequest, Agent];
  'agent/BanAgent': [AgentIdRequest, Empty];
  'agent/DeleteAgent': [AgentIdRequest, Empty];
  'agent/CreateJoinToken': [CreateJoinTokenRequest, JoinToken];
  'bundle/ListFederatedBundles': [ListFederatedBundlesRequest, ListFederatedBundlesResponse];
  'bundle/BatchDeleteFederatedBundle': [BatchDeleteFederatedBundleRequest, TrustDomainResults];
  'trustdomain/ListFederationRelationships': [ListRelationshipsRequest, ListRelationshipsResponse];
  'trustdomain/BatchCreateFederationRelationship': [BatchCreateRelationshipRequest, RelationshipResults];
  'trustdomain/BatchUpdateFederationRelationship': [BatchUpdateRelationshipRequest, RelationshipResults];
  'trustdomain/BatchDeleteFederationRelationship': [BatchDeleteRelationshipRequest, TrustDomainResults];
  'trustdomain/RefreshBundle': [RefreshBundleRequest, Empty];
  'localauthority/GetX509AuthorityState': [Empty, AuthorityStates];
  'localauthority/GetJWTAuthorityState': [Empty, AuthorityStates];
  'localauthority/PrepareX509Authority': [Empty, { prepared_authority?: AuthorityState }];
  'localauthority/PrepareJWTAuthority': [Empty, { prepared_authority?: AuthorityState }];
  'localauthority/ActivateX509Authority': [AuthorityIdRequest, { activated_authority?: AuthorityState }];
  'localauthority/ActivateJWTAuthority': [AuthorityIdRequest, { activated_authority?: AuthorityState }];
  'localauthority/TaintX509Authority': [AuthorityIdRequest, { tainted_authority?: AuthorityState }];
  'localauthority/TaintJWTAuthority': [AuthorityIdRequest, { tainted_authority?: AuthorityState }];
  'localauthority/RevokeX509Authority': [AuthorityIdRequest, { revoked_authority?: AuthorityState }];
  'localauthority/RevokeJWTAuthority': [AuthorityIdRequest, { revoked_authority?: AuthorityState }];
  'logger/GetLogger': [Empty, Logger];
  'logger/SetLogLevel': [SetLogLevelRequest, Logger];
  'logger/ResetLogLevel': [Empty, Logger];
}
export type RpcName = keyof RpcMap;
