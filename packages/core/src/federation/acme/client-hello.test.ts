import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { ClientHelloError, parseClientHello } from './client-hello.js';

/** The first bytes a real Node TLS client sends, captured on a plain TCP listener. */
async function captureHello(opts: { servername?: string; ALPNProtocols?: string[] }): Promise<Buffer> {
  const server = net.createServer();
  const got = new Promise<Buffer>((resolve) => {
    server.on('connection', (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => {
        chunks.push(c);
        const all = Buffer.concat(chunks);
        if (parseClientHello(all) !== 'incomplete') {
          resolve(all);
          s.destroy();
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
  c.on('error', () => {});
  try {
    return await got;
  } finally {
    c.destroy();
    server.close();
  }
}

/** Re-frames the handshake bytes of `hello` into records of at most `size` bytes each. */
function refragment(hello: Buffer, size: number): Buffer {
  const body = hello.subarray(5, 5 + hello.readUInt16BE(3));
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; off += size) {
    const part = body.subarray(off, off + size);
    const head = Buffer.from([22, 3, 1, 0, 0]);
    head.writeUInt16BE(part.length, 3);
    out.push(head, part);
  }
  return Buffer.concat(out);
}

test('reads SNI (lower-cased) and the ALPN list in the client order', async () => {
  const hello = await captureHello({ servername: 'Bundle.Spire.Test', ALPNProtocols: ['h2', 'http/1.1'] });
  assert.deepEqual(parseClientHello(hello), { serverName: 'bundle.spire.test', alpnProtocols: ['h2', 'http/1.1'] });
});

test('no SNI and no ALPN: serverName undefined, empty list', async () => {
  const hello = await captureHello({});
  assert.deepEqual(parseClientHello(hello), { alpnProtocols: [] });
});

test('a tls-alpn-01 validation hello offers acme-tls/1 alone', async () => {
  const hello = await captureHello({ servername: 'a.b', ALPNProtocols: ['acme-tls/1'] });
  assert.deepEqual(parseClientHello(hello), { serverName: 'a.b', alpnProtocols: ['acme-tls/1'] });
});

test('incomplete until the whole ClientHello has arrived, one byte at a time', async () => {
  const hello = await captureHello({ servername: 'x.example', ALPNProtocols: ['http/1.1'] });
  const len = 5 + hello.readUInt16BE(3);
  for (let n = 0; n < len; n++) assert.equal(parseClientHello(hello.subarray(0, n)), 'incomplete', `at ${n} bytes`);
  assert.deepEqual(parseClientHello(hello.subarray(0, len)), { serverName: 'x.example', alpnProtocols: ['http/1.1'] });
});

test('a ClientHello split across several TLS records', async () => {
  const hello = await captureHello({ servername: 'split.example', ALPNProtocols: ['acme-tls/1'] });
  for (const size of [1, 3, 100]) {
    const framed = refragment(hello, size);
    assert.equal(parseClientHello(framed.subarray(0, framed.length - 1)), 'incomplete');
    assert.deepEqual(parseClientHello(framed), { serverName: 'split.example', alpnProtocols: ['acme-tls/1'] });
  }
});

test('not TLS, or a corrupt length: ClientHelloError', async () => {
  assert.throws(() => parseClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n')), {
    name: 'ClientHelloError',
    message: 'invalid TLS ClientHello: not a TLS handshake record',
  });
  const hello = Buffer.from(await captureHello({ servername: 'c.example' }));
  // A handshake length too short for the session id the message then claims.
  hello.writeUIntBE(40, 6, 3);
  assert.throws(() => parseClientHello(hello), { name: 'ClientHelloError', message: 'invalid TLS ClientHello: truncated field' });
  assert.ok(new ClientHelloError('x') instanceof Error);
  const huge = Buffer.from([22, 3, 1, 0, 4, 1, 0xff, 0xff, 0xff]);
  assert.throws(() => parseClientHello(huge), { message: 'invalid TLS ClientHello: ClientHello too large' });
});
