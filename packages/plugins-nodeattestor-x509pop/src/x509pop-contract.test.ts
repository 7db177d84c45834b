import { after } from 'node:test';
import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { x509popContract } from './contract-harness.js';

const bundle = x509popContract('in-process', 'external_pki');
const spiffe = x509popContract('in-process', 'spiffe');
after(async () => {
  await bundle.close();
  await spiffe.close();
});
runNodeAttestorContract('x509pop', bundle.setup);
runNodeAttestorContract('x509pop (spiffe mode)', spiffe.setup);
