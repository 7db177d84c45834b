import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { CertManagerUpstreamAuthority, TRUST_DOMAIN_LABEL } from './cert-manager-authority.js';
import type { CertificateRequest } from './certificate-requests.js';
import { FakeCertificateRequests, type FakeIssuer } from './certificate-requests.fake.js';
import { parseCertManagerConfig } from './config.js';
import { core, first, opensslMaterial, TD } from './test-support.js';

const config = parseCertManagerConfig({ issuer_name: 'spire-ca', issuer_kind: 'ClusterIssuer', namespace: 'sandbox' }, core).config!;
const { csr, caPem } = opensslMaterial();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const fastPoll = { intervalMs: 2, attempts: 5 };

function setup(issuer: FakeIssuer) {
  const fake = new FakeCertificateRequests(issuer);
  const ua = new CertManagerUpstreamAuthority(config, fake, silentLogger(), fastPoll);
  return { fake, ua, mint: () => first(ua.mintX509CAAndSubscribe({ csr, preferredTtlSeconds: 3600 })) };
}


const signed: FakeIssuer = (_cr, reads) =>
  reads < 2 ? undefined : { conditions: [{ type: 'Ready', status: 'True', reason: 'Issued' }], certificate: b64(caPem), ca: b64(caPem) };

describe('cert-manager UpstreamAuthority (fake API)', () => {
  it('creates the request SPIRE creates', async () => {
    const { fake, mint } = setup(signed);
    await mint();
    assert.deepEqual(fake.calls.slice(0, 1), ['create']);
    const created = [...fake.store.values()];
    assert.equal(created.length, 0, 'the signed request was cleaned up');
    const first = setup(() => undefined);
    await assert.rejects(first.mint());
    const cr = [...first.fake.store.values()][0]!;
    assert.deepEqual(cr.metadata, { generateName: 'spiffe-ca-', name: 'spiffe-ca-1', namespace: 'sandbox', labels: { [TRUST_DOMAIN_LABEL]: TD } });
    assert.deepEqual({ ...cr.spec, request: undefined }, {
      duration: '1h0m0s',
      issuerRef: { name: 'spire-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      request: undefined,
      isCA: true,
      usages: ['cert sign', 'crl sign'],
    });
    const pem = Buffer.from(cr.spec.request, 'base64').toString();
    assert.match(pem, /^-----BEGIN CERTIFICATE REQUEST-----\n/);
    assert.equal(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString('hex'), Buffer.from(csr).toString('hex'));
  });

  it('returns the chain and the roots once the request is signed', async () => {
    const { fake, mint } = setup(signed);
    const res = await mint();
    assert.equal(res.x509CaChain.length, 1);
    assert.equal(new X509Certificate(res.upstreamX509Roots[0]!.asn1).subject, 'CN=upstream');
    assert.deepEqual(fake.calls, ['create', 'get', 'get', 'list', 'delete']);
  });

  it('a denied request is PERMISSION_DENIED and is deleted', async () => {
    const { fake, mint } = setup(() => ({ conditions: [{ type: 'Denied', status: 'True', reason: 'Policy' }] }));
    await rejectsWith(mint(), Code.PERMISSION_DENIED, 'request has been denied');
    assert.equal(fake.store.size, 0);
  });

  it('a failed request is INTERNAL and is deleted', async () => {
    const { fake, mint } = setup(() => ({ conditions: [{ type: 'Ready', status: 'False', reason: 'Failed' }] }));
    await rejectsWith(mint(), Code.INTERNAL, 'request has failed');
    assert.equal(fake.store.size, 0);
  });

  it('Ready=False for another reason keeps waiting', async () => {
    const { fake, mint } = setup(() => ({ conditions: [{ type: 'Ready', status: 'False', reason: 'Pending' }] }));
    await rejectsWith(mint(), Code.INTERNAL, 'request did not become ready in time');
    assert.equal(fake.calls.filter((c) => c === 'get').length, fastPoll.attempts);
  });

  it('a request never signed: bounded wait, clear error, the pending request is left alone', async () => {
    const { fake, mint } = setup(() => undefined);
    await rejectsWith(mint(), Code.INTERNAL, 'request did not become ready in time');
    assert.equal(fake.calls.filter((c) => c === 'get').length, fastPoll.attempts);
    assert.equal(fake.store.size, 1);
  });

  it('no CA in the status is INTERNAL', async () => {
    const { mint } = setup(() => ({ certificate: b64(caPem) }));
    await rejectsWith(mint(), Code.INTERNAL, 'no upstream CA root returned from request');
  });

  it('a certificate that does not parse is INTERNAL', async () => {
    const { mint } = setup(() => ({ certificate: b64('not pem'), ca: b64(caPem) }));
    await rejectsWith(mint(), Code.INTERNAL, 'failed to parse certificate: no PEM blocks');
  });

  it('a CA that does not parse is INTERNAL', async () => {
    const { mint } = setup(() => ({ certificate: b64(caPem), ca: b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }));
    await rejectsWith(mint(), Code.INTERNAL, /^failed to parse CA certificate: /);
  });

  it('create and get failures carry the API message', async () => {
    const s = setup(signed);
    s.fake.failNext.create = Object.assign(new Error('x'), { code: 403, body: { message: 'certificaterequests.cert-manager.io is forbidden' } });
    await rejectsWith(s.mint(), Code.INTERNAL, 'failed to create object: certificaterequests.cert-manager.io is forbidden');
    s.fake.failNext.get = Object.assign(new Error('x'), { code: 503, body: { message: 'the server is currently unable to handle the request' } });
    await rejectsWith(s.mint(), Code.INTERNAL, 'kubernetes cluster client failed to get object: the server is currently unable to handle the request');
  });

  it('cleans up only finished requests of its own trust domain', async () => {
    const s = setup(signed);
    const put = (name: string, td: string, status?: CertificateRequest['status']) =>
      s.fake.store.set(`sandbox/${name}`, {
        apiVersion: 'cert-manager.io/v1',
        kind: 'CertificateRequest',
        metadata: { namespace: 'sandbox', name, labels: { [TRUST_DOMAIN_LABEL]: td } },
        spec: { duration: '1h0m0s', issuerRef: { name: 'a', kind: 'Issuer', group: 'g' }, request: '', isCA: true, usages: [] },
        ...(status ? { status } : {}),
      });
    put('other-td', 'other.org', { conditions: [{ type: 'Ready', status: 'True' }] });
    put('pending', TD);
    put('old-denied', TD, { conditions: [{ type: 'Denied', status: 'True' }] });
    put('old-failed', TD, { conditions: [{ type: 'Ready', status: 'False', reason: 'Failed' }] });
    await s.mint();
    assert.deepEqual([...s.fake.store.keys()].sort(), ['sandbox/other-td', 'sandbox/pending']);
  });

  it('a failing clean-up does not fail the mint', async () => {
    const s = setup(signed);
    s.fake.failNext.list = new Error('boom');
    const res = await s.mint();
    assert.equal(res.x509CaChain.length, 1);
  });

  it('stops waiting when the server cancels', async () => {
    const fake = new FakeCertificateRequests(() => undefined);
    const ua = new CertManagerUpstreamAuthority(config, fake, silentLogger(), { intervalMs: 50, attempts: 1000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await rejectsWith(first(ua.mintX509CAAndSubscribe({ csr, preferredTtlSeconds: 60 }, ac.signal)), Code.CANCELLED, 'context canceled');
  });

  it('publishing a JWT key is UNIMPLEMENTED', async () => {
    const { ua } = setup(signed);
    await rejectsWith(first(ua.publishJWTKeyAndSubscribe()), Code.UNIMPLEMENTED, 'publishing upstream is unsupported');
  });
});
