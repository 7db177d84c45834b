import { runCredentialComposerContract } from '@spire-ts/core/plugin/testing';
import { uniqueidContractSetup } from './contract-harness.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process for the suite).
runCredentialComposerContract('uniqueid (external, plugin_cmd over gRPC)', uniqueidContractSetup('external'));
