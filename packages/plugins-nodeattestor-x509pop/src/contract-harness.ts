import type { HostServices, NodeAttestor } from '@spire-ts/core/plugin';
import type { NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type ServedAs, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { issue, payloadOf, pem, responder, td, tempFile, type Issued } from './test-pki.js';

/** The x509pop mode the contract runs in. */
export type X509popMode = 'external_pki' | 'spiffe';

interface Fixture {
  started: StartedTestPlugin<NodeAttestor>;
  root: Issued;
  other: Issued;
}

/**
 * The NodeAttestor contract harness of x509pop (test support, not shipped behaviour). In
 * `external_pki` mode the plugin trusts a root CA through ca_bundle_path; in `spiffe` mode it trusts
 * the server's X.509 bundle, which it fetches from the IdentityProvider host service (a fake
 * holding a test "server CA"; served externally, the plugin reaches it through the go-plugin
 * broker as it would in the server), and accepts SVIDs under /spire-exchange. The plugin is made
 * in process or served externally through plugin_cmd, once, at the first `setup`, and shared by
 * the suite's tests; call `close` once after the suite (node:test `after`).
 */
export function x509popContract(servedAs: ServedAs, mode: X509popMode): { setup: () => Promise<NodeAttestorHarness>; close: () => Promise<void> } {
  let starting: Promise<Fixture> | undefined;
  const start = async (): Promise<Fixture> => {
    const root = await issue({ cn: mode === 'spiffe' ? 'SPIRE Server CA' : 'Root', ca: true });
    const other = await issue({ cn: 'Other Root', ca: true });
    const host: HostServices = {
      identityProvider: {
        fetchX509Identity: async () => ({
          certChain: [],
          bundle: { trustDomain: td.name, x509Authorities: [{ asn1: root.der, tainted: false }], jwtAuthorities: [], refreshHint: 0, sequenceNumber: 1 },
        }),
      },
    };
    const data = mode === 'spiffe' ? { mode: 'spiffe' } : { ca_bundle_path: tempFile('ca.pem', pem(root)) };
    const started = await startDescriptorForTest<NodeAttestor>(servedAs, import.meta.resolve('./index.js'), 'x509popNodeAttestor', {
      data,
      ...(mode === 'spiffe' ? { host } : {}),
    });
    return { started, root, other };
  };
  // In spiffe mode the leaf is an SVID under the exchange prefix; in external_pki mode a plain cert.
  const leafOpts = (n: number) => (mode === 'spiffe' ? { cn: '', uris: [`spiffe://${td.name}/spire-exchange/node-${n}`] } : { cn: `node-${n}` });
  const setup = async (): Promise<NodeAttestorHarness> => {
    const { started, root, other } = await (starting ??= start());
    // Proof of possession comes before the SVID checks, so these answer the challenge.
    const signed = async (name: string, leaf: Issued) => ({ name, payload: payloadOf(leaf), respond: responder(leaf.privateKey) });
    const modeCases = async () =>
      mode === 'spiffe'
        ? [
            await signed('SVID outside the prefix', await issue({ cn: '', uris: [`spiffe://${td.name}/other/node-1`] }, root)),
            await signed('no SPIFFE ID', await issue({ cn: 'plain' }, root)),
          ]
        : [];
    return {
      attestor: started.plugin,
      trustDomain: td,
      challenges: true,
      valid: async () => {
        const leaf = await issue(leafOpts(1), root);
        return { payload: payloadOf(leaf), respond: responder(leaf.privateKey) };
      },
      invalid: async () => {
        const leaf = await issue(leafOpts(1), root);
        const stranger = await issue(leafOpts(2), other);
        const impostor = await issue({ cn: 'node-3' });
        return [
          { name: 'empty', payload: new Uint8Array() },
          { name: 'not JSON', payload: Buffer.from('{') },
          { name: 'no certificates', payload: Buffer.from('{"certificates":[]}') },
          { name: 'garbage certificate', payload: Buffer.from('{"certificates":["AAAA"]}') },
          { name: 'wrong CA', payload: payloadOf(stranger), respond: responder(stranger.privateKey) },
          { name: 'key not held', payload: payloadOf(leaf), respond: responder(impostor.privateKey) },
          ...(await modeCases()),
        ];
      },
      close: async () => {}, // shared by the suite; see `close` below
    };
  };
  return { setup, close: async () => (await starting)?.started.close() };
}
