import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Swtpm, swtpmSkipReason, TestCa, TpmDevidAgent, decodeChallenge, encodeChallengeResponse } from '@spire-ts/plugins-nodeattestor-tpmdevid/testing';
import { AgentClient, RpcError, challengedAttestor } from '../agent/index.js';
import { ServerProcess } from './harness.js';

const INVALID_ARGUMENT = 3;
const skip = swtpmSkipReason();

describe('tpm_devid against a real spire-server and a swtpm-backed agent', { skip, timeout: 240_000 }, () => {
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  let tpm: Swtpm;
  let agent: TpmDevidAgent;
  let root: TestCa;
  let intermediate: TestCa;
  let chain: Buffer[];

  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };
  const attestor = async (devIdChain: Buffer[], respond = agent.respond()) =>
    challengedAttestor('tpm_devid', await agent.payload(devIdChain), async (c) => respond(c));

  before(async () => {
    tpm = await Swtpm.start();
    agent = await TpmDevidAgent.provision(tpm, 'rsa');
    root = await TestCa.create('DevID Root CA');
    intermediate = await TestCa.create('DevID Intermediate CA', root);
    chain = [await intermediate.issue({ cn: 'node-1', publicKey: agent.devId.publicKey }), intermediate.der];
    await server.start({
      files: { 'devid-ca.pem': root.pem, 'endorsement-ca.pem': tpm.endorsementCaPem },
      extraPlugins: `
  NodeAttestor "tpm_devid" {
    plugin_data {
      devid_ca_path = "${server.dir}/devid-ca.pem"
      endorsement_ca_path = "${server.dir}/endorsement-ca.pem"
    }
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
    tpm?.stop();
  });

  it('attests with the TPM-resident DevID over the attestation stream and gets an SVID with the expected ID and selectors', async () => {
    const a = await newAgent();
    const r = await a.attest(await attestor(chain));
    const expected = `spiffe://example.org/spire/agent/tpm_devid/${createHash('sha1').update(chain[0]!).digest('hex')}`;
    assert.equal(r.spiffeId, expected);
    assert.equal(r.reattestable, true);
    const svid = new X509Certificate(a.svid!.certChain[0]!);
    assert.equal(svid.subjectAltName, `URI:${expected}`);
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(expected).pathname } });
    assert.equal(got.attestation_type, 'tpm_devid');
    assert.equal(got.can_reattest, true);
    const fp = (der: Buffer) => createHash('sha1').update(der).digest('hex');
    assert.deepEqual(got.selectors.map((s: { type: string; value: string }) => `${s.type}:${s.value}`).sort(), [
      `tpm_devid:ca:fingerprint:${fp(intermediate.der)}`,
      `tpm_devid:ca:fingerprint:${fp(root.der)}`,
      'tpm_devid:issuer:cn:DevID Intermediate CA',
      'tpm_devid:subject:cn:node-1',
    ].sort());
    // A TPM-backed DevID may attest again (no TOFU).
    assert.equal((await (await newAgent()).attest(await attestor(chain))).spiffeId, expected);
  });

  it('refuses a DevID certificate from an unknown CA with SPIRE’s code and message', async () => {
    const stranger = await TestCa.create('Stranger DevID CA');
    const leaf = await stranger.issue({ cn: 'node-1', publicKey: agent.devId.publicKey });
    await assert.rejects((await newAgent()).attest(await attestor([leaf])), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, INVALID_ARGUMENT);
      assert.equal(e.details, 'nodeattestor(tpm_devid): unable to verify DevID signature: verification failed: x509: certificate signed by unknown authority');
      return true;
    });
  });

  it('refuses a wrong activated nonce after the challenge round', async () => {
    const wrong = async (bytes: Uint8Array) => {
      const c = decodeChallenge(bytes);
      return encodeChallengeResponse({ devId: await agent.sign(c.devId), credActivation: Buffer.alloc(32) });
    };
    await assert.rejects((await newAgent()).attest(await attestor(chain, wrong)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, INVALID_ARGUMENT);
      assert.equal(e.details, 'nodeattestor(tpm_devid): credential activation failed: nonces are different');
      return true;
    });
  });
});
