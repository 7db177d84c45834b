import type { HostServices } from '../index.js';

/** Host services backed by plain data, recording what plugins emit through Metrics. */
export function fakeHost(opts: { agents?: string[]; certChain?: Uint8Array[]; trustDomain?: string } = {}) {
  const metrics: { kind: string; key: string[]; value: number; labels?: Record<string, string> }[] = [];
  const host: HostServices = {
    identityProvider: {
      async fetchX509Identity() {
        return {
          certChain: opts.certChain ?? [],
          bundle: { trustDomain: opts.trustDomain ?? 'example.org', x509Authorities: [], jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 },
        };
      },
    },
    agentStore: {
      async getAgentInfo(agentId) {
        return (opts.agents ?? []).includes(agentId) ? { agentId } : undefined;
      },
    },
    metrics: {
      incrCounter: (key, value, labels) => metrics.push({ kind: 'counter', key, value, labels }),
      setGauge: (key, value, labels) => metrics.push({ kind: 'gauge', key, value, labels }),
      addSample: (key, value, labels) => metrics.push({ kind: 'sample', key, value, labels }),
    },
  };
  return { host, metrics };
}
