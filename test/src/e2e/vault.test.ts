import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { pluginBlock, ServerProcess } from './harness.js';

const certs = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0]);
const fingerprints = (pem: string) => certs(pem).map((c) => new X509Certificate(c).fingerprint256);

/** Mints an SVID through the CLI (async: the server calls back into this process's emulator) and checks it with openssl. */
async function mintAndVerify(server: ServerProcess, out: string): Promise<string> {
  await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
  execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), '-untrusted', join(out, 'svid.pem'), join(out, 'svid.pem')]);
  return readFileSync(join(out, 'svid.pem'), 'utf8');
}

describe('Vault plugins in real spire-server runs, on the Vault emulator (ca_cert_path trusts it)', { timeout: 240_000 }, () => {
  let fx: VaultFixture;
  const out = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
  const servers: ServerProcess[] = [];
  before(async () => {
    fx = await startVaultFixture({ namespace: 'spire' });
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await fx.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('UpstreamAuthority "vault": the server CA is signed by Vault PKI and chains to the emulator root (openssl verify)', async () => {
    const server = new ServerProcess();
    servers.push(server);
    await server.start({ extraPlugins: pluginBlock('UpstreamAuthority', 'vault', fx.pluginData('approle_auth')) });
    const root = fx.emu.pki.root.certPem;
    assert.deepEqual(fingerprints(await server.bundlePem()), fingerprints(root), 'the trust bundle is the Vault root');
    assert.ok(fx.emu.pki.signed.length >= 1, 'Vault signed the server CA');
    assert.ok(fx.emu.calls.every((c) => c.namespace === 'spire'), 'every call carried the namespace');
    const svid = await mintAndVerify(server, out);
    const chain = certs(svid);
    assert.equal(chain.length, 3, 'leaf, server CA, Vault issuing CA');
    assert.equal(new X509Certificate(chain[2]!).fingerprint256, new X509Certificate(fx.emu.pki.issuer.certPem).fingerprint256);
    writeFileSync(join(out, 'root.pem'), root);
    writeFileSync(join(out, 'server-ca.pem'), chain[1]! + '\n' + chain[2]! + '\n');
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'root.pem'), '-untrusted', join(out, 'server-ca.pem'), join(out, 'server-ca.pem')]);
    assert.match(server.log(), /Logged in to Vault/, 'the plugin logs at DEBUG into the checked log');
    for (const s of fx.secrets()) assert.ok(!server.log().includes(s), 'no token or secret in the server log');
  });

  it('KeyManager "hashicorp_vault": the CA keys are Transit keys; minted SVIDs verify with openssl; a restart finds the keys again', async () => {
    const server = new ServerProcess();
    servers.push(server);
    const keyManager = pluginBlock('KeyManager', 'hashicorp_vault', fx.pluginData('cert_auth', { key_identifier_file: './vault_server_id' }));
    await server.start({ keyManager });
    const serverId = readFileSync(join(server.dir, 'vault_server_id'), 'utf8');
    const keys = [...fx.emu.transit.keys.values()].filter((k) => k.name.startsWith(`${serverId}-`));
    assert.ok(keys.length >= 2, 'the X.509 CA and JWT keys are in Transit');
    assert.ok(keys.every((k) => !k.exportable), 'none can be exported');
    const signedBefore = keys.reduce((n, k) => n + k.signatures, 0);
    const svidOut = join(out, 'km');
    mkdirSync(svidOut);
    await mintAndVerify(server, svidOut);
    assert.ok(keys.reduce((n, k) => n + k.signatures, 0) > signedBefore, 'the SVID was signed in Vault');
    const bundle = fingerprints(await server.bundlePem());
    for (const s of fx.secrets()) assert.ok(!server.log().includes(s), 'no token or secret in the server log');
    await server.stop({ keepDir: true });
    await server.start({ keyManager });
    assert.deepEqual(fingerprints(await server.bundlePem()), bundle, 'the same CA after a restart');
    await mintAndVerify(server, svidOut);
  });
});
