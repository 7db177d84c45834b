import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestedSpireWire } from './nested-spire-wire.js';

describe('nested SPIRE wire', () => {
  it("has the Workload API's FetchX509SVID at SPIFFE's path, server-streaming", () => {
    const def = nestedSpireWire.workloadClient().service.FetchX509SVID!;
    assert.equal(def.path, '/SpiffeWorkloadAPI/FetchX509SVID');
    assert.equal(def.requestStream, false);
    assert.equal(def.responseStream, true);
    const msg = { svids: [{ spiffe_id: 'spiffe://td/w', x509_svid: Buffer.from([0x30, 0]), x509_svid_key: Buffer.from([1]), bundle: Buffer.from([0x30, 0]), hint: 'h' }], crl: [], federated_bundles: { 'spiffe://other': Buffer.from([0x30, 0]) } };
    assert.deepEqual(def.responseDeserialize(def.responseSerialize(msg)), msg);
  });

  it("reaches the server API's Bundle and SVID methods", () => {
    assert.equal(nestedSpireWire.bundleClient().service.GetBundle!.path, '/spire.api.server.bundle.v1.Bundle/GetBundle');
    assert.equal(nestedSpireWire.bundleClient().service.PublishJWTAuthority!.path, '/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority');
    assert.equal(nestedSpireWire.svidClient().service.NewDownstreamX509CA!.path, '/spire.api.server.svid.v1.SVID/NewDownstreamX509CA');
  });

  it('splits concatenated DER certificates and refuses what is not one', () => {
    const a = Buffer.from([0x30, 1, 5]);
    const b = Buffer.from([0x30, 0]);
    assert.deepEqual(nestedSpireWire.splitCertificates(Buffer.concat([a, b])).map((x) => Buffer.from(x)), [a, b]);
    assert.throws(() => nestedSpireWire.splitCertificates(Buffer.from([2, 1, 0])), /^Error: not a DER certificate$/);
    assert.throws(() => nestedSpireWire.splitCertificates(Buffer.from([0x30, 3, 0])), /^Error: truncated DER$/);
  });

  it('words a failed call as grpc-go does', () => {
    assert.equal(nestedSpireWire.rpcErrorText({ code: 7, details: 'no', message: '7 PERMISSION_DENIED: no' }), 'rpc error: code = PermissionDenied desc = no');
  });
});
