import type { ServiceRef } from '../di/service-ref.js';
import type { CountRule } from './count-rule.js';
import type { PluginType } from './types.js';
import { BUNDLE_PUBLISHERS, bundlePublisherCount } from './bundlepublisher/contract.js';
import { CREDENTIAL_COMPOSERS, credentialComposerCount } from './credentialcomposer/contract.js';
import { DATA_STORE, dataStoreCount } from './datastore/contract.js';
import { KEY_MANAGER, keyManagerCount } from './keymanager/contract.js';
import { NODE_ATTESTORS, nodeAttestorCount } from './nodeattestor/contract.js';
import { NOTIFIERS, notifierCount } from './notifier/contract.js';
import { UPSTREAM_AUTHORITY, upstreamAuthorityCount } from './upstreamauthority/contract.js';

/** Per plugin type: how many may load, and the DI ref its instance (or list) is bound to. */
export interface PluginTypeInfo {
  readonly count: CountRule;
  /** The type's ref (typed by its contract; the catalog binds the instances it built). */
  readonly token: ServiceRef<unknown>;
  /** True when the token holds a list of instances rather than one. */
  readonly many: boolean;
}

/** Every plugin type's rule and token, in the order SPIRE loads them. */
export const PLUGIN_TYPE_INFO: Readonly<Record<PluginType, PluginTypeInfo>> = {
  DataStore: { count: dataStoreCount, token: DATA_STORE, many: false },
  KeyManager: { count: keyManagerCount, token: KEY_MANAGER, many: false },
  UpstreamAuthority: { count: upstreamAuthorityCount, token: UPSTREAM_AUTHORITY, many: false },
  NodeAttestor: { count: nodeAttestorCount, token: NODE_ATTESTORS, many: true },
  Notifier: { count: notifierCount, token: NOTIFIERS, many: true },
  BundlePublisher: { count: bundlePublisherCount, token: BUNDLE_PUBLISHERS, many: true },
  CredentialComposer: { count: credentialComposerCount, token: CREDENTIAL_COMPOSERS, many: true },
};
