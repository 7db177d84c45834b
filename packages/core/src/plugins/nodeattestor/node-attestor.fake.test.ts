import { TrustDomain } from '../../spiffeid/index.js';
import { runNodeAttestorContract } from './contract-suite.js';
import { FakeNodeAttestor } from './node-attestor.fake.js';

runNodeAttestorContract('fake', async () => {
  const trustDomain = TrustDomain.parse('example.org');
  const attestor = new FakeNodeAttestor(trustDomain, new Set(['node-a']));
  return {
    attestor,
    trustDomain,
    challenges: true,
    valid: async () => ({ payload: Buffer.from('node-a'), respond: async (c) => c }),
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'unknown node', payload: Buffer.from('node-z'), respond: async (c) => c },
      { name: 'wrong echo', payload: Buffer.from('node-a'), respond: async () => Buffer.alloc(16) },
    ],
    close: async () => {},
  };
});
