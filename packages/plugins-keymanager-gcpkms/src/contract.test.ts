import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { gcpKmsContractSetup } from './test-support.js';

// A Cloud KMS key version has one algorithm: RSA keys here sign PKCS#1 v1.5 over SHA-256 only, as
// in SPIRE (whose CA asks for nothing else); the suite reports the other RSA cases as skipped.
const caps = { rsaHashes: ['SHA256'], rsaPss: false } as const;

runKeyManagerContract('gcp_kms (Cloud KMS emulator, in process)', gcpKmsContractSetup('in-process'), caps);
runKeyManagerContract('gcp_kms (Cloud KMS emulator, external over plugin_cmd)', gcpKmsContractSetup('external'), caps);
