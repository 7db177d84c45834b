import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsEmulator } from './emulator.js';

describe('AwsEmulator: Secrets Manager', () => {
  let aws: AwsEmulator;
  let sm: SecretsManagerClient;
  before(async () => {
    aws = await AwsEmulator.start();
    sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: aws.url, credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, maxAttempts: 1 });
  });
  after(async () => {
    sm.destroy();
    await aws.close();
  });

  it('stores string secrets and serves them by ARN, name and partial ARN', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'app/one', SecretString: 'v1' }));
    assert.match(created.ARN!, /^arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/one-[0-9a-f]{6}$/);
    await sm.send(new PutSecretValueCommand({ SecretId: 'app/one', SecretString: 'v2' }));
    for (const id of [created.ARN!, 'app/one', created.ARN!.slice(0, -7)]) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      assert.equal(out.SecretString, 'v2');
      assert.equal(out.ARN, created.ARN);
    }
    await assert.rejects(sm.send(new CreateSecretCommand({ Name: 'app/one', SecretString: 'x' })), { name: 'ResourceExistsException' });
  });

  it('serves binary secrets as SecretBinary only', async () => {
    const s = aws.secretsManager.put('bin', Uint8Array.of(1, 2, 3));
    const out = await sm.send(new GetSecretValueCommand({ SecretId: s.arn }));
    assert.equal(out.SecretString, undefined);
    assert.deepEqual([...out.SecretBinary!], [1, 2, 3]);
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-abcdef' })), {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('seeds an intermediate upstream CA with its root as the bundle', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ prefix: 'ua', intermediate: true });
    const cert = await sm.send(new GetSecretValueCommand({ SecretId: seeded.certArn }));
    const bundle = await sm.send(new GetSecretValueCommand({ SecretId: seeded.bundleArn! }));
    assert.equal(cert.SecretString, seeded.ca.certPem);
    assert.equal(bundle.SecretString, seeded.root.certPem);
    assert.match((await sm.send(new GetSecretValueCommand({ SecretId: seeded.keyArn }))).SecretString!, /BEGIN PRIVATE KEY/);
  });
});
