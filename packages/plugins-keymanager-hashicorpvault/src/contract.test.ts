import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { contractSetup } from './test-support.js';

runKeyManagerContract('hashicorp_vault (Vault emulator, AppRole, in process)', contractSetup('in-process', 'approle_auth'));
