import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAwsRolesAnywhereConfig } from './config.js';

describe('aws_rolesanywhere_trustanchor configuration', () => {
  it('requires the region and the trust anchor ID, and names unknown options', () => {
    assert.deepEqual(parseAwsRolesAnywhereConfig({ access_key_id: 'A', bucket: 'b' }).problems, [
      'configuration is missing the region',
      'configuration is missing the trust anchor id',
      'unknown option bucket',
    ]);
  });

  it('reads every option', () => {
    const r = parseAwsRolesAnywhereConfig({ access_key_id: 'A', secret_access_key: 'S', region: 'us-east-1', trust_anchor_id: 'ta' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.config, { accessKeyId: 'A', secretAccessKey: 'S', region: 'us-east-1', trustAnchorId: 'ta' });
  });
});
