// `spire-server run` with telemetry.Prometheus.tls { use_spire_svid, authorized_spiffe_ids }:
// the metrics endpoint presents the server's own X509-SVID and lets in only a client X509-SVID
// of a listed ID, minted here by the server itself (`spire-server x509 mint`).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { ServerProcess, freePort } from './harness.js';

describe('Prometheus over TLS with the server SVID and authorized SPIFFE IDs', { timeout: 120_000 }, () => {
  const server = new ServerProcess('example.org');
  let port = 0;

  /** Mints an X509-SVID for `id` into its own directory; returns its files' contents. */
  function mint(id: string): { cert: string; key: string; bundle: string } {
    const dir = join(server.dir, id.replace(/\W+/g, '_'));
    mkdirSync(dir, { recursive: true });
    server.cli('x509', 'mint', '-spiffeID', id, '-write', dir);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { cert: read('svid.pem'), key: read('key.pem'), bundle: read('bundle.pem') };
  }

  function get(client?: { cert: string; key: string }, ca = mint('spiffe://example.org/ca-reader').bundle): Promise<{ status: number; body: string; peer: PeerCertificate }> {
    return new Promise((resolve, reject) => {
      const req = request(
        // The server SVID has no IP SAN: trust rests on the bundle (a SPIFFE client checks the ID).
        { host: '127.0.0.1', port, path: '/metrics', ca, ...(client ? { cert: client.cert, key: client.key } : {}), checkServerIdentity: () => undefined, agent: false },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer: (res.socket as TLSSocket).getPeerCertificate() }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  before(async () => {
    port = await freePort();
    await server.start({
      logLevel: 'INFO',
      extraBlocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${port}\n    tls {\n      use_spire_svid = true\n      authorized_spiffe_ids = ["spiffe://example.org/scraper"]\n    }\n  }\n}`,
    });
  });
  after(() => server.stop());

  it('a listed client gets the metrics from the server SVID; others are refused', async () => {
    const scraper = mint('spiffe://example.org/scraper');
    const ok = await get(scraper, scraper.bundle);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^spire_server_started\{/m);
    assert.equal(ok.peer.subjectaltname, 'URI:spiffe://example.org/spire/server');
    await assert.rejects(get(mint('spiffe://example.org/intruder')));
    await assert.rejects(get());
  });
});
