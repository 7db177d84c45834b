import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { contractSetup } from './test-support.js';

runKeyManagerContract('hashicorp_vault (Vault emulator, cert auth, external over plugin_cmd)', contractSetup('external', 'cert_auth'));
