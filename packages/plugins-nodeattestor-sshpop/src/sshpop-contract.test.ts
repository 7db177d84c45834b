import { runNodeAttestorContract } from '@spire-ts/core/testing';
import { certify, hostKey, makeAttestor, makeCa, payloadOf, responder, td } from './test-ssh.js';

runNodeAttestorContract('sshpop', async () => {
  const ca = makeCa();
  const other = makeCa();
  const attestor = await makeAttestor({ cert_authorities: [ca.publicLine] });
  return {
    attestor,
    trustDomain: td,
    challenges: true,
    valid: async () => {
      const key = hostKey('ed25519');
      return { payload: payloadOf(certify(ca, key)), respond: responder(key) };
    },
    invalid: async () => {
      const key = hostKey('ed25519');
      const thief = hostKey('ed25519');
      return [
        { name: 'empty', payload: new Uint8Array() },
        { name: 'not JSON', payload: Buffer.from('nope') },
        { name: 'no certificate', payload: Buffer.from('{}') },
        { name: 'plain key, not a certificate', payload: payloadOf(Buffer.from(key.line.split(' ')[1]!, 'base64')) },
        { name: 'other CA', payload: payloadOf(certify(other, key)), respond: responder(key) },
        { name: 'key not held', payload: payloadOf(certify(ca, key)), respond: responder(thief) },
      ];
    },
    close: async () => {},
  };
});
