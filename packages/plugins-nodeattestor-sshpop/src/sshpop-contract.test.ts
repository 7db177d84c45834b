import { after } from 'node:test';
import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { sshpopContract } from './contract-harness.js';

const contract = sshpopContract('in-process');
after(contract.close);
runNodeAttestorContract('sshpop', contract.setup);
