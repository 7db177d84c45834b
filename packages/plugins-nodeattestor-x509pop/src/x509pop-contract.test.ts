import { runNodeAttestorContract } from '@spire-ts/core/testing';
import { issue, makeAttestor, payloadOf, pem, responder, td, tempFile } from './test-pki.js';

runNodeAttestorContract('x509pop', async () => {
  const root = await issue({ cn: 'Root', ca: true });
  const other = await issue({ cn: 'Other Root', ca: true });
  const attestor = await makeAttestor({ ca_bundle_path: tempFile('ca.pem', pem(root)) });
  return {
    attestor,
    trustDomain: td,
    challenges: true,
    valid: async () => {
      const leaf = await issue({ cn: 'node-1' }, root);
      return { payload: payloadOf(leaf), respond: responder(leaf.privateKey) };
    },
    invalid: async () => {
      const leaf = await issue({ cn: 'node-1' }, root);
      const stranger = await issue({ cn: 'node-2' }, other);
      const impostor = await issue({ cn: 'node-3' });
      return [
        { name: 'empty', payload: new Uint8Array() },
        { name: 'not JSON', payload: Buffer.from('{') },
        { name: 'no certificates', payload: Buffer.from('{"certificates":[]}') },
        { name: 'garbage certificate', payload: Buffer.from('{"certificates":["AAAA"]}') },
        { name: 'wrong CA', payload: payloadOf(stranger), respond: responder(stranger.privateKey) },
        { name: 'key not held', payload: payloadOf(leaf), respond: responder(impostor.privateKey) },
      ];
    },
    close: async () => {},
  };
});
