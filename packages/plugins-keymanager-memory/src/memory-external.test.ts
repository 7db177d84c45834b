import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { memoryContractSetup } from './contract-harness.js';

// The same contract, with the plugin served through the SDK as a plugin_cmd executable and
// loaded through the server's catalog (one plugin process for the suite).
runKeyManagerContract('memory (external, plugin_cmd over gRPC)', memoryContractSetup('external'));
