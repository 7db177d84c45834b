import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type * as grpc from '@grpc/grpc-js';
import { Code, SpireError } from '../errors.js';
import type { AgentAttributes, ChallengeFn, NodeAttestor } from '../plugins/nodeattestor/contract.js';
import { makeCsr } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

/** A scripted attestor: the payload names the agent; "challenge" asks one round trip first. */
class ScriptedAttestor implements NodeAttestor {
  peers: (string | undefined)[] = [];
  canReattest = true;
  async attest(payload: Uint8Array, challenge: ChallengeFn, peer?: { clientIp?: string }): Promise<AgentAttributes> {
    this.peers.push(peer?.clientIp);
    const p = Buffer.from(payload).toString();
    if (p.startsWith('challenge:')) {
      const answer = Buffer.from(await challenge(Buffer.from('prove it'))).toString();
      if (answer !== 'proof') throw new SpireError(Code.PERMISSION_DENIED, 'bad proof');
    }
    const id = p.replace(/^challenge:/, '');
    return { spiffeId: id, selectorValues: ['cn:x', 'cn:x', 'cluster:y'], canReattest: this.canReattest };
  }
  close(): void {}
}

let h: Harness;
const attestor = new ScriptedAttestor();

before(async () => {
  h = await startHarness({ nodeAttestors: (n) => (n === 'scripted' ? attestor : undefined), agentSpiffeIdAsSelector: true });
});
after(async () => h.close());

interface Outcome {
  result?: { svid: { id: { path: string }; cert_chain: Buffer[] }; reattestable: boolean };
  challenges: string[];
  error?: { code: number; details: string };
}

async function attest(type: string, payload: string, opts: { answer?: string; csr?: Buffer | null } = {}): Promise<Outcome> {
  const csr = opts.csr === undefined ? (await makeCsr({})).der : opts.csr;
  const call = (h.tcp('agent').raw as unknown as { AttestAgent(): grpc.ClientDuplexStream<unknown, unknown> }).AttestAgent();
  const out: Outcome = { challenges: [] };
  return new Promise((resolve) => {
    call.on('data', (m: { step: string; challenge: Buffer; result: Outcome['result'] }) => {
      if (m.step === 'challenge') {
        out.challenges.push(m.challenge.toString());
        call.write({ challenge_response: Buffer.from(opts.answer ?? 'proof') });
      } else {
        out.result = m.result;
        call.end();
      }
    });
    call.on('error', (e: grpc.ServiceError) => {
      out.error = { code: e.code, details: e.details };
      resolve(out);
    });
    call.on('end', () => resolve(out));
    call.write({ params: { data: { type, payload: Buffer.from(payload) }, params: csr ? { csr } : null } });
  });
}

test('relays challenge rounds, stores the node, its deduplicated selectors (type = attestor) and the peer IP reaches the plugin', async () => {
  const id = 'spiffe://example.org/spire/agent/scripted/n1';
  const r = await attest('scripted', `challenge:${id}`);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.challenges, ['prove it']);
  assert.equal(r.result!.svid.id.path, '/spire/agent/scripted/n1');
  assert.equal(r.result!.reattestable, true);
  assert.equal(attestor.peers.at(-1), '127.0.0.1');
  const node = await h.ds.fetchAttestedNode(id);
  assert.equal(node?.attestationDataType, 'scripted');
  assert.equal(node?.canReattest, true);
  const sel = (await h.ds.getNodeSelectors(id)).map((s) => `${s.type}:${s.value}`).sort();
  assert.deepEqual(sel, ['scripted:cluster:y', 'scripted:cn:x', `spiffe_id:${id}`]);
});

test('stores the node selectors deduplicated and sorted by type, then value, as SPIRE\'s selector.Dedupe', async () => {
  const id = 'spiffe://example.org/spire/agent/scripted/sorted';
  assert.equal((await attest('scripted', id)).error, undefined);
  const sel = (await h.ds.getNodeSelectors(id)).map((s) => `${s.type}:${s.value}`);
  assert.deepEqual(sel, ['scripted:cluster:y', 'scripted:cn:x', `spiffe_id:${id}`]);
});

test('a failed proof keeps the plugin status and stores nothing', async () => {
  const id = 'spiffe://example.org/spire/agent/scripted/liar';
  const r = await attest('scripted', `challenge:${id}`, { answer: 'nonsense' });
  assert.deepEqual(r.error, { code: 7, details: 'bad proof' });
  assert.equal(await h.ds.fetchAttestedNode(id), undefined);
});

test('malformed params name what is missing', async () => {
  assert.deepEqual((await attest('scripted', 'x', { csr: null })).error, { code: 3, details: 'malformed param: missing X509-SVID parameters' });
  assert.deepEqual((await attest('', 'x')).error, { code: 3, details: 'malformed param: missing attestation data type' });
  assert.deepEqual((await attest('scripted', '')).error, { code: 3, details: 'malformed param: missing attestation data payload' });
  assert.deepEqual((await attest('scripted', 'spiffe://example.org/spire/agent/scripted/bad-csr', { csr: Buffer.from('nope') })).error?.code, 3);
});

test('the agent ID may not be the server ID nor leave the trust domain', async () => {
  assert.deepEqual((await attest('scripted', 'spiffe://example.org/spire/server')).error, { code: 13, details: 'agent ID cannot collide with the server ID' });
  const other = await attest('scripted', 'spiffe://other.org/spire/agent/scripted/x');
  assert.equal(other.error?.code, 13);
  assert.match(other.error!.details, /^invalid agent ID: .*not a member of trust domain/);
  assert.equal((await attest('scripted', 'not an id')).error?.code, 13);
});

test('an existing agent that may not re-attest is refused; a banned one too', async () => {
  attestor.canReattest = false;
  try {
    const id = 'spiffe://example.org/spire/agent/scripted/once';
    assert.equal((await attest('scripted', id)).error, undefined);
    assert.deepEqual((await attest('scripted', id)).error, { code: 7, details: 'failed to attest: attestation data has already been used to attest an agent' });
  } finally {
    attestor.canReattest = true;
  }
  const id = 'spiffe://example.org/spire/agent/scripted/banned';
  assert.equal((await attest('scripted', id)).error, undefined);
  await h.local('agent').call('BanAgent', { id: { trust_domain: 'example.org', path: '/spire/agent/scripted/banned' } });
  assert.deepEqual((await attest('scripted', id)).error, { code: 7, details: 'failed to attest: agent is banned' });
});

test('join_token works without a configured plugin; an unknown or expired token is refused', async () => {
  await h.ds.createJoinToken({ token: 'tok-1', expiry: Math.floor(Date.now() / 1000) + 60 });
  await h.ds.createJoinToken({ token: 'tok-old', expiry: Math.floor(Date.now() / 1000) - 60 });
  const ok = await attest('join_token', 'tok-1');
  assert.equal(ok.result?.svid.id.path, '/spire/agent/join_token/tok-1');
  assert.equal(ok.result?.reattestable, false);
  assert.deepEqual((await attest('join_token', 'tok-1')).error, { code: 3, details: 'failed to attest: join token does not exist or has already been used' });
  assert.deepEqual((await attest('join_token', 'tok-old')).error, { code: 3, details: 'join token expired' });
  assert.equal(await h.ds.fetchJoinToken('tok-old'), undefined);
});

test('a join token is expired as soon as its expiry instant has passed, within its last second too (SPIRE: Expiry.Before(now))', async () => {
  // Start early in a second, so the attestation runs in the same second as the token's expiry.
  while (Date.now() % 1000 > 300) await new Promise((r) => setTimeout(r, 20));
  const expiry = Math.floor(Date.now() / 1000);
  await h.ds.createJoinToken({ token: 'tok-last-second', expiry });
  while (Date.now() <= expiry * 1000) await new Promise((r) => setTimeout(r, 1));
  assert.deepEqual((await attest('join_token', 'tok-last-second')).error, { code: 3, details: 'join token expired' });
});

test('an unconfigured attestor type is FailedPrecondition', async () => {
  assert.deepEqual((await attest('aws_iid', 'x')).error, { code: 9, details: 'error getting node attestor: could not find node attestor type "aws_iid"' });
});
