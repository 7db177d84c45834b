import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { BundleEndpointIdentity } from '../../bundle-endpoint/identity.js';
import { parseClientHello } from '../client-hello.js';

/** The body the front answers `GET /` with, so a test can tell a served request. */
export const FRONT_BODY = '{"keys":[]}';

/** A test stand-in for the bundle endpoint: peek the ClientHello, ask the identity, serve TLS. */
export interface TlsFront {
  port: number;
  /** The messages of every `tlsFor` rejection, in order. */
  refusals: string[];
  close(): Promise<void>;
}

/**
 * Listens on loopback (`port`, or any free port) and answers every handshake with the identity's
 * choice; `GET /` over the resulting TLS connection returns {@link FRONT_BODY}.
 */
export async function startTlsFront(identity: BundleEndpointIdentity, port = 0): Promise<TlsFront> {
  const refusals: string[] = [];
  const sockets = new Set<net.Socket>();
  const httpServer = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(FRONT_BODY);
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let hello;
      try {
        hello = parseClientHello(buf);
      } catch {
        socket.destroy();
        return;
      }
      if (hello === 'incomplete') return;
      socket.off('data', onData);
      socket.pause();
      // Give the bytes back: a TLSSocket made over a net.Socket reads what is buffered first.
      socket.unshift(buf);
      identity.tlsFor(hello).then(
        (t) => {
          const tlsSocket = new tls.TLSSocket(socket, {
            isServer: true,
            secureContext: t.context,
            ALPNProtocols: t.alpnProtocols ?? ['http/1.1'],
          });
          tlsSocket.on('error', () => socket.destroy());
          // acme-tls/1 validation connections carry no HTTP; the CA closes them after the handshake.
          if (t.alpnProtocols?.includes('acme-tls/1')) tlsSocket.resume();
          else httpServer.emit('connection', tlsSocket);
        },
        (err: unknown) => {
          refusals.push(err instanceof Error ? err.message : String(err));
          socket.destroy();
        },
      );
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    refusals,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
