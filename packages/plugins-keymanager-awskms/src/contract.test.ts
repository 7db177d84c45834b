import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { awsKmsContractSetup } from './test-support.js';

runKeyManagerContract('aws_kms (KMS emulator, in process)', awsKmsContractSetup('in-process'));
