import { defaultPolicyData, REGISTRATION_ENTRY_METHODS } from '../../authpolicy/default-policy-data.js';
import { parsePolicyData } from '../../authpolicy/policy-data.js';
import type { RegistrationEntry } from '../../plugins/datastore/contract.js';
import type { IssuedCert } from '../ports.fake.js';
import { startHarness, type Harness } from './harness.js';
import { entry } from '../../cache/test-store.js';

/** The team-a registrar of the scoped-admin tests, and the prefix its entries must be under. */
export const TEAM_A_ADMIN = 'spiffe://example.org/registrars/team-a';
export const TEAM_A = 'spiffe://example.org/team-a/';

const ENTRY_METHODS = [
  '/spire.api.server.entry.v1.Entry/ListEntries',
  '/spire.api.server.entry.v1.Entry/GetEntry',
  '/spire.api.server.entry.v1.Entry/BatchCreateEntry',
  '/spire.api.server.entry.v1.Entry/BatchUpdateEntry',
  '/spire.api.server.entry.v1.Entry/BatchDeleteEntry',
  ...REGISTRATION_ENTRY_METHODS.map((m) => `/spire.api.registration.Registration/${m}`),
];

/**
 * The default policy data plus an `allow_callers` rule on every entry method that can be
 * scoped: TEAM_A_ADMIN may manage entries whose SPIFFE ID and parent ID are under TEAM_A.
 */
export function teamAPolicyData(): object {
  const data = defaultPolicyData() as { apis: object[] };
  for (const full_method of ENTRY_METHODS) {
    data.apis.push({
      full_method,
      allow_callers: [{ ids: [TEAM_A_ADMIN], entries: { spiffe_id_prefixes: [TEAM_A], parent_id_prefixes: [TEAM_A] } }],
    });
  }
  return data;
}

/** A stored entry of the tests: `team` is "team-a" or "team-b". */
export function storedEntry(id: string, team: string, name: string): RegistrationEntry {
  return entry(`spiffe://example.org/${team}/${name}`, `spiffe://example.org/${team}/node`, [{ type: 'unix', value: `uid:${name.length}` }], id);
}

/** A harness serving teamAPolicyData, with entries a1 (team-a) and b1 (team-b) stored, and SVIDs for the callers. */
export async function startScopedHarness(): Promise<{ h: Harness; teamA: IssuedCert; teamB: IssuedCert }> {
  const parsed = parsePolicyData(teamAPolicyData());
  if (!parsed.data) throw new Error(parsed.problems.join('; '));
  const h = await startHarness({ authPolicy: parsed.data });
  await h.ds.createRegistrationEntry(storedEntry('a1', 'team-a', 'w1'));
  await h.ds.createRegistrationEntry(storedEntry('b1', 'team-b', 'w1'));
  const teamA = await h.ca.issue(TEAM_A_ADMIN);
  const teamB = await h.ca.issue('spiffe://example.org/registrars/team-b');
  return { h, teamA, teamB };
}
