import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KernelErrors, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { PrometheusSink } from './prometheus-sink.js';
import type { TlsMaterial } from './prometheus-tls.js';

/** A running metrics listener. */
export interface PrometheusListener {
  /** The port listened on (the chosen one when `port` was 0). */
  port: number;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/** How long a client has to finish its TLS handshake (upstream: 10 s to read the headers). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Where connections go: plain HTTP, or HTTPS with each connection's material looked up first. */
interface Front {
  server: Server | ReturnType<typeof createNetServer>;
  closeConnections(): void;
}

function plainFront(handler: RequestListener): Front {
  const server = createServer(handler);
  return { server, closeConnections: () => server.closeAllConnections() };
}

/**
 * HTTPS whose TLS context is chosen per connection (the server SVID rotates, bundles change,
 * and neither exists before the CA starts): a TCP listener awaits the material and hands the
 * socket to an https server made for that material (a new one when it changed). A connection
 * without material (no SVID yet) is closed; a client refused by `authorize` is closed after its
 * handshake.
 */
function tlsFront(handler: RequestListener, material: () => Promise<TlsMaterial>, log: Logger): Front {
  let current: { m: TlsMaterial; https: ReturnType<typeof createHttpsServer> } | undefined;
  const serverFor = (m: TlsMaterial) => {
    if (current?.m === m) return current.https;
    const https = createHttpsServer({ ...m.options, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, handler);
    https.prependListener('secureConnection', (sock: TLSSocket) => {
      const why = m.authorize(sock);
      if (why !== undefined) {
        log.debug({ error: why, remote_addr: sock.remoteAddress }, 'Refused a Prometheus client');
        sock.destroy();
      }
    });
    https.on('tlsClientError', (err, sock) => log.debug({ error: errorMessage(err), remote_addr: sock.remoteAddress }, 'Prometheus TLS handshake failed'));
    current = { m, https };
    return https;
  };
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Bounds the wait for the material too (a datastore that does not answer).
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
    material().then(
      (m) => {
        if (socket.destroyed) return;
        socket.setTimeout(0);
        serverFor(m).emit('connection', socket);
      },
      (err: unknown) => {
        log.debug({ error: errorMessage(err), remote_addr: socket.remoteAddress }, 'Refused a Prometheus connection: no TLS material');
        socket.destroy();
      },
    );
  });
  // Destroying the TCP sockets ends the TLS connections over them.
  return { server, closeConnections: () => sockets.forEach((s) => s.destroy()) };
}

/**
 * Serves the sink's exposition text on `host:port`, on every path (`/metrics` included) and for
 * every method, as upstream's handler does; over HTTPS when `tls` gives the material (see
 * prometheusTlsMaterial). An empty host means `localhost`; any other host is logged as a
 * warning, since the port is then reachable from the network. Rejects with UNAVAILABLE
 * (KernelErrors.cannotListenForMetrics) when the address cannot be listened on.
 */
export async function startPrometheusListener(
  sink: PrometheusSink,
  opts: { host: string; port: number; tls?: () => Promise<TlsMaterial> },
  log: Logger,
): Promise<PrometheusListener> {
  const host = opts.host || 'localhost';
  if (host !== 'localhost') {
    log.warn({ address: `${host}:${opts.port}` }, 'Prometheus metrics are served to remote network connections; make sure access to this port is tightly controlled');
  }
  // Like upstream's handler, any method and any path get the metrics (Node leaves out the body of
  // a HEAD answer itself).
  const handler: RequestListener = (_req, res) => {
    sink.text().then(
      (body) => res.writeHead(200, { 'content-type': sink.registry.contentType }).end(body),
      (err: unknown) => {
        log.warn({ error: errorMessage(err) }, 'Failed to gather metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('failed to gather metrics\n');
      },
    );
  };
  const { server, closeConnections } = opts.tls ? tlsFront(handler, opts.tls, log) : plainFront(handler);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => reject(KernelErrors.cannotListenForMetrics(`${host}:${opts.port}`, err));
    server.once('error', fail);
    server.listen(opts.port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (err) => log.warn({ error: errorMessage(err) }, 'Prometheus listener failed'));
  const port = (server.address() as AddressInfo).port;
  log.info({ address: `${host}:${port}`, tls: opts.tls !== undefined }, 'Serving Prometheus metrics');
  let closed: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        closeConnections();
      })),
  };
}
