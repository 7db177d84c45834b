import type { PluginType } from '../../../plugins/types.js';
import { ExternalErrors } from '../errors.js';
import type { ExternalPlugin } from '../external-plugin.js';
import { bundlePublisherAdapter } from './bundlepublisher.js';
import { credentialComposerAdapter } from './credentialcomposer.js';
import { keyManagerAdapter } from './keymanager.js';
import { nodeAttestorAdapter } from './nodeattestor.js';
import { notifierAdapter } from './notifier.js';
import { upstreamAuthorityAdapter } from './upstreamauthority.js';

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
