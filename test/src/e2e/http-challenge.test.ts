import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { challengedAttestor, RpcError } from '../agent/index.js';
import { certsPem } from '../agent/keys.js';
import { ServerProcess } from './harness.js';

const PERMISSION_DENIED = 7;
const WELL_KNOWN = '/.well-known/spiffe/nodeattestor/http_challenge/default/challenge';

describe('NodeAttestor http_challenge in a real spire-server run, the test playing the agent over HTTP', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const out = mkdtempSync(join(tmpdir(), 'http-challenge-e2e-'));
  let http: Server;
  let port = 0;
  let nonce = '';
  let redirect = false;
  const seen: string[] = [];

  before(async () => {
    http = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (redirect) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      res.end(`${nonce}\n`);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as AddressInfo).port;
    // The agent is on the server's own host, so its loopback address is let in explicitly.
    await server.start({
      extraPlugins: `NodeAttestor "http_challenge" {
    plugin_data {
      allowed_dns_patterns = ["^127\\\\.0\\\\.0\\\\.[0-9]+$"]
      allow_special_addresses = ["127.0.0.0/8"]
    }
  }`,
    });
  });
  after(async () => {
    await server.stop();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    rmSync(out, { recursive: true, force: true });
  });

  const attestor = (hostname: string) =>
    challengedAttestor('http_challenge', new TextEncoder().encode(JSON.stringify({ hostname, agentname: 'default', port })), async (challenge) => {
      nonce = (JSON.parse(challenge.toString('utf8')) as { nonce: string }).nonce;
      return new TextEncoder().encode('{}');
    });

  it('serves the nonce at the well-known URL and gets an SVID for spiffe://example.org/spire/agent/http_challenge/<host>', async () => {
    const agent = await server.agent();
    const got = await agent.attest(attestor('127.0.0.1'));
    assert.deepEqual(got, { spiffeId: 'spiffe://example.org/spire/agent/http_challenge/127.0.0.1', reattestable: false });
    assert.deepEqual(seen, [WELL_KNOWN]);
    writeFileSync(join(out, 'bundle.pem'), await server.bundlePem());
    writeFileSync(join(out, 'svid.pem'), certsPem(agent.svid!.certChain));
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), '-untrusted', join(out, 'svid.pem'), join(out, 'svid.pem')]);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(out, 'svid.pem')], { encoding: 'utf8' });
    assert.match(text, /URI:spiffe:\/\/example\.org\/spire\/agent\/http_challenge\/127\.0\.0\.1/);
    const shown = server.cli('agent', 'show', '-spiffeID', got.spiffeId);
    assert.match(shown, /http_challenge:hostname:127\.0\.0\.1/);
  });

  it('refuses the same host again (TOFU), a redirect, and a host name outside allowed_dns_patterns', async () => {
    const denied = (details: RegExp) => (e: unknown) => e instanceof RpcError && e.code === PERMISSION_DENIED && details.test(e.details);
    await assert.rejects((await server.agent()).attest(attestor('127.0.0.1')), denied(/attestation data has already been used to attest an agent/));
    redirect = true;
    try {
      await assert.rejects((await server.agent()).attest(attestor('127.0.0.1')), denied(/http redirects are disabled/));
    } finally {
      redirect = false;
    }
    await assert.rejects((await server.agent()).attest(attestor('p1.example.com')), denied(/the requested hostname is not allowed to connect/));
  });
});
