import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KernelErrors, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { PrometheusSink } from './prometheus-sink.js';

/** A running metrics listener. */
export interface PrometheusListener {
  /** The port listened on (the chosen one when `port` was 0). */
  port: number;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves the sink's exposition text on `host:port` over plain HTTP, on every path (`/metrics`
 * included) and for every method, as upstream's handler does. An empty host means `localhost`; any other host is
 * logged as a warning, since the port is then reachable from the network. Rejects with
 * UNAVAILABLE (KernelErrors.cannotListenForMetrics) when the address cannot be listened on.
 */
export async function startPrometheusListener(sink: PrometheusSink, opts: { host: string; port: number }, log: Logger): Promise<PrometheusListener> {
  const host = opts.host || 'localhost';
  if (host !== 'localhost') {
    log.warn({ address: `${host}:${opts.port}` }, 'Prometheus metrics are served to remote network connections; make sure access to this port is tightly controlled');
  }
  // Like upstream's handler, any method and any path get the metrics (Node leaves out the body of
  // a HEAD answer itself).
  const server: Server = createServer((_req, res) => {
    sink.text().then(
      (body) => res.writeHead(200, { 'content-type': sink.registry.contentType }).end(body),
      (err: unknown) => {
        log.warn({ error: errorMessage(err) }, 'Failed to gather metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('failed to gather metrics\n');
      },
    );
  });
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
  log.info({ address: `${host}:${port}` }, 'Serving Prometheus metrics');
  let closed: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
