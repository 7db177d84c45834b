import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { TpmDevidAttestor } from './devid-attestor.js';
import { softwareTpm, td } from './software-tpm.test-support.js';
import { decodeChallengeResponse, encodeChallengeResponse } from './wire.js';

runNodeAttestorContract('tpm_devid', async () => {
  const s = await softwareTpm();
  return {
    attestor: new TpmDevidAttestor(s.config, td),
    trustDomain: td,
    challenges: true,
    valid: async () => ({ payload: s.payload(), respond: s.respond }),
    invalid: async () => {
      const stranger = await softwareTpm();
      return [
        { name: 'empty', payload: new Uint8Array() },
        { name: 'a DevID from another CA', payload: stranger.payload() },
        { name: 'another TPM’s EK', payload: s.payload({ ekCert: stranger.ek.cert, ekPub: stranger.ek.pub }) },
        {
          name: 'a wrong activation',
          payload: s.payload(),
          respond: async (c: Uint8Array) => {
            const answer = decodeChallengeResponse(await s.respond(c));
            return encodeChallengeResponse({ ...answer, credActivation: Buffer.alloc(32) });
          },
        },
      ];
    },
    close: async () => {},
  };
});
