import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { azureKeyVaultContractSetup } from './test-support.js';

runKeyManagerContract('azure_key_vault (Azure emulator, in process)', azureKeyVaultContractSetup('in-process'));
