import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { silentLogger } from '../log/logger.js';
import { startTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.js';
import type { PrometheusTlsOptions, ServerIdentitySource } from './prometheus-tls.js';

const base: TelemetryOptions = {
  metricPrefix: 'spire_server',
  enableTrustDomainLabel: false,
  enableHostnameLabel: false,
  allowedPrefixes: [],
  blockedPrefixes: [],
  allowedLabels: [],
  blockedLabels: [],
};

/** A test PKI made with openssl: two CAs and leaves (files `<name>.pem`, `<name>.key`). */
class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'prom-tls-'));
  private run(...args: string[]) {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
  ca(name: string) {
    this.run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`, '-days', '1', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  }
  leaf(name: string, ca: string, san: string) {
    this.run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(this.dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n`);
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  path(file: string): string {
    return join(this.dir, file);
  }
  read(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }
  der(file: string): Uint8Array {
    return new X509Certificate(this.read(file)).raw;
  }
}

/** GET /metrics over https; resolves with the status and the server's certificate, rejects when the connection fails. */
function get(port: number, o: { ca: string; client?: string; pki: Pki }): Promise<{ status: number; body: string; peer: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/metrics',
        ca: o.pki.read(`${o.ca}.pem`),
        ...(o.client ? { cert: o.pki.read(`${o.client}.pem`), key: o.pki.read(`${o.client}.key`) } : {}),
        // SPIFFE identities carry no IP SAN: the trust is in the CA here.
        checkServerIdentity: () => undefined,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer: (res.socket as import('node:tls').TLSSocket).getPeerCertificate() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Prometheus over TLS', () => {
  const pki = new Pki();
  const running: Telemetry[] = [];
  let svid: ReturnType<ServerIdentitySource['x509Svid']>;
  const identity: ServerIdentitySource = {
    x509Svid: () => svid,
    x509Authorities: async (td) => (td === 'example.org' ? [pki.der('td.pem')] : td === 'other.org' ? [pki.der('other.pem')] : []),
  };
  const start = async (tls: Partial<PrometheusTlsOptions>) => {
    const t = await startTelemetry({ ...base, prometheus: { host: '127.0.0.1', port: 0, tls: { useSpireSvid: false, authorizedSpiffeIds: [], ...tls } } }, { trustDomain: 'example.org', log: silentLogger(), identity });
    running.push(t);
    return t.prometheusPort!;
  };

  before(() => {
    pki.ca('td');
    pki.ca('other');
    pki.leaf('web', 'td', 'IP:127.0.0.1');
    pki.leaf('server-svid', 'td', 'URI:spiffe://example.org/spire/server');
    pki.leaf('scraper', 'td', 'URI:spiffe://example.org/scraper');
    pki.leaf('intruder', 'td', 'URI:spiffe://example.org/intruder');
    pki.leaf('forged', 'other', 'URI:spiffe://example.org/scraper');
  });
  after(async () => {
    for (const t of running) await t.stop();
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('cert_file and key_file serve HTTPS (TLS 1.2 or newer) without asking for a client certificate', async () => {
    const port = await start({ certFile: pki.path('web.pem'), keyFile: pki.path('web.key') });
    const res = await get(port, { pki, ca: 'td' });
    assert.equal(res.status, 200);
    assert.match(res.body, /^spire_server_started\{/m);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('client_ca_file requires a client certificate issued by those CAs', async () => {
    const port = await start({ certFile: pki.path('web.pem'), keyFile: pki.path('web.key'), clientCaFile: pki.path('td.pem') });
    assert.equal((await get(port, { pki, ca: 'td', client: 'intruder' })).status, 200);
    await assert.rejects(get(port, { pki, ca: 'td' }));
    await assert.rejects(get(port, { pki, ca: 'td', client: 'forged' }));
  });

  it('use_spire_svid with authorized_spiffe_ids: refused until the SVID exists, then only listed IDs of the bundle get in', async () => {
    svid = undefined;
    const port = await start({ useSpireSvid: true, authorizedSpiffeIds: ['spiffe://example.org/scraper'] });
    await assert.rejects(get(port, { pki, ca: 'td', client: 'scraper' }));
    svid = { certChain: [pki.der('server-svid.pem')], privateKey: createPrivateKey(pki.read('server-svid.key')) };
    const ok = await get(port, { pki, ca: 'td', client: 'scraper' });
    assert.equal(ok.status, 200);
    assert.equal(ok.peer.subjectaltname, 'URI:spiffe://example.org/spire/server');
    await assert.rejects(get(port, { pki, ca: 'td', client: 'intruder' }));
    await assert.rejects(get(port, { pki, ca: 'td', client: 'forged' }));
    await assert.rejects(get(port, { pki, ca: 'td' }));
  });

  it('cert_file with authorized_spiffe_ids: the web certificate and SPIFFE client authentication', async () => {
    const port = await start({ certFile: pki.path('web.pem'), keyFile: pki.path('web.key'), authorizedSpiffeIds: ['spiffe://example.org/scraper'] });
    const ok = await get(port, { pki, ca: 'td', client: 'scraper' });
    assert.equal(ok.status, 200);
    assert.equal(ok.peer.subjectaltname, 'IP Address:127.0.0.1');
    await assert.rejects(get(port, { pki, ca: 'td', client: 'intruder' }));
    await assert.rejects(get(port, { pki, ca: 'td' }));
  });

  it("an authorized ID must chain to its own trust domain's bundle, not another listed one's", async () => {
    const port = await start({ certFile: pki.path('web.pem'), keyFile: pki.path('web.key'), authorizedSpiffeIds: ['spiffe://example.org/scraper', 'spiffe://other.org/x'] });
    assert.equal((await get(port, { pki, ca: 'td', client: 'scraper' })).status, 200);
    // Issued by other.org's CA (trusted for other.org IDs) but naming an example.org ID.
    await assert.rejects(get(port, { pki, ca: 'td', client: 'forged' }));
  });

  it('a file that cannot be read rejects start-up, naming the option', async () => {
    const missing = pki.path('missing.pem');
    await assert.rejects(start({ certFile: missing, keyFile: pki.path('web.key') }), {
      code: 3,
      message: `telemetry.Prometheus.tls.cert_file: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'`,
    });
  });
});
