import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import * as jose from 'jose';
import { joinTokenAttestor, RpcError, type AgentClient } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';
import { ServerProcess, run } from './harness.js';

const PERMISSION_DENIED = 7;
const INVALID_ARGUMENT = 3;

describe('agents against a real spire-server (join_token)', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };

  before(async () => {
    await server.start();
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
  });

  it('attests with a join token and gets an agent SVID for spiffe://<td>/spire/agent/join_token/<token>', async () => {
    const token = await server.joinToken();
    const agent = await newAgent();
    const r = await agent.attest(joinTokenAttestor(token));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/join_token/${token}`);
    assert.equal(r.reattestable, false);
    assert.equal(agent.leaf().subjectAltName, `URI:${r.spiffeId}`);
    const node = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: `/spire/agent/join_token/${token}` } });
    assert.equal(node.attestation_type, 'join_token');
    assert.equal(node.x509svid_serial_number, BigInt(`0x${agent.leaf().serialNumber}`).toString(10));
  });

  it('sees a new workload entry within one sync, gets its X509-SVID (openssl verify) and a JWT-SVID (jose)', async () => {
    const agent = await newAgent();
    const { spiffeId: agentId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
    await agent.sync();
    assert.equal(agent.entries.size, 0);
    const entryId = await server.createEntry({ spiffeId: 'spiffe://example.org/workload/web', parentId: agentId, selectors: [{ type: 'unix', value: 'uid:1000' }] });
    const stats = await agent.sync();
    assert.ok(agent.entries.has(entryId), `entry ${entryId} not in the first sync after creation: ${JSON.stringify(stats)}`);

    const x = await agent.newX509Svid(entryId);
    assert.equal(x.spiffeId, 'spiffe://example.org/workload/web');
    const dir = mkdtempSync(join(tmpdir(), 'spe2e-ossl-'));
    try {
      writeFileSync(join(dir, 'bundle.pem'), await server.bundlePem());
      writeFileSync(join(dir, 'svid.pem'), certsPem(x.certChain.slice(0, 1)));
      writeFileSync(join(dir, 'chain.pem'), certsPem(x.certChain.slice(1)) || '\n');
      const args = ['verify', '-CAfile', join(dir, 'bundle.pem')];
      if (x.certChain.length > 1) args.push('-untrusted', join(dir, 'chain.pem'));
      const out = run('openssl', [...args, join(dir, 'svid.pem')]);
      assert.match(out, /svid\.pem: OK/);
      const text = run('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'svid.pem')]);
      assert.match(text, /URI:spiffe:\/\/example\.org\/workload\/web/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const token = await agent.newJwtSvid(entryId, ['audience-1']);
    const bundle = await agent.getBundle();
    const jwks = {
      keys: await Promise.all(
        bundle.jwt_authorities.map(async (k) => {
          const spki = `-----BEGIN PUBLIC KEY-----\n${k.public_key.toString('base64')}\n-----END PUBLIC KEY-----`;
          const alg = new X509Certificate(bundle.x509_authorities[0]!.asn1).publicKey.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256';
          const { createPublicKey } = await import('node:crypto');
          const jwk = createPublicKey(spki).export({ format: 'jwk' });
          return { ...jwk, kid: k.key_id, ...(jwk.kty === 'RSA' ? { alg } : {}) };
        }),
      ),
    };
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks as jose.JSONWebKeySet), { audience: 'audience-1' });
    assert.equal(payload.sub, 'spiffe://example.org/workload/web');
  });

  it('renews: the new serial is recorded as new, then becomes current when the agent uses it', async () => {
    const agent = await newAgent();
    const { spiffeId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
    const path = new URL(spiffeId).pathname;
    const oldSerial = BigInt(`0x${agent.leaf().serialNumber}`).toString(10);
    await agent.renew();
    const newSerial = BigInt(`0x${agent.leaf().serialNumber}`).toString(10);
    assert.notEqual(newSerial, oldSerial);
    const before = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path } });
    assert.equal(before.x509svid_serial_number, oldSerial);
    await agent.sync(); // first call with the new SVID
    const after = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path } });
    assert.equal(after.x509svid_serial_number, newSerial);
  });

  it('refuses a join token that was already used', async () => {
    const token = await server.joinToken();
    await (await newAgent()).attest(joinTokenAttestor(token));
    await assert.rejects((await newAgent()).attest(joinTokenAttestor(token)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, INVALID_ARGUMENT);
      assert.equal(e.details, 'failed to attest: join token does not exist or has already been used');
      return true;
    });
  });

  it('of two concurrent attestations with one token, exactly one succeeds', async () => {
    const token = await server.joinToken();
    const [a, b] = [await newAgent(), await newAgent()];
    const results = await Promise.allSettled([a.attest(joinTokenAttestor(token)), b.attest(joinTokenAttestor(token))]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((failed.reason as RpcError).code, INVALID_ARGUMENT);
  });

  it("a banned agent's next call fails with PermissionDenied, and it cannot attest again", async () => {
    const agent = await newAgent();
    const { spiffeId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
    await agent.sync();
    await server.admin('agent', 'BanAgent', { id: { trust_domain: 'example.org', path: new URL(spiffeId).pathname } });
    await assert.rejects(agent.sync(), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, PERMISSION_DENIED);
      // SPIRE's agent shuts down on this reason, read from the status details.
      assert.equal(e.deniedReason, 'AGENT_BANNED');
      return true;
    });
  });

  it('a CSR that asks for another ID gets the entry ID, never the requested one', async () => {
    const agent = await newAgent();
    const { spiffeId: agentId } = await agent.attest(joinTokenAttestor(await server.joinToken()));
    const entryId = await server.createEntry({ spiffeId: 'spiffe://example.org/workload/honest', parentId: agentId, selectors: [{ type: 'unix', value: 'uid:1' }] });
    await agent.sync();
    const x = await agent.newX509Svid(entryId, { csrUri: 'spiffe://example.org/workload/admin-wannabe' }).catch((e: unknown) => e as Error);
    if (x instanceof Error) {
      assert.notEqual((x as RpcError).code, 0);
    } else {
      const leaf = new X509Certificate(x.certChain[0]!);
      assert.equal(leaf.subjectAltName, 'URI:spiffe://example.org/workload/honest');
    }
    // The agent SVID too: an attestation CSR asking for the server ID gets the agent ID.
    const other = await newAgent();
    const r = await other.attest(joinTokenAttestor(await server.joinToken()), { csrUri: 'spiffe://example.org/spire/server' });
    assert.equal(other.leaf().subjectAltName, `URI:${r.spiffeId}`);
  });

  it('refuses an entry the agent is not authorized for, in its per-item status', async () => {
    const a = await newAgent();
    const b = await newAgent();
    const { spiffeId: aId } = await a.attest(joinTokenAttestor(await server.joinToken()));
    await b.attest(joinTokenAttestor(await server.joinToken()));
    const entryId = await server.createEntry({ spiffeId: 'spiffe://example.org/workload/only-a', parentId: aId, selectors: [{ type: 'unix', value: 'uid:2' }] });
    await assert.rejects(b.newX509Svid(entryId), (e: unknown) => (e as { code: number }).code === 5 /* NOT_FOUND */);
    await assert.rejects(b.newJwtSvid(entryId, ['x']), (e: unknown) => e instanceof RpcError && e.code === 5);
  });
});
