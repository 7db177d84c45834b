import { silentLogger } from '../../../log/logger.js';
import type { BundleEndpointIdentity } from '../../bundle-endpoint/identity.js';
import { startTlsFront as startEndpointFront } from '../../bundle-endpoint/server.js';

/** The body the front answers `GET /` with, so a test can tell a served request. */
export const FRONT_BODY = '{"keys":[]}';

/** The bundle endpoint's TLS front with a fixed answer, recording the identity's refusals. */
export interface TlsFront {
  port: number;
  /** The messages of every `tlsFor` rejection, in order. */
  refusals: string[];
  close(): Promise<void>;
}

/**
 * The bundle endpoint's own TLS front (ClientHello peek, one identity per handshake) on loopback
 * (`port`, or any free port), answering `GET /` with {@link FRONT_BODY}.
 */
export async function startTlsFront(identity: BundleEndpointIdentity, port = 0): Promise<TlsFront> {
  const refusals: string[] = [];
  const recording: BundleEndpointIdentity = {
    tlsFor: (hello) =>
      identity.tlsFor(hello).catch((err: unknown) => {
        refusals.push(err instanceof Error ? err.message : String(err));
        throw err;
      }),
  };
  const front = await startEndpointFront({
    address: '127.0.0.1',
    port,
    identity: recording,
    handler: (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(FRONT_BODY);
    },
    log: silentLogger(),
  });
  return { port: front.address().port, refusals, close: () => front.close() };
}
