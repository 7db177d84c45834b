import { after } from 'node:test';
import { runNodeAttestorContract, type NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { buildIidDocument, iidPayload } from '@spire-ts/emulator-aws';
import { agentStore, makeAttestor, payloadOf, seedInstance, startAws, td, type AwsTestEnv } from './emulator.test-support.js';

// The NodeAttestor contract, with aws_iid built through its descriptor and pointed at the emulator.
let started: Promise<AwsTestEnv> | undefined;
after(async () => (await started)?.close());

runNodeAttestorContract('aws_iid', async (): Promise<NodeAttestorHarness> => {
  const env = await (started ??= startAws());
  const attestor = await makeAttestor(env, {}, { host: agentStore() });
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: await payloadOf(env, seedInstance(env).instanceId), respond: async () => new Uint8Array() }),
    invalid: async () => {
      const mine = await env.aws.ec2.attestationData(seedInstance(env).instanceId);
      const other = buildIidDocument({ accountId: '999988887777', region: 'us-west-2', instanceId: 'i-0ffffffffffffffff' });
      return [
        { name: 'empty', payload: new Uint8Array() },
        { name: 'not JSON', payload: new TextEncoder().encode('nope') },
        { name: 'no signature', payload: iidPayload({ document: mine.document, signature: '', rsa2048: '' }) },
        { name: 'PKCS#7 of another document', payload: iidPayload({ ...mine, document: other }) },
        { name: 'RSA signature of another document', payload: iidPayload({ document: other, signature: mine.signature, rsa2048: '' }) },
      ];
    },
    close: async () => attestor.close?.(),
  };
});
