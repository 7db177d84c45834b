import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Code, emptyDistinguishedName, InProcessKeyManager, SpireError, TrustDomain } from '@spire-ts/core/plugin';
import { ServerCA, signerFor, selfSignX509CA, InlineSigningPool, workloadCsr } from '@spire-ts/core/ca-testing';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import { runCredentialComposerContract } from '@spire-ts/core/plugin/testing';
import { uniqueIdAttribute, UniqueIdComposer } from './index.js';
import { uniqueidContractSetup } from './contract-harness.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

runCredentialComposerContract('uniqueid', uniqueidContractSetup('in-process'));

describe('uniqueid', () => {
  it('computes the attribute as SPIRE: hex of the first 16 bytes of SHA-256 of the ID', () => {
    // Independent computation: `printf %s spiffe://example.org/workload | sha256sum | cut -c1-32`.
    assert.deepEqual(uniqueIdAttribute('spiffe://example.org/workload'), {
      oid: '2.5.4.45',
      stringValue: '9329e28c9448787df0fcb3c655605e51',
    });
  });

  it('adds the attribute to workload SVIDs only, replacing an existing one', async () => {
    const cc = new UniqueIdComposer();
    const base = { subject: { ...emptyDistinguishedName(), organization: ['SPIRE'] }, dnsSans: [], extraExtensions: [] };
    const w = await cc.composeWorkloadX509SVID(base, 'spiffe://example.org/w', new Uint8Array());
    assert.deepEqual(w.subject.extraNames, [uniqueIdAttribute('spiffe://example.org/w')]);
    assert.deepEqual(base.subject.extraNames, [], 'input untouched');
    const again = await cc.composeWorkloadX509SVID(w, 'spiffe://example.org/other', new Uint8Array());
    assert.deepEqual(again.subject.extraNames, [uniqueIdAttribute('spiffe://example.org/other')]);
    assert.deepEqual(await cc.composeAgentX509SVID(base), base);
    assert.deepEqual(await cc.composeServerX509SVID(base), base);
  });

  it('rejects a malformed SPIFFE ID', async () => {
    await assert.rejects(new UniqueIdComposer().composeWorkloadX509SVID({ subject: emptyDistinguishedName(), dnsSans: [], extraExtensions: [] }, 'http://x', new Uint8Array()), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.match(e.message, /^malformed SPIFFE ID: /);
      return true;
    });
  });
});

describe('uniqueid in a minted SVID', () => {
  let pool: InlineSigningPool;
  before(() => {
    pool = new InlineSigningPool();
  });
  after(async () => {
    await pool.close();
  });

  it('puts x509UniqueIdentifier in the workload subject; openssl shows it and verifies the SVID', async () => {
    const km = new InProcessKeyManager();
    await km.generateKey('x509-CA-A', 'ec-p256');
    const signer = await signerFor(km, 'x509-CA-A', pool);
    const now = Date.now();
    const cert = await selfSignX509CA(signer, { trustDomainId: 'spiffe://example.org' }, now, 3600_000);
    const ca = new ServerCA({ trustDomain: core.trustDomain, clock: { now: () => now }, credentialComposers: [new UniqueIdComposer()] });
    ca.setX509CA({ signer, certificate: cert, upstreamChain: [] });
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/workload', csr: workloadCsr().csr });
    assert.ok(opensslVerify([cert.der], certChain[0]!).ok);
    const text = opensslText(certChain[0]!);
    const expected = uniqueIdAttribute('spiffe://example.org/workload').stringValue;
    assert.match(text, new RegExp(`Subject: C ?= ?US, O ?= ?SPIRE, x500UniqueIdentifier ?= ?${expected}\\n`));
    // Server SVIDs are left alone.
    const server = await ca.signServerX509SVID({ publicKey: workloadCsr().spki });
    assert.doesNotMatch(opensslText(server.certChain[0]!), /x500UniqueIdentifier/);
  });
});
