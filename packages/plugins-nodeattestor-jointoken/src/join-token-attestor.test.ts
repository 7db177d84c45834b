import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError, TrustDomain } from '@spire-ts/core/plugin';
import { runNodeAttestorContract } from '@spire-ts/core/plugin/testing';
import { JoinTokenAttestor } from './join-token-attestor.js';
import { FakeJoinTokenStore } from './join-token-store.fake.js';

const td = TrustDomain.parse('example.org');
const now = Date.UTC(2026, 0, 1);
const later = now / 1000 + 600;
const noChallenge = async (): Promise<Uint8Array> => {
  throw new Error('join_token must not challenge');
};

function setup(): { store: FakeJoinTokenStore; attestor: JoinTokenAttestor } {
  const store = new FakeJoinTokenStore();
  return { store, attestor: new JoinTokenAttestor(td, { joinTokens: store }, () => now) };
}

function refusedWith(code: Code, message: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SpireError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  };
}

runNodeAttestorContract('join_token', async () => {
  const { store, attestor } = setup();
  store.add('expired', now / 1000 - 1);
  let n = 0;
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => {
      const token = `token-${n++}`;
      store.add(token, later);
      return { payload: Buffer.from(token), respond: noChallenge };
    },
    invalid: async () => [
      { name: 'empty', payload: new Uint8Array() },
      { name: 'unknown', payload: Buffer.from('nope') },
      { name: 'expired', payload: Buffer.from('expired') },
      { name: 'slash in token', payload: Buffer.from('a/b') },
    ],
    close: async () => {},
  };
});

describe('join_token attestation', () => {
  it('yields the join_token agent ID, no selectors, and no re-attestation', async () => {
    const { store, attestor } = setup();
    store.add('abc-123', later);
    const attrs = await attestor.attest(Buffer.from('abc-123'), noChallenge);
    assert.deepEqual(attrs, {
      spiffeId: 'spiffe://example.org/spire/agent/join_token/abc-123',
      selectorValues: [],
      canReattest: false,
    });
    assert.equal(store.has('abc-123'), false);
  });

  it('refuses a token used twice', async () => {
    const { store, attestor } = setup();
    store.add('once', later);
    await attestor.attest(Buffer.from('once'), noChallenge);
    await assert.rejects(
      attestor.attest(Buffer.from('once'), noChallenge),
      refusedWith(Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used'),
    );
  });

  it('lets exactly one of two concurrent attestations with one token succeed', async () => {
    const { store, attestor } = setup();
    store.add('race', later);
    const results = await Promise.allSettled([
      attestor.attest(Buffer.from('race'), noChallenge),
      attestor.attest(Buffer.from('race'), noChallenge),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.ok(failed && failed.status === 'rejected');
    refusedWith(Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used')(failed.reason);
  });

  it('refuses an unknown token', async () => {
    const { attestor } = setup();
    await assert.rejects(
      attestor.attest(Buffer.from('unknown'), noChallenge),
      refusedWith(Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used'),
    );
  });

  it('refuses an expired token and consumes it, as SPIRE does', async () => {
    const { store, attestor } = setup();
    store.add('old', now / 1000 - 1);
    await assert.rejects(attestor.attest(Buffer.from('old'), noChallenge), refusedWith(Code.INVALID_ARGUMENT, 'join token expired'));
    assert.equal(store.has('old'), false);
  });

  it('accepts a token in its last second', async () => {
    const { store, attestor } = setup();
    store.add('edge', now / 1000);
    const attrs = await attestor.attest(Buffer.from('edge'), noChallenge);
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/join_token/edge');
  });

  it('refuses an empty payload', async () => {
    const { attestor } = setup();
    await assert.rejects(attestor.attest(new Uint8Array(), noChallenge), refusedWith(Code.INVALID_ARGUMENT, 'missing attestation payload'));
  });

  it('refuses a token that breaks the SPIFFE ID path rules without touching the store', async () => {
    const { store, attestor } = setup();
    store.add('..', later);
    await assert.rejects(attestor.attest(Buffer.from('..'), noChallenge), (e: unknown) => e instanceof SpireError && e.code === Code.INVALID_ARGUMENT);
    assert.equal(store.has('..'), true);
  });

  it('fails with FAILED_PRECONDITION when the host has no join token store', async () => {
    const attestor = new JoinTokenAttestor(td, {}, () => now);
    await assert.rejects(
      attestor.attest(Buffer.from('t'), noChallenge),
      refusedWith(Code.FAILED_PRECONDITION, 'the join token store host service is not available yet'),
    );
  });

  it('maps a store failure to INTERNAL', async () => {
    const { store, attestor } = setup();
    store.failWith = new Error('disk I/O error');
    await assert.rejects(
      attestor.attest(Buffer.from('t'), noChallenge),
      refusedWith(Code.INTERNAL, 'failed to consume join token: disk I/O error'),
    );
  });
});
