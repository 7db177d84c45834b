import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { TrustDomain, silentLogger, type ChallengeFn, type HostServices, type NodeAttestor, type PluginData } from '@spire-ts/core/plugin';
import { makeHttpChallengeNodeAttestor, type HttpChallengeInternalOptions } from './index.js';

// Test support: a real HTTP server on 127.0.0.1 playing the agent's side (not shipped behaviour).

export const td = TrustDomain.parse('example.org');
export const CHALLENGE_PATH = '/.well-known/spiffe/nodeattestor/http_challenge/default/challenge';

/** How the agent's server answers; the default serves the nonce it was last given. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse, nonce: string) => void;

export interface AgentServer {
  port: number;
  /** The last nonce the agent received in a challenge. */
  nonce: string;
  behave: Behaviour;
  requests: { path: string; host: string }[];
  close(): Promise<void>;
}

export const serveNonce: Behaviour = (_req, res, nonce) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`${nonce}\n`);
};

/** Starts the agent's server on 127.0.0.1, on `port` (default: an ephemeral one). Rejects when it cannot listen. */
export async function startAgentServer(port = 0): Promise<AgentServer> {
  const state = { nonce: '', behave: serveNonce, requests: [] as { path: string; host: string }[] };
  const server: Server = createServer((req, res) => {
    state.requests.push({ path: req.url ?? '', host: req.headers.host ?? '' });
    state.behave(req, res, state.nonce);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** The agent's payload. */
export function payload(hostname: string, port: number, agentname = 'default'): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ hostname, agentname, port }));
}

/** The agent's side of the challenge: hands the nonce to its server and answers `{}` as SPIRE's agent. */
export function respond(server: AgentServer): ChallengeFn & { challenges: string[] } {
  const challenges: string[] = [];
  const fn = async (c: Uint8Array) => {
    const text = Buffer.from(c).toString('utf8');
    challenges.push(text);
    server.nonce = (JSON.parse(text) as { nonce: string }).nonce;
    return new TextEncoder().encode('{}');
  };
  return Object.assign(fn, { challenges });
}

/** An agent server on a free port below 1024, or undefined when this process may not open one (not root). */
export async function startRootPortServer(): Promise<AgentServer | undefined> {
  for (let port = 1023; port > 900; port--) {
    try {
      return await startAgentServer(port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
    }
  }
  return undefined;
}

export function agentStore(ids: Set<string> = new Set()): HostServices & { ids: Set<string> } {
  return { ids, agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

/** plugin_data that lets the test's loopback agent in. */
export const LOOPBACK: PluginData = { allow_special_addresses: ['127.0.0.0/8'] };

/** http_challenge built through its descriptor; throws when the config has problems. */
export async function makeAttestor(data: PluginData = LOOPBACK, o: { host?: HostServices; opts?: HttpChallengeInternalOptions } = {}): Promise<NodeAttestor> {
  const d = makeHttpChallengeNodeAttestor({ timeoutMs: 5000, ...o.opts });
  const r = d.parseConfig(data, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, trustDomain: td, dataDir: tmpdir(), host: o.host ?? agentStore(), log: silentLogger() });
}

/** A resolver that answers from `table` and counts its calls. */
export function fakeResolver(table: Record<string, string[]>): ((h: string) => Promise<string[]>) & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (h: string) => {
    calls.push(h);
    const a = table[h];
    if (!a) throw new Error(`getaddrinfo ENOTFOUND ${h}`);
    return a;
  };
  return Object.assign(fn, { calls });
}
