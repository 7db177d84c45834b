import { tmpdir } from 'node:os';
import type { NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { TrustDomain, silentLogger, type HostServices, type NodeAttestor, type PluginData } from '@spire-ts/core/plugin';
import { GcpEmulator, type MintOptions } from '@spire-ts/emulator-gcp';
import { makeGcpIitNodeAttestor, type GcpIitInternalOptions } from './index.js';

// Test support for gcp_iit's tests against the GCP emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');
export const PROJECT = 'test-project';

/** The emulator with process.env pointing ADC and SPIRE_TEST_GCP_ENDPOINT at it. */
export interface GcpTestEnv {
  gcp: GcpEmulator;
  close(): Promise<void>;
}

/** Starts the emulator and sets the environment a real server would be started with. */
export async function startGcp(): Promise<GcpTestEnv> {
  const gcp = await GcpEmulator.start();
  const vars = { ...gcp.env(), SPIRE_TEST_GCP_ENDPOINT: gcp.url, GOOGLE_APPLICATION_CREDENTIALS: '' };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === '') delete process.env[k];
    else process.env[k] = v;
  }
  return {
    gcp,
    close: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await gcp.close();
    },
  };
}

/** An AgentStore host service over a set of attested agent IDs (add to it to attest). */
export function agentStore(ids: Set<string> = new Set()): HostServices & { ids: Set<string> } {
  return { ids, agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

/** gcp_iit built through its descriptor, as the catalog does, with a 3 s deadline by default. */
export async function makeAttestor(data: PluginData = {}, o: { host?: HostServices; opts?: GcpIitInternalOptions } = {}): Promise<NodeAttestor> {
  const d = makeGcpIitNodeAttestor({ timeoutMs: 3000, ...o.opts });
  const r = d.parseConfig({ projectid_allow_list: [PROJECT], ...data }, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: o.host ?? agentStore() });
}

let seq = 0;

/** A token for a fresh instance of {@link PROJECT} (unless `o.instance` says otherwise). */
export async function tokenFor(env: GcpTestEnv, o: MintOptions = {}): Promise<Uint8Array> {
  const instanceId = String(7000000000000000000n + BigInt(++seq));
  const t = await env.gcp.iit.mint({ ...o, instance: { instanceId, ...o.instance } });
  return new TextEncoder().encode(t);
}

/** The NodeAttestor contract's harness: fresh instances' tokens, and forged or malformed ones. */
export function contractHarness(env: GcpTestEnv, attestor: NodeAttestor): NodeAttestorHarness {
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: await tokenFor(env), respond: async () => new Uint8Array() }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'not a JWT', payload: new TextEncoder().encode('nope') },
      { name: 'wrong audience', payload: await tokenFor(env, { audience: 'someone-else' }) },
      { name: 'expired', payload: await tokenFor(env, { iat: Math.floor(Date.now() / 1000) - 7200 }) },
    ],
    close: async () => {},
  };
}
