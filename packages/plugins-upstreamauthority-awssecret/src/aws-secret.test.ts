import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { rejectsWith, runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import { makeCa, type AwsEmulator, type SeededUpstreamCa } from '@spire-ts/emulator-aws';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { csrWithUris, makeUA, startAws } from './harness.test-support.js';

let aws: AwsEmulator;
before(async () => {
  aws = await startAws();
});
after(async () => aws.close());

const data = (s: SeededUpstreamCa) => ({
  region: 'us-east-1',
  cert_file_arn: s.certArn,
  key_file_arn: s.keyArn,
  ...(s.bundleArn ? { bundle_file_arn: s.bundleArn } : {}),
});

function contract(servedAs: ServedAs, intermediate: boolean) {
  return async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: `contract-${servedAs}-${intermediate}`, intermediate });
    const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'awsSecretUpstreamAuthority', { data: data(seeded) });
    return { ua: started.plugin, trustDomain: 'example.org', close: () => started.close() };
  };
}

runUpstreamAuthorityContract('awssecret (self-signed upstream root)', contract('in-process', false));
runUpstreamAuthorityContract('awssecret (intermediate with bundle)', contract('in-process', true));
runUpstreamAuthorityContract('awssecret (intermediate with bundle; external, plugin_cmd over gRPC)', contract('external', true));

async function first(it: AsyncIterable<MintX509CAResponse>): Promise<MintX509CAResponse> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}

describe('awssecret minting', () => {
  it('returns the new CA, then the intermediate; the root is the bundle; openssl verifies it', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'mint', intermediate: true });
    const ua = await makeUA(data(seeded));
    const reads = aws.calls('secretsmanager', 'GetSecretValue').length;
    const res = await first(ua.mintX509CAAndSubscribe({ csr: await csrWithUris(['spiffe://example.org']), preferredTtlSeconds: 600 }));
    assert.equal(res.x509CaChain.length, 2);
    assert.deepEqual(Buffer.from(res.x509CaChain[1]!), Buffer.from(seeded.ca.cert.rawData));
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(seeded.root.cert.rawData)]);
    const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1));
    assert.ok(v.ok, v.out);
    assert.equal(opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, []).ok, false, 'the intermediate is needed');
    assert.match(opensslText(res.x509CaChain[0]!), /CA:TRUE/);
    assert.equal(aws.calls('secretsmanager', 'GetSecretValue').length, reads, 'secrets are read only at configuration');
    assert.equal(aws.calls('secretsmanager', 'GetSecretValue').at(-1)?.region, 'us-east-1');
  });

  for (const [what, uris, message] of [
    ['a URI SAN of another trust domain', ['spiffe://other.org'], 'unable to sign CSR: CSR with SPIFFE ID "spiffe://other.org" is invalid: must use the trust domain ID for trust domain "example.org"'],
    ['a workload ID instead of the trust domain ID', ['spiffe://example.org/workload'], 'unable to sign CSR: CSR with SPIFFE ID "spiffe://example.org/workload" is invalid: must use the trust domain ID for trust domain "example.org"'],
    ['an extra URI SAN', ['spiffe://example.org', 'spiffe://example.org/extra'], 'unable to sign CSR: CSR must have exactly one URI SAN'],
    ['no URI SAN', [], 'unable to sign CSR: CSR must have exactly one URI SAN'],
  ] as const) {
    it(`refuses a CSR with ${what}`, async () => {
      const ua = await makeUA(data(await aws.secretsManager.seedUpstreamCa({ prefix: 'csr' })));
      await rejectsWith(first(ua.mintX509CAAndSubscribe({ csr: await csrWithUris([...uris]), preferredTtlSeconds: 600 })), Code.INTERNAL, message);
    });
  }

  it('says publishing JWT keys is unsupported', async () => {
    const ua = await makeUA(data(await aws.secretsManager.seedUpstreamCa({ prefix: 'jwt' })));
    const it = ua.publishJWTKeyAndSubscribe({ publicKey: new Uint8Array(), keyId: 'k', expiresAt: 0, tainted: false })[Symbol.asyncIterator]();
    await rejectsWith(it.next(), Code.UNIMPLEMENTED, 'publishing upstream is unsupported');
  });
});

describe('awssecret configuration against Secrets Manager', () => {
  it('refuses a key that does not match the certificate', async () => {
    const a = await aws.secretsManager.seedUpstreamCa({ prefix: 'mismatch-a' });
    const b = await aws.secretsManager.seedUpstreamCa({ prefix: 'mismatch-b' });
    await rejectsWith(makeUA({ ...data(a), key_file_arn: b.keyArn }), Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate and private key do not match');
  });

  it('refuses a certificate that does not chain to the bundle', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'chain', intermediate: true });
    const other = aws.secretsManager.put('chain/other-root', (await makeCa({ subject: 'CN=Other Root' })).certPem);
    await rejectsWith(
      makeUA({ ...data(seeded), bundle_file_arn: other.arn }),
      Code.INVALID_ARGUMENT,
      'unable to load upstream CA: certificate could not be validated with the provided bundle or is not self signed',
    );
  });

  it('refuses two certificates without bundle_file_arn', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'two', intermediate: true });
    const both = aws.secretsManager.put('two/both', seeded.ca.certPem + seeded.root.certPem);
    await rejectsWith(
      makeUA({ region: 'us-east-1', cert_file_arn: both.arn, key_file_arn: seeded.keyArn }),
      Code.INVALID_ARGUMENT,
      'with no bundle_file_arn configured only self-signed CAs are supported',
    );
  });

  it('accepts the chain in the certificate secret with the bundle', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'withchain', intermediate: true });
    const both = aws.secretsManager.put('withchain/both', seeded.ca.certPem + seeded.root.certPem);
    const ua = await makeUA({ ...data(seeded), cert_file_arn: both.arn });
    const res = await first(ua.mintX509CAAndSubscribe({ csr: await csrWithUris(['spiffe://example.org']), preferredTtlSeconds: 600 }));
    assert.equal(res.x509CaChain.length, 3);
    assert.ok(opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1)).ok);
  });

  it('names a secret that does not exist', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'missing' });
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-abcdef';
    await rejectsWith(makeUA({ ...data(seeded), bundle_file_arn: arn }), Code.INVALID_ARGUMENT, `unable to read ${arn}: ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
  });

  it('refuses a secret that has only a binary value', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'binary' });
    const bin = aws.secretsManager.put('binary/key', new TextEncoder().encode(seeded.ca.keyPem));
    await rejectsWith(makeUA({ ...data(seeded), key_file_arn: bin.arn }), Code.INVALID_ARGUMENT, `unable to read ${bin.arn}: response or SecretString is nil`);
  });

  it('refuses a key secret that is not a key', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'garbage' });
    const junk = aws.secretsManager.put('garbage/key', 'not a key');
    await rejectsWith(makeUA({ ...data(seeded), key_file_arn: junk.arn }), Code.INTERNAL, /^unable to parse private key: /);
  });

  it('reads the secrets as the assumed role, in the configured region', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'role' });
    const role = 'arn:aws:iam::444455556666:role/spire-upstream';
    await makeUA({ ...data(seeded), region: 'eu-west-1', access_key_id: 'AKIASTATIC', secret_access_key: 'static', assume_role_arn: role });
    const assumed = aws.sts.assumed.filter((a) => a.roleArn === role);
    assert.equal(assumed.length, 1);
    assert.equal(aws.calls('secretsmanager', 'GetSecretValue').at(-1)?.region, 'eu-west-1');
  });
});
