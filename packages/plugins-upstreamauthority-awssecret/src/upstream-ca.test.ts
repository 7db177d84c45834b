import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { makeCa } from '@spire-ts/emulator-aws';
import { parseAwsSecretConfig } from './config.js';
import { FakeSecretReader } from './secret-reader.fake.js';
import { loadUpstreamCAFromSecrets } from './upstream-ca.js';

const config = (raw: Record<string, unknown>) => parseAwsSecretConfig(raw).config!;

describe('loadUpstreamCAFromSecrets', () => {
  it('reads the key, the certificate, then the bundle, and takes the bundle as the roots', async () => {
    const root = await makeCa({ subject: 'CN=r' });
    const int = await makeCa({ subject: 'CN=i', issuer: root });
    const sm = new FakeSecretReader();
    sm.strings.set('k', int.keyPem).set('c', int.certPem).set('b', root.certPem);
    const cred = await loadUpstreamCAFromSecrets(config({ cert_file_arn: 'c', key_file_arn: 'k', bundle_file_arn: 'b' }), sm);
    assert.deepEqual(sm.reads, ['k', 'c', 'b']);
    assert.deepEqual(cred.chain.map((c) => Buffer.from(c)), [Buffer.from(int.cert.rawData)]);
    assert.deepEqual(cred.roots.map((c) => Buffer.from(c)), [Buffer.from(root.cert.rawData)]);
  });

  it('stops at the first secret it cannot read', async () => {
    const sm = new FakeSecretReader();
    sm.binary.add('k');
    await rejectsWith(loadUpstreamCAFromSecrets(config({ cert_file_arn: 'c', key_file_arn: 'k' }), sm), Code.INVALID_ARGUMENT, 'unable to read k: response or SecretString is nil');
    assert.deepEqual(sm.reads, ['k']);
  });

  it('refuses a bundle secret without certificates', async () => {
    const root = await makeCa({ subject: 'CN=r' });
    const sm = new FakeSecretReader();
    sm.strings.set('k', root.keyPem).set('c', root.certPem).set('b', 'nothing here');
    await rejectsWith(loadUpstreamCAFromSecrets(config({ cert_file_arn: 'c', key_file_arn: 'k', bundle_file_arn: 'b' }), sm), Code.INVALID_ARGUMENT, 'unable to load upstream CA bundle: no PEM blocks');
  });
});
