// A relationship over https_web to a bundle endpoint whose certificate comes from a real ACME CA
// (Debian's pebble): c.test serves its bundle with an ACME certificate for bundle.c.test, issued
// through tls-alpn-01 on the bundle port; a.test federates with it over https_web.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pebbleSkip, startPebble, type Pebble } from '@spire-ts/core/acme-testing';
import { ServerProcess, freePort } from './harness.js';

const DOMAIN = 'bundle.c.test';
const LOOPBACK_DNS = fileURLToPath(new URL('./loopback-dns.js', import.meta.url));

describe('https_web federation to an ACME-issued bundle endpoint (pebble)', { skip: pebbleSkip(), timeout: 180_000 }, () => {
  const a = new ServerProcess('a.test');
  const c = new ServerProcess('c.test');
  let pebble: Pebble | undefined;
  let port = 0;

  before(async () => {
    port = await freePort();
    pebble = await startPebble({ dir: join(c.dir, 'pebble'), tlsPort: port });
    // c.test's ACME client trusts pebble's own HTTPS listener; a.test trusts pebble's issuing root.
    const listenerCa = join(c.dir, 'pebble-listener.pem');
    writeFileSync(listenerCa, pebble.listenerCa);
    const root = join(a.dir, 'pebble-root.pem');
    writeFileSync(root, await pebble.root());
    await c.start({
      env: { NODE_EXTRA_CA_CERTS: listenerCa },
      extraServer: `federation {
    bundle_endpoint {
      address = "127.0.0.1"
      port = ${port}
      profile "https_web" {
        acme {
          directory_url = "${pebble.directoryUrl}"
          domain_name = "${DOMAIN}"
          email = "ops@c.test"
          tos_accepted = true
        }
      }
    }
  }`,
    });
    await a.start({ env: { NODE_EXTRA_CA_CERTS: root }, nodeArgs: ['--import', LOOPBACK_DNS] });
  });
  after(async () => {
    await Promise.all([a.stop(), c.stop()]);
    await pebble?.stop();
  });

  it("a.test fetches c.test's bundle over https_web; the first handshake has c.test issue its certificate", async () => {
    a.cli('federation', 'create', '-trustDomain', 'c.test', '-bundleEndpointURL', `https://${DOMAIN}:${port}`, '-bundleEndpointProfile', 'https_web');
    assert.equal(a.cli('federation', 'refresh', '-id', 'c.test'), 'Bundle refreshed\n');
    const own = JSON.parse(c.cli('bundle', 'show', '-output', 'json')) as { x509_authorities: { asn1: string }[] };
    const copy = JSON.parse(a.cli('bundle', 'list', '-id', 'spiffe://c.test', '-output', 'json')) as { x509_authorities: { asn1: string }[] };
    assert.deepEqual(copy.x509_authorities.map((x) => x.asn1), own.x509_authorities.map((x) => x.asn1));
    // c.test's log reaches this process through a pipe: give it a moment.
    for (let i = 0; i < 50 && !/msg="ACME Terms of Service accepted"/.test(c.log()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(c.log(), /msg="ACME Terms of Service accepted"[^\n]*tos_url=/);
  });
});
