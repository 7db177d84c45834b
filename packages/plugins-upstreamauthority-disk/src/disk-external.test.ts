import { runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { diskUpstreamContractSetup } from './contract-harness.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process per suite).
runUpstreamAuthorityContract('disk (self-signed upstream; external, plugin_cmd over gRPC)', diskUpstreamContractSetup('external', 'self-signed'));

runUpstreamAuthorityContract('disk (intermediate with bundle, RSA; external, plugin_cmd over gRPC)', diskUpstreamContractSetup('external', 'intermediate-rsa'));
