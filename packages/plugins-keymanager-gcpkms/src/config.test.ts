import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGcpKmsConfig, MAX_KEY_IDENTIFIER_LENGTH } from './config.js';

describe('gcp_kms: configuration', () => {
  it("collects SPIRE's problems", () => {
    assert.deepEqual(parseGcpKmsConfig({}).problems, ['configuration is missing the key ring', 'configuration requires a key identifier file or a key identifier value']);
    assert.deepEqual(parseGcpKmsConfig({ key_ring: 'r', key_identifier_file: 'f', key_identifier_value: 'v' }).problems, [
      "configuration can't have a key identifier file and a key identifier value at the same time",
    ]);
    assert.deepEqual(parseGcpKmsConfig({ key_ring: 'r', key_identifier_value: 'Bad.Value', extra: 1 }).problems, [
      'Key identifier must contain only letters, numbers, underscores (_), and dashes (-)',
      'unknown option extra',
    ]);
    assert.equal(MAX_KEY_IDENTIFIER_LENGTH, 40);
    assert.deepEqual(parseGcpKmsConfig({ key_ring: 'r', key_identifier_value: 'a'.repeat(41) }).problems, ['Key identifier must not be longer than 40 characters']);
  });

  it('reads every option and checks service_account_file', () => {
    const r = parseGcpKmsConfig({ key_ring: 'projects/p/locations/l/keyRings/k', key_identifier_value: 'srv_1-a', key_policy_file: '/p.json' });
    assert.deepEqual(r.config, { keyRing: 'projects/p/locations/l/keyRings/k', keyIdentifierFile: '', keyIdentifierValue: 'srv_1-a', keyPolicyFile: '/p.json', serviceAccountFile: '' });
    assert.match(parseGcpKmsConfig({ key_ring: 'r', key_identifier_value: 'v', service_account_file: '/nope.json' }).problems[0]!, /^service_account_file: open \/nope\.json: no such file or directory$/);
  });
});
