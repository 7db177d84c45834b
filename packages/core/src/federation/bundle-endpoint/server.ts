import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello } from './client-hello.js';
import type { BundleEndpointIdentity, ClientHelloInfo } from './identity.js';

/** How long a client has to send its ClientHello and finish the handshake (SPIRE: 10 s to read headers). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface TlsFrontOptions {
  address: string;
  port: number;
  identity: BundleEndpointIdentity;
  /** The HTTP handler run over each TLS connection. */
  handler: RequestListener;
  log: Logger;
}

/** A listening TLS front. */
export interface TlsFront {
  /** The bound address (port 0 resolved). */
  address(): AddressInfo;
  close(): Promise<void>;
}

/**
 * Reads the ClientHello at the start of `socket` without consuming it: resolves with its SNI and
 * ALPN list once it has fully arrived, the bytes read left for the TLS layer to read again.
 */
function peekClientHello(socket: Socket): Promise<ClientHelloInfo> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, hello?: ClientHelloInfo) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (buf.length > 0) socket.unshift(buf);
      if (err) reject(err);
      else resolve(hello!);
    };
    const onEnd = () => done(new Error('the client closed the connection before its ClientHello'));
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let hello;
      try {
        hello = parseClientHello(buf);
      } catch (err) {
        done(err as Error);
        return;
      }
      if (hello !== 'incomplete') done(undefined, hello);
      else if (buf.length > MAX_CLIENT_HELLO_BYTES) done(new Error('ClientHello too large'));
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

/**
 * Listens on `address:port` and runs `handler` over TLS, choosing the TLS identity of each
 * connection from its ClientHello (`identity.tlsFor`), so one port can serve the bundle with a
 * rotated SVID, a reloaded certificate, or an ACME certificate and its tls-alpn-01 challenges.
 * No client certificate is asked for. A connection whose ClientHello is not TLS, whose identity
 * is refused, or whose handshake does not finish within 10 s is closed (logged at debug level).
 */
export async function startTlsFront(o: TlsFrontOptions): Promise<TlsFront> {
  const http = createHttpServer({ headersTimeout: HANDSHAKE_TIMEOUT_MS, requestTimeout: 30_000 }, o.handler);
  const sockets = new Set<Socket>();
  const accept = async (socket: Socket): Promise<void> => {
    const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    socket.on('error', () => socket.destroy());
    let tls;
    try {
      const hello = await peekClientHello(socket);
      tls = await o.identity.tlsFor(hello);
    } catch (err) {
      clearTimeout(timer);
      o.log.debug({ error: errorMessage(err), remote_addr: socket.remoteAddress }, 'Refused a bundle endpoint handshake');
      socket.destroy();
      return;
    }
    if (socket.destroyed) return;
    const secure = new TLSSocket(socket, { isServer: true, secureContext: tls.context, ALPNProtocols: tls.alpnProtocols ?? ['http/1.1'], requestCert: false });
    secure.once('secure', () => clearTimeout(timer));
    secure.on('error', (err) => {
      clearTimeout(timer);
      o.log.debug({ error: errorMessage(err), remote_addr: socket.remoteAddress }, 'Bundle endpoint TLS connection failed');
      secure.destroy();
    });
    // A tls-alpn-01 validation only completes the handshake; nothing is served on it.
    if (tls.alpnProtocols?.includes('acme-tls/1')) secure.resume();
    else http.emit('connection', secure);
  };
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    void accept(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: () => server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        http.closeAllConnections();
      }),
  };
}
