import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { service as healthService } from 'grpc-health-check';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { serviceDefinition, Services } from '../api/proto.js';
import { defaultPolicyData } from './default-policy-data.js';
import { PolicyEngine } from './engine.js';
import { recogniseDefaultPolicyRego } from './default-rego.js';

// The authorization table the server had before the policy engine (api/policy.ts), one row per
// method: G any, L local, A admin, D downstream, T agent. The default policy data must give
// exactly these decisions; they are also SPIRE's policy_data.json for every method SPIRE serves.
const TABLE: [string, string][] = [
  ["/spire.api.server.svid.v1.SVID/MintX509SVID", "LA"],
  ["/spire.api.server.svid.v1.SVID/MintJWTSVID", "LA"],
  ["/spire.api.server.svid.v1.SVID/MintWITSVID", "LA"],
  ["/spire.api.server.svid.v1.SVID/BatchNewX509SVID", "T"],
  ["/spire.api.server.svid.v1.SVID/NewJWTSVID", "T"],
  ["/spire.api.server.svid.v1.SVID/BatchNewWITSVID", "T"],
  ["/spire.api.server.svid.v1.SVID/NewDownstreamX509CA", "D"],
  ["/spire.api.server.bundle.v1.Bundle/GetBundle", "G"],
  ["/spire.api.server.bundle.v1.Bundle/AppendBundle", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority", "D"],
  ["/spire.api.server.bundle.v1.Bundle/PublishWITAuthority", "D"],
  ["/spire.api.server.bundle.v1.Bundle/CountBundles", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/ListFederatedBundles", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/GetFederatedBundle", "LAT"],
  ["/spire.api.server.bundle.v1.Bundle/BatchCreateFederatedBundle", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/BatchUpdateFederatedBundle", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/BatchSetFederatedBundle", "LA"],
  ["/spire.api.server.bundle.v1.Bundle/BatchDeleteFederatedBundle", "LA"],
  ["/spire.api.server.debug.v1.Debug/GetInfo", "L"],
  ["/spirets.console.v1.Console/CreateLoginLink", "L"],
  ["/spire.api.server.entry.v1.Entry/CountEntries", "LA"],
  ["/spire.api.server.entry.v1.Entry/ListEntries", "LA"],
  ["/spire.api.server.entry.v1.Entry/GetEntry", "LA"],
  ["/spire.api.server.entry.v1.Entry/BatchCreateEntry", "LA"],
  ["/spire.api.server.entry.v1.Entry/BatchUpdateEntry", "LA"],
  ["/spire.api.server.entry.v1.Entry/BatchDeleteEntry", "LA"],
  ["/spire.api.server.entry.v1.Entry/GetAuthorizedEntries", "T"],
  ["/spire.api.server.entry.v1.Entry/SyncAuthorizedEntries", "T"],
  ["/spire.api.server.logger.v1.Logger/GetLogger", "L"],
  ["/spire.api.server.logger.v1.Logger/SetLogLevel", "L"],
  ["/spire.api.server.logger.v1.Logger/ResetLogLevel", "L"],
  ["/spire.api.server.agent.v1.Agent/CountAgents", "LA"],
  ["/spire.api.server.agent.v1.Agent/ListAgents", "LA"],
  ["/spire.api.server.agent.v1.Agent/GetAgent", "LA"],
  ["/spire.api.server.agent.v1.Agent/DeleteAgent", "LA"],
  ["/spire.api.server.agent.v1.Agent/BanAgent", "LA"],
  ["/spire.api.server.agent.v1.Agent/AttestAgent", "G"],
  ["/spire.api.server.agent.v1.Agent/RenewAgent", "T"],
  ["/spire.api.server.agent.v1.Agent/PostStatus", "T"],
  ["/spire.api.server.agent.v1.Agent/CreateJoinToken", "LA"],
  ["/grpc.health.v1.Health/Check", "L"],
  ["/grpc.health.v1.Health/List", "L"],
  ["/grpc.health.v1.Health/Watch", "L"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/ListFederationRelationships", "LA"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/GetFederationRelationship", "LA"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/BatchCreateFederationRelationship", "LA"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/BatchUpdateFederationRelationship", "LA"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/BatchDeleteFederationRelationship", "LA"],
  ["/spire.api.server.trustdomain.v1.TrustDomain/RefreshBundle", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/GetJWTAuthorityState", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/PrepareJWTAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/ActivateJWTAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/TaintJWTAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/RevokeJWTAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/GetX509AuthorityState", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/PrepareX509Authority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/ActivateX509Authority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/TaintX509Authority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/TaintX509UpstreamAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/RevokeX509Authority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/RevokeX509UpstreamAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/GetWITAuthorityState", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/PrepareWITAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/ActivateWITAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/TaintWITAuthority", "LA"],
  ["/spire.api.server.localauthority.v1.LocalAuthority/RevokeWITAuthority", "LA"],
  ["/spire.api.registration.Registration/CreateEntry", "LA"],
  ["/spire.api.registration.Registration/CreateEntryIfNotExists", "LA"],
  ["/spire.api.registration.Registration/DeleteEntry", "LA"],
  ["/spire.api.registration.Registration/FetchEntry", "LA"],
  ["/spire.api.registration.Registration/FetchEntries", "LA"],
  ["/spire.api.registration.Registration/UpdateEntry", "LA"],
  ["/spire.api.registration.Registration/ListByParentID", "LA"],
  ["/spire.api.registration.Registration/ListBySelector", "LA"],
  ["/spire.api.registration.Registration/ListBySelectors", "LA"],
  ["/spire.api.registration.Registration/ListBySpiffeID", "LA"],
  ["/spire.api.registration.Registration/ListAllEntriesWithPages", "LA"],
  ["/spire.api.registration.Registration/CreateFederatedBundle", "LA"],
  ["/spire.api.registration.Registration/FetchFederatedBundle", "LA"],
  ["/spire.api.registration.Registration/ListFederatedBundles", "LA"],
  ["/spire.api.registration.Registration/UpdateFederatedBundle", "LA"],
  ["/spire.api.registration.Registration/DeleteFederatedBundle", "LA"],
  ["/spire.api.registration.Registration/CreateJoinToken", "LA"],
  ["/spire.api.registration.Registration/FetchBundle", "LA"],
  ["/spire.api.registration.Registration/EvictAgent", "LA"],
  ["/spire.api.registration.Registration/ListAgents", "LA"],
  ["/spire.api.registration.Registration/MintX509SVID", "LA"],
  ["/spire.api.registration.Registration/MintJWTSVID", "LA"],
  ["/spire.api.registration.Registration/GetNodeSelectors", "LA"],
];

function served(): string[] {
  const defs = [...Object.values(Services).map((s) => serviceDefinition(s)), healthService as unknown as ServiceDefinition];
  return defs.flatMap((d) => Object.values(d).map((m) => m.path));
}

test('the default policy data decides every served method exactly as the built-in table did', () => {
  const engine = PolicyEngine.default();
  const expected = new Map(TABLE);
  const methods = served();
  assert.equal(methods.length, TABLE.length);
  for (const m of methods) {
    const flags = expected.get(m);
    assert.ok(flags !== undefined, `${m} is served but not in the table`);
    const r = engine.eval(m);
    const got = (r.allow ? 'G' : '') + (r.allowIfLocal ? 'L' : '') + (r.allowIfAdmin ? 'A' : '') + (r.allowIfDownstream ? 'D' : '') + (r.allowIfAgent ? 'T' : '');
    assert.equal(got, flags, m);
  }
});

test('the default policy data denies a method it does not name to everyone', () => {
  assert.deepEqual(PolicyEngine.default().eval('/spire.api.server.entry.v1.Entry/NoSuchMethod'), {
    allow: false,
    allowIfLocal: false,
    allowIfAdmin: false,
    allowIfDownstream: false,
    allowIfAgent: false,
  });
});

test('conf/server/policy_data.json is the default policy data, to start a policy from', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'conf', 'server', 'policy_data.json');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), defaultPolicyData());
});

test('conf/server/policy.rego, which the docs name in rego_path, is recognised as the default policy', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'conf', 'server', 'policy.rego');
  assert.deepEqual(recogniseDefaultPolicyRego(readFileSync(file, 'utf8')), { kind: 'default' });
});
