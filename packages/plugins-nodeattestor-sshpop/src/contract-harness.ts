import type { NodeAttestor } from '@spire-ts/core/plugin';
import type { NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type ServedAs, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { certify, hostKey, makeCa, payloadOf, responder, td } from './test-ssh.js';

/**
 * The NodeAttestor contract harness of sshpop (test support, not shipped behaviour): two SSH
 * certificate authorities made by ssh-keygen, the plugin trusting one of them, made in process or
 * served externally through plugin_cmd. The plugin is started once, at the first `setup`, and
 * shared by the suite's tests; call `close` once after the suite (node:test `after`).
 */
export function sshpopContract(servedAs: ServedAs): { setup: () => Promise<NodeAttestorHarness>; close: () => Promise<void> } {
  let starting: Promise<{ started: StartedTestPlugin<NodeAttestor>; ca: ReturnType<typeof makeCa>; other: ReturnType<typeof makeCa> }> | undefined;
  const start = async () => {
    const ca = makeCa();
    const other = makeCa();
    const started = await startDescriptorForTest<NodeAttestor>(servedAs, import.meta.resolve('./index.js'), 'sshpopNodeAttestor', {
      data: { cert_authorities: [ca.publicLine] },
    });
    return { started, ca, other };
  };
  const setup = async (): Promise<NodeAttestorHarness> => {
    const { started, ca, other } = await (starting ??= start());
    return {
      attestor: started.plugin,
      trustDomain: td,
      challenges: true,
      valid: async () => {
        const key = hostKey('ed25519');
        return { payload: payloadOf(certify(ca, key)), respond: responder(key) };
      },
      invalid: async () => {
        const key = hostKey('ed25519');
        const thief = hostKey('ed25519');
        return [
          { name: 'empty', payload: new Uint8Array() },
          { name: 'not JSON', payload: Buffer.from('nope') },
          { name: 'no certificate', payload: Buffer.from('{}') },
          { name: 'plain key, not a certificate', payload: payloadOf(Buffer.from(key.line.split(' ')[1]!, 'base64')) },
          { name: 'other CA', payload: payloadOf(certify(other, key)), respond: responder(key) },
          { name: 'key not held', payload: payloadOf(certify(ca, key)), respond: responder(thief) },
        ];
      },
      close: async () => {}, // shared by the suite; see `close` below
    };
  };
  return { setup, close: async () => (await starting)?.started.close() };
}
