import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { awsKmsContractSetup } from './test-support.js';

runKeyManagerContract('aws_kms (KMS emulator, external over plugin_cmd)', awsKmsContractSetup('external'));
