import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAwsSecretConfig } from './config.js';

describe('awssecret configuration', () => {
  it('requires both ARNs and names unknown options', () => {
    assert.deepEqual(parseAwsSecretConfig({ region: 'us-east-1', extra: 1 }).problems, [
      "configuration missing 'cert_file_arn' value",
      "configuration missing 'key_file_arn' value",
      'unknown option extra',
    ]);
  });

  it('reads every option', () => {
    const r = parseAwsSecretConfig({
      region: 'eu-west-1',
      cert_file_arn: 'c',
      key_file_arn: 'k',
      bundle_file_arn: 'b',
      access_key_id: 'AK',
      secret_access_key: 'SK',
      secret_token: 'T',
      assume_role_arn: 'arn:aws:iam::111122223333:role/r',
    });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config, {
      region: 'eu-west-1',
      certFileArn: 'c',
      keyFileArn: 'k',
      bundleFileArn: 'b',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      secretToken: 'T',
      assumeRoleArn: 'arn:aws:iam::111122223333:role/r',
    });
  });
});
