import { after } from 'node:test';
import { runNodeAttestorContract } from '@spire-ts/core/testing';
import { x509popContract } from './contract-harness.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process per mode). In spiffe mode the plugin
// reads the server bundle through the IdentityProvider host service over the go-plugin broker.
const bundle = x509popContract('external', 'ca-bundle');
const spiffe = x509popContract('external', 'spiffe');
after(async () => {
  await bundle.close();
  await spiffe.close();
});
runNodeAttestorContract('x509pop (external, plugin_cmd over gRPC)', bundle.setup);
runNodeAttestorContract('x509pop (spiffe mode; external, plugin_cmd over gRPC)', spiffe.setup);
