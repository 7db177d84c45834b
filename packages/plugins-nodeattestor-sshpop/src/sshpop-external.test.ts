import { after } from 'node:test';
import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { sshpopContract } from './contract-harness.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process for the file).
const contract = sshpopContract('external');
after(contract.close);
runNodeAttestorContract('sshpop (external, plugin_cmd over gRPC)', contract.setup);
