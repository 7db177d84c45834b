import type { PluginType } from '../../plugins/types.js';
import { ExternalErrors } from '../../plugins/external-errors.js';
import type { ExternalPlugin } from './external-plugin.js';
import { bundlePublisherAdapter } from '../../plugins/bundlepublisher/host-adapter.js';
import { credentialComposerAdapter } from '../../plugins/credentialcomposer/host-adapter.js';
import { keyManagerAdapter } from '../../plugins/keymanager/host-adapter.js';
import { nodeAttestorAdapter } from '../../plugins/nodeattestor/host-adapter.js';
import { notifierAdapter } from '../../plugins/notifier/host-adapter.js';
import { upstreamAuthorityAdapter } from '../../plugins/upstreamauthority/host-adapter.js';

/** Host-side adapters, one per plugin type that may be external (every type but DataStore). */
const ADAPTERS: Partial<Record<PluginType, (p: ExternalPlugin) => object>> = {
  KeyManager: keyManagerAdapter,
  NodeAttestor: nodeAttestorAdapter,
  UpstreamAuthority: upstreamAuthorityAdapter,
  Notifier: notifierAdapter,
  BundlePublisher: bundlePublisherAdapter,
  CredentialComposer: credentialComposerAdapter,
};

/** The contract instance for a started plugin. Throws FAILED_PRECONDITION for DataStore. */
export function adapterFor(p: ExternalPlugin): object {
  const make = ADAPTERS[p.opts.type];
  if (!make) throw ExternalErrors.noPluginInterface(p.serviceNames);
  return make(p);
}
