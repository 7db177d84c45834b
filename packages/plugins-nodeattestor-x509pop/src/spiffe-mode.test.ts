import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError, type HostServices } from '@spire-ts/core/plugin';
import { issue, makeAttestor, payloadOf, responder } from './test-pki.js';

describe('x509pop spiffe mode', async () => {
  const serverCa = await issue({ cn: 'SPIRE Server CA', ca: true });
  const host: HostServices = {
    identityProvider: {
      fetchX509Identity: async () => ({
        certChain: [],
        bundle: { trustDomain: 'example.org', x509Authorities: [{ asn1: serverCa.der, tainted: false }], jwtAuthorities: [], refreshHint: 0, sequenceNumber: 1 },
      }),
    },
  };

  it('exchanges an SVID under the prefix for an agent ID from the trimmed path', async () => {
    const svid = await issue({ cn: '', uris: ['spiffe://example.org/spire-exchange/host-1'] }, serverCa);
    const a = await makeAttestor({ mode: 'spiffe' }, host);
    const attrs = await a.attest(payloadOf(svid), responder(svid.privateKey));
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/x509pop/host-1');
    assert.ok(!attrs.selectorValues.some((s) => s.startsWith('subject:cn:')));
  });

  it('refuses an SVID outside the prefix, and a certificate without a SPIFFE ID', async () => {
    const a = await makeAttestor({ mode: 'spiffe' }, host);
    const other = await issue({ cn: 'x', uris: ['spiffe://example.org/other/host-1'] }, serverCa);
    await assert.rejects(a.attest(payloadOf(other), responder(other.privateKey)), (e: unknown) => e instanceof SpireError && e.code === Code.PERMISSION_DENIED && e.message === 'x509 cert doesnt match SVID prefix');
    const plain = await issue({ cn: 'x' }, serverCa);
    await assert.rejects(a.attest(payloadOf(plain), responder(plain.privateKey)), (e: unknown) => e instanceof SpireError && e.message === 'valid SVID x509 cert not found');
  });

  it('fails with INTERNAL when the IdentityProvider is not there', async () => {
    const svid = await issue({ cn: '', uris: ['spiffe://example.org/spire-exchange/h'] }, serverCa);
    const a = await makeAttestor({ mode: 'spiffe' }, {});
    await assert.rejects(a.attest(payloadOf(svid), responder(svid.privateKey)), (e: unknown) => e instanceof SpireError && e.code === Code.INTERNAL && /^failed to get trust bundle: /.test(e.message));
  });
});
