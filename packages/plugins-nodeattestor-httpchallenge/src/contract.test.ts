import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { agentStore, makeAttestor, payload, respond, startAgentServer, td, type AgentServer } from './agent-server.test-support.js';

// The NodeAttestor contract, with http_challenge built through its descriptor and a real agent HTTP server.
let started: Promise<AgentServer> | undefined;
after(async () => (await started)?.close());

let seq = 0;
runNodeAttestorContract('http_challenge', async (): Promise<NodeAttestorHarness> => {
  const srv = await (started ??= startAgentServer());
  const attestor = await makeAttestor(undefined, { host: agentStore() });
  return {
    attestor,
    trustDomain: td,
    challenges: true,
    // A distinct host name per attestation (all in 127.0.0.0/8) keeps TOFU out of the way.
    valid: async () => ({ payload: payload(`127.0.0.${++seq}`, srv.port), respond: respond(srv) }),
    invalid: async () => [
      { name: 'empty payload', payload: new Uint8Array() },
      { name: 'localhost', payload: payload('localhost', srv.port) },
      { name: 'wrong nonce', payload: payload('127.0.0.1', srv.port), respond: async () => new TextEncoder().encode('{}') },
    ],
    close: async () => undefined,
  };
});
