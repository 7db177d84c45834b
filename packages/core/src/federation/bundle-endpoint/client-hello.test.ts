import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { parseClientHello } from './client-hello.js';

/** The first bytes a real Node TLS client sends, with the given SNI and ALPN. */
async function realClientHello(servername: string | undefined, ALPNProtocols: string[] | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    const srv = createServer((sock) => {
      sock.once('data', (d: Buffer) => {
        resolve(d);
        sock.destroy();
        srv.close();
      });
    });
    srv.listen(0, '127.0.0.1', () => {
      const c = connect({ host: '127.0.0.1', port: (srv.address() as AddressInfo).port, ...(servername ? { servername } : {}), ...(ALPNProtocols ? { ALPNProtocols } : {}) });
      c.on('error', () => undefined);
    });
  });
}

/** The same handshake bytes re-framed as two TLS records. */
function twoRecords(hello: Buffer): Buffer {
  const body = hello.subarray(5);
  const cut = 40;
  const rec = (b: Buffer) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, b.length >> 8, b.length & 0xff]), b]);
  return Buffer.concat([rec(body.subarray(0, cut)), rec(body.subarray(cut))]);
}

test('reads SNI (lower-cased) and ALPN from a real ClientHello', async () => {
  const hello = await realClientHello('Bundle.Spire.Test', ['acme-tls/1']);
  assert.deepEqual(parseClientHello(hello), { serverName: 'bundle.spire.test', alpnProtocols: ['acme-tls/1'] });
  const plain = await realClientHello(undefined, undefined);
  assert.deepEqual(parseClientHello(plain), { alpnProtocols: [] });
});

test('every prefix is incomplete, in one record or split across two', async () => {
  const hello = await realClientHello('a.example', ['h2', 'http/1.1']);
  for (const bytes of [hello, twoRecords(hello)]) {
    for (let n = 0; n < bytes.length; n++) assert.equal(parseClientHello(bytes.subarray(0, n)), 'incomplete', `prefix ${n}`);
    assert.deepEqual(parseClientHello(bytes), { serverName: 'a.example', alpnProtocols: ['h2', 'http/1.1'] });
  }
});

test('bytes that are not a ClientHello are refused', async () => {
  assert.throws(() => parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), /not a TLS handshake record/);
  assert.throws(() => parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])), /not a ClientHello/);
  assert.throws(() => parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x03, 0x03])), /truncated/);
  assert.throws(() => parseClientHello(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00])), /too large/);
});
