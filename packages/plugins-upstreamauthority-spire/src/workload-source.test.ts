import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire, silentLogger } from '@spire-ts/core/plugin';
import { FakeWorkloadApi } from './fake-workload-api.test-support.js';
import { eventually } from './harness.test-support.js';
import { makeRoot, makeSvid, type TestCert } from './pki.test-support.js';
import { readWorkloadSvid, WorkloadX509Source } from './workload-x509-source.js';

const ID = 'spiffe://example.org/downstream';
let root: TestCert;
let api: FakeWorkloadApi;
before(async () => {
  root = await makeRoot();
  api = await FakeWorkloadApi.start({ id: ID, svid: await makeSvid(root, ID), bundle: [root.der] });
});
after(async () => {
  await api.close();
});

const open = () => WorkloadX509Source.open({ socketPath: api.socketPath, log: silentLogger(), firstSvidTimeoutMs: 2000, retryDelayMs: 50 });

describe('Workload API X509 source', () => {
  it('takes the first SVID and follows rotation, telling grpc-js listeners', async () => {
    const source = await open();
    try {
      assert.equal(source.current().spiffeId, ID);
      const identities: string[] = [];
      source.addIdentityCertificateListener((u) => identities.push(new X509Certificate(u!.certificate).serialNumber));
      assert.equal(identities.length, 1, 'told at once');
      const rotated = await makeSvid(root, ID);
      api.serve({ id: ID, svid: rotated, bundle: [root.der] });
      await eventually(() => identities.length === 2, 2000, 'rotation');
      assert.equal(identities[1], rotated.cert.serialNumber.toUpperCase());
      assert.deepEqual(Buffer.from(source.current().chain[0]!), Buffer.from(rotated.der));
    } finally {
      source.close();
    }
  });

  it('calls with the workload.spiffe.io header; a call without it is refused by the agent', async () => {
    const Ctor = nestedSpireWire.workloadClient();
    const c = new Ctor(`unix://${api.socketPath}`, grpc.credentials.createInsecure());
    const call = (c as unknown as { FetchX509SVID(r: unknown): grpc.ClientReadableStream<unknown> }).FetchX509SVID({});
    const err = await new Promise<grpc.ServiceError>((res) => call.on('error', res));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(err.details, 'security header missing from request');
    c.close();
  });

  it('refuses an SVID message that breaks the standard', () => {
    const good = { spiffe_id: ID, x509_svid: Buffer.from(root.der), x509_svid_key: Buffer.from(root.keyDer), bundle: Buffer.from(root.der) };
    assert.throws(() => readWorkloadSvid({ ...good, x509_svid_key: Buffer.alloc(0) }), /^Error: the X509-SVID is missing a field$/);
    assert.throws(() => readWorkloadSvid(good), /^Error: the X509-SVID leaf is not for spiffe:\/\/example\.org\/downstream$/);
    assert.throws(() => readWorkloadSvid({ ...good, bundle: Buffer.from([2, 1, 0]) }), /^Error: not a DER certificate$/);
    assert.throws(() => readWorkloadSvid({ ...good, bundle: Buffer.from([0x30, 5, 0]) }), /^Error: truncated DER$/);
  });
});

describe('Workload API X509 source, restarts', () => {
  it('opens the stream again after the Workload API ends it, and takes what it sends then', async () => {
    const source = await open();
    try {
      const before = api.calls;
      api.endStreams();
      await eventually(() => api.calls === before + 1 && api.openStreams === 1, 2000, 'a new stream');
      const rotated = await makeSvid(root, ID);
      api.serve({ id: ID, svid: rotated, bundle: [root.der] });
      await eventually(() => Buffer.from(source.current().chain[0]!).equals(Buffer.from(rotated.der)), 2000, 'the SVID on the new stream');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(api.calls, before + 1, 'exactly one new stream');
    } finally {
      source.close();
    }
  });
});
