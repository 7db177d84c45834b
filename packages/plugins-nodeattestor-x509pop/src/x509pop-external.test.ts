import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Code, type NodeAttestor } from '@spire-ts/core/plugin';
import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest, type StartedTestPlugin } from '@spire-ts/plugin-sdk/testing';
import { x509popContract } from './contract-harness.js';
import { issue, payloadOf, pem, responder, tempFile } from './test-pki.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process per mode). In spiffe mode the plugin
// reads the server bundle through the IdentityProvider host service over the go-plugin broker.
const bundle = x509popContract('external', 'external_pki');
const spiffe = x509popContract('external', 'spiffe');
after(async () => {
  await bundle.close();
  await spiffe.close();
});
runNodeAttestorContract('x509pop (external, plugin_cmd over gRPC)', bundle.setup);
runNodeAttestorContract('x509pop (spiffe mode; external, plugin_cmd over gRPC)', spiffe.setup);

describe('x509pop verify_client_ip, served externally', () => {
  let started: StartedTestPlugin<NodeAttestor> | undefined;
  after(async () => started?.close());

  it('receives the agent IP through the x-forwarded-client-ip header, as SPIRE sends it', async () => {
    const root = await issue({ cn: 'Root', ca: true });
    const leaf = await issue({ cn: 'n', ips: ['10.0.0.7'] }, root);
    started = await startDescriptorForTest<NodeAttestor>('external', import.meta.resolve('./index.js'), 'x509popNodeAttestor', {
      data: { ca_bundle_path: tempFile('ca.pem', pem(root)), verify_client_ip: true },
    });
    const a = started.plugin;
    const attrs = await a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '10.0.0.7' });
    assert.match(attrs.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/x509pop\//);
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey), { clientIp: '10.0.0.8' }), {
      code: Code.PERMISSION_DENIED,
      message: 'nodeattestor(x509pop): client IP 10.0.0.8 does not match any certificate IP SAN',
    });
    await assert.rejects(a.attest(payloadOf(leaf), responder(leaf.privateKey)), {
      code: Code.INTERNAL,
      message: 'nodeattestor(x509pop): client IP not available for verification',
    });
  });
});
