import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleDocument, PeerCA, PeerEndpoint } from './test-support/peer.js';

// https_web trusts the system roots, which Node extends with NODE_EXTRA_CA_CERTS when a process
// starts; so the refresher runs in a child process that trusts the peer's CA that way.
const child = `
const [manager, store, logger] = await Promise.all([
  import(${JSON.stringify(new URL('./federation-manager.js', import.meta.url).href)}),
  import(${JSON.stringify(new URL('../../cache/test-store.js', import.meta.url).href)}),
  import(${JSON.stringify(new URL('../../log/logger.js', import.meta.url).href)}),
]);
const { TrustDomain } = await import(${JSON.stringify(new URL('../../spiffeid/index.js', import.meta.url).href)});
const s = await store.openSqlStore();
const m = new manager.FederationManager({
  dataStore: s.ds,
  log: logger.silentLogger(),
  federatesWith: [{ trustDomain: TrustDomain.parse('web.test'), bundleEndpointUrl: process.env.URL, profile: { type: 'https_web' } }],
});
let out;
try {
  await m.refreshBundle('web.test');
  out = { sequence: (await s.ds.fetchBundle('spiffe://web.test')).sequenceNumber };
} catch (err) {
  out = { error: err.message };
}
await m.stop();
await s.close();
process.stdout.write(JSON.stringify(out));
`;

async function refreshInChild(url: string, extraCa?: string): Promise<{ sequence?: number; error?: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, URL: url };
  if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
  else delete env.NODE_EXTRA_CA_CERTS;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', child], { env });
  return JSON.parse(stdout) as { sequence?: number; error?: string };
}

test('https_web: a peer whose CA the system trusts (NODE_EXTRA_CA_CERTS) is fetched; the host name is checked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spire-web-'));
  const ca = await PeerCA.create('web.test');
  const endpoint = await PeerEndpoint.start(await ca.issue({ dns: ['localhost'] }));
  endpoint.serve(bundleDocument(ca.bundle(300, 6)));
  const svidEndpoint = await PeerEndpoint.start(await ca.issue({ uri: 'spiffe://web.test/spire/server', dns: ['bundle.web.test'] }));
  try {
    await writeFile(join(dir, 'ca.pem'), ca.root.certPem);
    const url = endpoint.url.replace('127.0.0.1', 'localhost');
    assert.deepEqual(await refreshInChild(url, join(dir, 'ca.pem')), { sequence: 6 });
    const untrusted = await refreshInChild(url);
    assert.match(untrusted.error!, /^failed to fetch bundle from https:\/\/localhost:\d+\/: (unable to verify the first certificate|unable to get local issuer certificate)$/);
    // An X509-SVID whose DNS name does not match: SPIRE's hint to use https_spiffe.
    const wrongHost = await refreshInChild(svidEndpoint.url.replace('127.0.0.1', 'localhost'), join(dir, 'ca.pem'));
    assert.match(
      wrongHost.error!,
      /: failed to authenticate bundle endpoint using web authentication but the server certificate contains SPIFFE ID "spiffe:\/\/web\.test\/spire\/server": maybe use https_spiffe instead of https_web: Hostname\/IP does not match certificate's altnames: /,
    );
  } finally {
    await endpoint.close();
    await svidEndpoint.close();
    await rm(dir, { recursive: true, force: true });
  }
});
