import type { PluginBundle } from './types.js';

/** spire.hostservice.server.identityprovider.v1: the server's identity and bundles. */
export interface IdentityProvider {
  fetchX509Identity(): Promise<{
    /** DER certificates, leaf first. */
    certChain: Uint8Array[];
    /** The private key is never handed out; callers sign through the server. */
    bundle: PluginBundle;
  }>;
}

/** spire.hostservice.server.agentstore.v1: lookups of attested agents. */
export interface AgentStore {
  getAgentInfo(agentId: string): Promise<{ agentId: string } | undefined>;
}

/** spire.hostservice.common.metrics.v1: counters, gauges and samples. */
export interface MetricsHost {
  incrCounter(key: string[], value: number, labels?: Record<string, string>): void;
  setGauge(key: string[], value: number, labels?: Record<string, string>): void;
  addSample(key: string[], value: number, labels?: Record<string, string>): void;
}

/**
 * Host services offered to plugins. A service is absent until the part of the server that backs
 * it has started; plugins must check before use.
 */
export interface HostServices {
  identityProvider?: IdentityProvider;
  agentStore?: AgentStore;
  metrics?: MetricsHost;
}
