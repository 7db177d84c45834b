import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, silentLogger, TrustDomain, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { runUpstreamAuthorityContract, rejectsWith } from '@spire-ts/core/plugin/testing';
import { diskUpstreamAuthority } from './index.js';
import { makeTestPki } from './test-pki.js';
import { diskUpstreamContractSetup } from './contract-harness.js';

const td = TrustDomain.parse('example.org');
const core = { trustDomain: td, dataDir: '/tmp' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export async function makeUA(raw: Record<string, unknown>): Promise<UpstreamAuthority> {
  const parsed = diskUpstreamAuthority.parseConfig(raw, core);
  assert.deepEqual(parsed.problems, []);
  return diskUpstreamAuthority.create({ config: parsed.config!, log: silentLogger(), ...core, host: {} });
}

function pki(kind: 'ec' | 'rsa' = 'ec') {
  const p = makeTestPki(kind);
  dirs.push(p.dir);
  return p;
}

runUpstreamAuthorityContract('disk (self-signed upstream)', diskUpstreamContractSetup('in-process', 'self-signed'));

runUpstreamAuthorityContract('disk (intermediate with bundle, RSA)', diskUpstreamContractSetup('in-process', 'intermediate-rsa'));


describe('disk UpstreamAuthority configuration', () => {
  it('requires both paths and names unknown options', () => {
    assert.deepEqual(diskUpstreamAuthority.parseConfig({ bundle_file_path: '/b', extra: 1 }, core).problems, [
      "'cert_file_path' and 'key_file_path' must be set and not empty",
      'unknown option extra',
    ]);
  });

  it('refuses a key that does not match the certificate', async () => {
    const p = pki();
    await rejectsWith(makeUA({ cert_file_path: p.rootCrt, key_file_path: p.intKey }), Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate and private key do not match');
  });

  it('refuses a chain without bundle_file_path', async () => {
    const p = pki();
    const both = join(p.dir, 'both.crt');
    copyFileSync(p.intCrt, both);
    writeFileSync(both, (await import('node:fs')).readFileSync(p.intCrt, 'utf8') + (await import('node:fs')).readFileSync(p.rootCrt, 'utf8'));
    await rejectsWith(makeUA({ cert_file_path: both, key_file_path: p.intKey }), Code.INVALID_ARGUMENT, 'with no bundle_file_path configured only self-signed CAs are supported');
  });

  it('refuses a certificate that does not chain to the bundle', async () => {
    const p = pki();
    const other = pki();
    await rejectsWith(
      makeUA({ cert_file_path: p.intCrt, key_file_path: p.intKey, bundle_file_path: other.rootCrt }),
      Code.INVALID_ARGUMENT,
      'unable to load upstream CA: certificate cannot be validated with the provided bundle or is not self-signed',
    );
  });

  it('names a missing key file', async () => {
    const p = pki();
    await assert.rejects(makeUA({ cert_file_path: p.rootCrt, key_file_path: join(p.dir, 'missing.key') }), /^SpireError: unable to load upstream CA key: ENOENT/);
  });

  it('says publishing JWT keys is unsupported', async () => {
    const p = pki();
    const ua = await makeUA({ cert_file_path: p.rootCrt, key_file_path: p.rootKey });
    const it = ua.publishJWTKeyAndSubscribe({ publicKey: new Uint8Array(), keyId: 'k', expiresAt: 0, tainted: false })[Symbol.asyncIterator]();
    await rejectsWith(it.next(), Code.UNIMPLEMENTED, 'publishing upstream is unsupported');
  });
});
