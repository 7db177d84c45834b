import type { DataStore } from '../plugins/datastore/contract.js';
import type { KeyManager } from '../plugins/keymanager/contract.js';
import { instrumentCalls, type CallKeys, type Metrics } from '../telemetry/index.js';

const ds = (...parts: string[]): readonly string[] => ['datastore', ...parts];

/**
 * SPIRE's `datastore.*` call counter keys, by DataStore method. Methods of ours that upstream's
 * interface lacks are counted under the nearest upstream key: the batch create and the paged
 * scans under `create` and `list`, the one-step consume of a join token under `join_token.delete`
 * (upstream fetches, then deletes); the counts upstream has no key for get `count` keys of their
 * own. `ping` and `checkWritable` (health checks) and `eventIdSpacing` (a session setting, read once per
 * cache build) are not counted. The type makes a DataStore
 * method without a key a compile error.
 */
export const DATASTORE_CALL_KEYS: Record<Exclude<keyof DataStore, 'ping' | 'checkWritable' | 'eventIdSpacing' | 'close'>, readonly string[]> = {
  appendBundle: ds('bundle', 'append'),
  countBundles: ds('bundle', 'count'),
  createBundle: ds('bundle', 'create'),
  deleteBundle: ds('bundle', 'delete'),
  fetchBundle: ds('bundle', 'fetch'),
  listBundles: ds('bundle', 'list'),
  pruneBundle: ds('bundle', 'prune'),
  setBundle: ds('bundle', 'set'),
  updateBundle: ds('bundle', 'update'),
  taintX509CA: ds('bundle', 'x509', 'taint'),
  revokeX509CA: ds('bundle', 'x509', 'revoke'),
  taintJWTKey: ds('bundle', 'jwt', 'taint'),
  revokeJWTKey: ds('bundle', 'jwt', 'revoke'),
  countRegistrationEntries: ds('registration_entry', 'count'),
  createRegistrationEntry: ds('registration_entry', 'create'),
  createRegistrationEntries: ds('registration_entry', 'create'),
  createOrReturnRegistrationEntry: ds('registration_entry', 'create'),
  deleteRegistrationEntry: ds('registration_entry', 'delete'),
  fetchRegistrationEntry: ds('registration_entry', 'fetch'),
  fetchRegistrationEntries: ds('registration_entry', 'fetch'),
  listRegistrationEntries: ds('registration_entry', 'list'),
  scanRegistrationEntries: ds('registration_entry', 'list'),
  pruneRegistrationEntries: ds('registration_entry', 'prune'),
  updateRegistrationEntry: ds('registration_entry', 'update'),
  listRegistrationEntryEvents: ds('registration_entry_event', 'list'),
  pruneRegistrationEntryEvents: ds('registration_entry_event', 'prune'),
  fetchRegistrationEntryEvent: ds('registration_entry_event', 'fetch'),
  fetchRegistrationEntryEvents: ds('registration_entry_event', 'fetch'),
  countAttestedNodes: ds('node', 'count'),
  createAttestedNode: ds('node', 'create'),
  deleteAttestedNode: ds('node', 'delete'),
  fetchAttestedNode: ds('node', 'fetch'),
  fetchAttestedNodes: ds('node', 'fetch'),
  listAttestedNodes: ds('node', 'list'),
  scanAttestedNodes: ds('node', 'list'),
  updateAttestedNode: ds('node', 'update'),
  pruneAttestedExpiredNodes: ds('node', 'prune'),
  listAttestedNodeEvents: ds('node_event', 'list'),
  pruneAttestedNodeEvents: ds('node_event', 'prune'),
  fetchAttestedNodeEvent: ds('node_event', 'fetch'),
  fetchAttestedNodeEvents: ds('node_event', 'fetch'),
  getNodeSelectors: ds('node', 'selectors', 'fetch'),
  listNodeSelectors: ds('node', 'selectors', 'list'),
  setNodeSelectors: ds('node', 'selectors', 'set'),
  createJoinToken: ds('join_token', 'create'),
  deleteJoinToken: ds('join_token', 'delete'),
  fetchJoinToken: ds('join_token', 'fetch'),
  consumeJoinToken: ds('join_token', 'delete'),
  pruneJoinTokens: ds('join_token', 'prune'),
  countJoinTokens: ds('join_token', 'count'),
  createFederationRelationship: ds('federation_relationship', 'create'),
  fetchFederationRelationship: ds('federation_relationship', 'fetch'),
  listFederationRelationships: ds('federation_relationship', 'list'),
  deleteFederationRelationship: ds('federation_relationship', 'delete'),
  updateFederationRelationship: ds('federation_relationship', 'update'),
  countFederationRelationships: ds('federation_relationship', 'count'),
  setCAJournal: ds('ca_journal', 'set'),
  fetchCAJournal: ds('ca_journal', 'fetch'),
  pruneCAJournals: ds('ca_journal', 'prune'),
};

/** SPIRE's `server_key_manager.*` call counter keys, by KeyManager method. */
export const KEY_MANAGER_CALL_KEYS: CallKeys<KeyManager> & Record<'generateKey' | 'getPublicKey' | 'getPublicKeys' | 'signData', readonly string[]> = {
  generateKey: ['server_key_manager', 'generate_key'],
  getPublicKey: ['server_key_manager', 'get_public_key'],
  getPublicKeys: ['server_key_manager', 'get_public_keys'],
  signData: ['server_key_manager', 'sign_data'],
};

/** The DataStore with every call counted as SPIRE's `datastore.*` series (itself when telemetry is off). */
export function dataStoreWithMetrics(store: DataStore, metrics: Metrics): DataStore {
  return instrumentCalls(store, DATASTORE_CALL_KEYS, metrics);
}

/** The KeyManager with every call counted as SPIRE's `server_key_manager.*` series. */
export function keyManagerWithMetrics(km: KeyManager, metrics: Metrics): KeyManager {
  return instrumentCalls(km, KEY_MANAGER_CALL_KEYS, metrics);
}
