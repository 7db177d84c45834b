// The bundle endpoint over real TLS: the document, SPIRE's statuses, https_spiffe rotation, the
// 1 s bundle cache and connections that are not TLS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { FakeServerCA, type IssuedCert } from '../../api/ports.fake.js';
import { LogCapture } from '../../api/testing/harness.js';
import type { ServerSVIDState } from '../../ca/server-svid-rotator.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { startBundleEndpoint, type BundleEndpoint } from './index.js';

const TD = TrustDomain.parse('example.org');
const SERVER_ID = 'spiffe://example.org/spire/server';
let ca: FakeServerCA;
let endpoint: BundleEndpoint;
let svid: ServerSVIDState;
let bundle: Bundle | undefined;
let reads = 0;
const logs = new LogCapture();

const stateOf = (c: IssuedCert): ServerSVIDState => ({ certChain: [c.certDer], privateKey: createPrivateKey(c.keyPem) }) as ServerSVIDState;

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  peer: PeerCertificate;
}

function get(path = '/', method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: endpoint.port, path, method, ca: ca.root.certPem, agent: false, checkServerIdentity: () => undefined },
      (res) => {
        const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, peer }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  ca = await FakeServerCA.create(TD);
  svid = stateOf(await ca.issue(SERVER_ID));
  const jwtKey = await ca.issue('spiffe://example.org/jwt-key-holder');
  bundle = {
    trustDomainId: TD.idString(),
    rootCas: [{ derBytes: ca.root.certDer, taintedKey: false }],
    jwtSigningKeys: [{ kid: 'kid-1', pkixBytes: new X509Certificate(jwtKey.certPem).publicKey.export({ format: 'der', type: 'spki' }), notAfter: 0, taintedKey: false }],
    refreshHint: 77,
    sequenceNumber: 9,
  } as Bundle;
  endpoint = await startBundleEndpoint({
    config: { address: '127.0.0.1', port: 0, refreshHintMs: 300_000, profile: { type: 'https_spiffe' } },
    fetchBundle: async () => {
      reads++;
      return bundle;
    },
    serverSvid: { state: () => svid },
    log: logs.logger,
  });
});
after(() => endpoint.close());

test('GET / answers the SPIFFE bundle document, served with the server SVID', async () => {
  const a = await get();
  assert.equal(a.status, 200);
  assert.equal(a.headers['content-type'], 'application/json');
  assert.equal(a.peer.subjectaltname, `URI:${SERVER_ID}`);
  const doc = JSON.parse(a.body) as { keys: Record<string, unknown>[]; spiffe_sequence: number; spiffe_refresh_hint: number };
  assert.equal(doc.spiffe_sequence, 9);
  assert.equal(doc.spiffe_refresh_hint, 300, 'the endpoint refresh_hint, not the stored one');
  assert.equal(doc.keys.length, 2);
  assert.deepEqual(Object.keys(doc.keys[0]!), ['use', 'kty', 'crv', 'x', 'y', 'x5c']);
  assert.equal(doc.keys[0]!.use, 'x509-svid');
  assert.deepEqual(doc.keys[0]!.x5c, [Buffer.from(ca.root.certDer).toString('base64')]);
  assert.equal(doc.keys[1]!.use, 'jwt-svid');
  assert.equal(doc.keys[1]!.kid, 'kid-1');
  assert.ok(a.body.startsWith('{\n    "keys": [\n        {'), 'indented by four spaces, as SPIRE');
  assert.ok(logs.lines.some((l) => l.msg === 'Serving bundle endpoint' && l.refresh_hint === '5m0s' && String(l.addr).startsWith('127.0.0.1:')));
});

test("another method is 405, another path 404, with SPIRE's bodies; the query string is ignored", async () => {
  for (const method of ['POST', 'HEAD', 'PUT']) {
    const a = await get('/', method);
    assert.equal(a.status, 405, method);
    if (method !== 'HEAD') assert.equal(a.body, '405 method not allowed\n');
    assert.equal(a.headers['x-content-type-options'], 'nosniff');
  }
  const nf = await get('/bundle');
  assert.equal(nf.status, 404);
  assert.equal(nf.body, '404 page not found\n');
  assert.equal((await get('/?x=1')).status, 200);
});

test('a missing bundle is a 500 and a log line; the endpoint keeps serving', async () => {
  const saved = bundle;
  bundle = undefined;
  await new Promise((r) => setTimeout(r, 1_050));
  try {
    const a = await get();
    assert.equal(a.status, 500);
    assert.equal(a.body, '500 unable to retrieve local bundle\n');
    assert.ok(logs.lines.some((l) => l.msg === 'Unable to retrieve local bundle'));
  } finally {
    bundle = saved;
  }
  await new Promise((r) => setTimeout(r, 1_050));
  assert.equal((await get()).status, 200);
});

test('a flood of GETs reads the store about once a second', async () => {
  await new Promise((r) => setTimeout(r, 1_050));
  const before = reads;
  const t0 = Date.now();
  const answers = await Promise.all(Array.from({ length: 40 }, () => get()));
  const seconds = Math.floor((Date.now() - t0) / 1000);
  assert.ok(answers.every((a) => a.status === 200));
  // One read for the burst, plus at most one per further second the 40 handshakes took on a slow
  // machine; without the cache it would be 40.
  assert.ok(reads - before >= 1 && reads - before <= 1 + seconds, `${reads - before} store reads in ${seconds} s`);
});

test('a rotated SVID is presented from the next handshake, with no restart', async () => {
  const first = await get();
  const rotated = await ca.issue(SERVER_ID);
  svid = stateOf(rotated);
  const second = await get();
  assert.notEqual(first.peer.serialNumber, second.peer.serialNumber);
  assert.equal(BigInt(`0x${second.peer.serialNumber}`).toString(), rotated.serial);
});

test('a connection that is not TLS, or a client that stops mid-ClientHello, is closed; others are served', async () => {
  const closed = (payload: Buffer) =>
    new Promise<void>((resolve) => {
      const s = netConnect(endpoint.port, '127.0.0.1', () => s.write(payload));
      s.on('close', () => resolve());
      s.on('error', () => undefined);
    });
  await closed(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  // A TLS record header promising more than is sent, then a half-close.
  const half = netConnect(endpoint.port, '127.0.0.1', () => half.end(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])));
  await new Promise((r) => half.on('close', r));
  assert.equal((await get()).status, 200);
});

test('a TLS 1.2 client is served, and no client certificate is asked for', async () => {
  const proto = await new Promise<string | null>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: endpoint.port, ca: ca.root.certPem, maxVersion: 'TLSv1.2', checkServerIdentity: () => undefined });
    s.on('secureConnect', () => {
      resolve(s.getProtocol());
      s.destroy();
    });
    s.on('error', reject);
  });
  assert.equal(proto, 'TLSv1.2');
});
