/**
 * The emulator's HTTPS front: terminates TLS with the test CA's serving certificate, asks every
 * client for a certificate (as Vault does, for the cert auth method) without requiring one, and
 * forwards each request to the plain-HTTP route server behind it with the client certificate, if
 * any, in {@link CLIENT_CERT_HEADER}. A client can never set that header itself: the front
 * drops any copy of it the request carries.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** The header the front passes the client certificate (base64 DER) in. */
export const CLIENT_CERT_HEADER = 'x-emulator-client-cert';

/** A running front. */
export interface TlsFront {
  url: string;
  /** TLS connections accepted so far (a client that keeps connections alive opens few). */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a front on 127.0.0.1 (ephemeral port) forwarding to `backend` (`http://127.0.0.1:<port>`). */
export async function startTlsFront(tls: { certPem: string; keyPem: string }, backend: string): Promise<TlsFront> {
  const target = new URL(backend);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers };
    delete headers[CLIENT_CERT_HEADER];
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    if (peer && peer.raw) headers[CLIENT_CERT_HEADER] = peer.raw.toString('base64');
    const fwd = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [e.message] }));
    });
    req.pipe(fwd);
  };
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem, requestCert: true, rejectUnauthorized: false }, onRequest);
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
