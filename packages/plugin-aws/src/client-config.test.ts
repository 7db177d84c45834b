import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsEmulator } from '@spire-ts/emulator-aws';
import { awsClientConfig, endpointFromEnv, staticCredentials } from './client-config.js';
import { awsErrorText, isAwsUnavailable } from './errors.js';

describe('endpointFromEnv', () => {
  it('prefers the per-service variable, then AWS_ENDPOINT_URL, then none', () => {
    const env = { AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_ACM_PCA: 'http://pca' };
    assert.equal(endpointFromEnv('ACM PCA', env), 'http://pca');
    assert.equal(endpointFromEnv('Secrets Manager', env), 'http://all');
    assert.equal(endpointFromEnv('KMS', {}), undefined);
  });
});

describe('staticCredentials', () => {
  it('uses static keys only when both halves are set', () => {
    assert.equal(staticCredentials({ accessKeyId: 'A' }), undefined);
    assert.equal(staticCredentials({ secretAccessKey: 'S' }), undefined);
    assert.deepEqual(staticCredentials({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' }), {
      accessKeyId: 'A',
      secretAccessKey: 'S',
      sessionToken: 'T',
    });
  });
});

describe('awsClientConfig against the emulator', () => {
  let aws: AwsEmulator;
  const saved = process.env.AWS_ENDPOINT_URL;
  before(async () => {
    aws = await AwsEmulator.start();
    process.env.AWS_ENDPOINT_URL = aws.url;
  });
  after(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await aws.close();
  });

  it('makes every call as the assumed role', async () => {
    const cfg = awsClientConfig('STS', {
      region: 'us-east-1',
      accessKeyId: 'AKIA1',
      secretAccessKey: 's',
      assumeRoleArn: 'arn:aws:iam::999988887777:role/spire',
      roleSessionName: 'test',
    });
    assert.equal(cfg.endpoint, aws.url);
    const sts = new STSClient(cfg);
    const who = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.equal(who.Arn, 'arn:aws:sts::999988887777:assumed-role/spire/test');
    assert.equal(aws.sts.assumed.at(-1)?.roleArn, 'arn:aws:iam::999988887777:role/spire');
  });

  it('names the AWS error code, and sees 5xx as unavailable', async () => {
    aws.fail('sts', 'GetCallerIdentity', 'InternalFailure', 'boom', 500, 1);
    const sts = new STSClient(awsClientConfig('STS', { region: 'us-east-1', accessKeyId: 'A', secretAccessKey: 'S' }, { maxAttempts: 1 }));
    const err = await sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    sts.destroy();
    assert.equal(awsErrorText(err), 'InternalFailure: boom');
    assert.equal(isAwsUnavailable(err), true);
  });
});
