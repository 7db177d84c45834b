import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { emptyDistinguishedName, type CredentialComposer, type DistinguishedName, type X509SVIDAttributes } from './contract.js';

function assertName(dn: DistinguishedName): void {
  for (const k of ['country', 'organization', 'organizationalUnit', 'locality', 'province', 'streetAddress', 'postalCode'] as const) {
    assert.ok(Array.isArray(dn[k]) && dn[k].every((v) => typeof v === 'string'), `subject.${k} is a list of strings`);
  }
  assert.equal(typeof dn.commonName, 'string');
  assert.equal(typeof dn.serialNumber, 'string');
  assert.ok(dn.extraNames.every((e) => /^\d+(\.\d+)+$/.test(e.oid) && typeof e.stringValue === 'string'), 'extra names have OIDs');
}

function assertSvidAttrs(a: X509SVIDAttributes): void {
  assertName(a.subject);
  assert.ok(Array.isArray(a.dnsSans));
  assert.ok(a.extraExtensions.every((e) => /^\d+(\.\d+)+$/.test(e.oid) && e.value instanceof Uint8Array));
}

/**
 * Registers the CredentialComposer contract tests (node:test) for one implementation: every
 * compose method answers with well-formed attributes, leaves the caller's input untouched, gives
 * the same answer twice for the same input, and keeps JWT-SVID claims a JSON object with `sub`.
 */
export function runCredentialComposerContract(
  name: string,
  setup: () => Promise<{ cc: CredentialComposer; close(): Promise<void> }>,
): void {
  describe(`CredentialComposer contract: ${name}`, () => {
    let cc: CredentialComposer;
    let close: () => Promise<void>;
    before(async () => {
      const s = await setup();
      cc = s.cc;
      close = s.close;
    });
    after(async () => {
      await close?.();
    });
    const spki = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' }));
    const svid = (): X509SVIDAttributes => ({
      subject: { ...emptyDistinguishedName(), country: ['US'], organization: ['SPIRE'], commonName: 'web.example.org' },
      dnsSans: ['web.example.org'],
      extraExtensions: [],
    });

    it('composes a server X.509 CA', async () => {
      const input = { subject: { ...emptyDistinguishedName(), country: ['US'], organization: ['SPIFFE'] }, policyIdentifiers: [], extraExtensions: [] };
      const copy = structuredClone(input);
      const out = await cc.composeServerX509CA(input);
      assertName(out.subject);
      assert.deepEqual(input, copy, 'input untouched');
    });

    for (const kind of ['server', 'agent', 'workload'] as const) {
      it(`composes ${kind} X509-SVID attributes, the same way twice, without touching the input`, async () => {
        const input = svid();
        const copy = structuredClone(input);
        const call = () =>
          kind === 'server'
            ? cc.composeServerX509SVID(svid())
            : kind === 'agent'
              ? cc.composeAgentX509SVID(svid(), 'spiffe://example.org/spire/agent/x', spki)
              : cc.composeWorkloadX509SVID(svid(), 'spiffe://example.org/workload', spki);
        const a = await call();
        const b = await call();
        assertSvidAttrs(a);
        assert.deepEqual(a, b);
        if (kind === 'workload') {
          const c = await cc.composeWorkloadX509SVID(input, 'spiffe://example.org/workload', spki);
          assert.deepEqual(c, a);
        }
        assert.deepEqual(input, copy, 'input untouched');
      });
    }

    it('composes JWT-SVID claims', async () => {
      const input = { claims: { sub: 'spiffe://example.org/w', aud: ['a'], exp: 2, iat: 1 } };
      const copy = structuredClone(input);
      const out = await cc.composeWorkloadJWTSVID(input, 'spiffe://example.org/w');
      assert.equal(typeof out.claims, 'object');
      assert.equal(typeof out.claims.sub, 'string');
      assert.doesNotThrow(() => JSON.stringify(out.claims));
      assert.deepEqual(input, copy, 'input untouched');
    });
  });
}
