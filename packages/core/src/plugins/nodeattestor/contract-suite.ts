import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../../errors.js';
import { SpiffeId, serverId } from '../../spiffeid/index.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { ChallengeFn, NodeAttestor } from './contract.js';

/** What a NodeAttestor implementation gives its contract suite. */
export interface NodeAttestorHarness {
  attestor: NodeAttestor;
  trustDomain: TrustDomain;
  /** A fresh payload that must attest, with the agent side of any challenge. */
  valid(): Promise<{ payload: Uint8Array; respond: ChallengeFn }>;
  /** Payloads that must be refused, each with a name for the test title. */
  invalid(): Promise<{ name: string; payload: Uint8Array; respond?: ChallengeFn }[]>;
  /** True when the method issues at least one challenge. */
  challenges: boolean;
  close(): Promise<void>;
}

const refusedCodes = [Code.INVALID_ARGUMENT, Code.PERMISSION_DENIED, Code.UNAUTHENTICATED];

const noChallenge: ChallengeFn = async () => {
  throw new Error('the attestor issued a challenge the test did not expect');
};

/**
 * Registers the NodeAttestor contract tests under `describe(name)`. Every implementation runs it:
 * built-in, external over gRPC and fakes.
 */
export function runNodeAttestorContract(name: string, setup: () => Promise<NodeAttestorHarness>): void {
  describe(`NodeAttestor contract: ${name}`, () => {
    it('attests a valid payload to an agent ID in the trust domain', async () => {
      const h = await setup();
      try {
        const { payload, respond } = await h.valid();
        const attrs = await h.attestor.attest(payload, respond);
        const id = SpiffeId.parse(attrs.spiffeId);
        assert.ok(id.memberOf(h.trustDomain), `${attrs.spiffeId} is not in ${h.trustDomain.name}`);
        assert.ok(id.path.startsWith('/spire/agent/'), `${attrs.spiffeId} is not an agent ID`);
        assert.notEqual(attrs.spiffeId, serverId(h.trustDomain).toString());
        assert.ok(Array.isArray(attrs.selectorValues));
        for (const v of attrs.selectorValues) assert.equal(typeof v, 'string');
        assert.equal(typeof attrs.canReattest, 'boolean');
      } finally {
        await h.close();
      }
    });

    it('refuses every invalid payload with a refusal code', async () => {
      const h = await setup();
      try {
        for (const bad of await h.invalid()) {
          await assert.rejects(
            h.attestor.attest(bad.payload, bad.respond ?? noChallenge),
            (e: unknown) => e instanceof SpireError && refusedCodes.includes(e.code),
            `payload "${bad.name}" was not refused with InvalidArgument/PermissionDenied`,
          );
        }
      } finally {
        await h.close();
      }
    });

    it('fails when the agent cannot answer a challenge', async (t) => {
      const h = await setup();
      try {
        if (!h.challenges) {
          t.skip('this method issues no challenge');
          return;
        }
        const { payload } = await h.valid();
        await assert.rejects(h.attestor.attest(payload, async () => Uint8Array.from([0xde, 0xad])));
      } finally {
        await h.close();
      }
    });

    it('can be closed twice', async () => {
      const h = await setup();
      await h.attestor.close?.();
      await h.attestor.close?.();
      await h.close();
    });
  });
}
