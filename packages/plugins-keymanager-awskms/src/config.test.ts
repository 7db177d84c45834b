import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAwsKmsConfig } from './config.js';

const base = { region: 'us-east-1', key_identifier_value: 'server-a' };
const problems = (raw: Record<string, unknown>) => parseAwsKmsConfig(raw).problems;

describe('aws_kms config', () => {
  it('reads every option', () => {
    const { config, problems: p } = parseAwsKmsConfig({
      access_key_id: 'AKIA',
      secret_access_key: 's',
      region: 'eu-west-1',
      key_identifier_file: '/var/lib/spire/server-id',
      key_policy_file: '/etc/spire/policy.json',
      key_tags: [{ team: 'identity', env: 'prod' }],
      enable_tag_based_key_discovery: true,
    });
    assert.deepEqual(p, []);
    assert.deepEqual(config, {
      accessKeyId: 'AKIA',
      secretAccessKey: 's',
      region: 'eu-west-1',
      keyIdentifierFile: '/var/lib/spire/server-id',
      keyIdentifierValue: '',
      keyPolicyFile: '/etc/spire/policy.json',
      keyTags: [
        ['team', 'identity'],
        ['env', 'prod'],
      ],
      enableTagBasedKeyDiscovery: true,
    });
  });

  it('requires a region and exactly one key identifier, collecting every problem', () => {
    assert.deepEqual(problems({}), ['configuration is missing a region', 'configuration requires a key identifier file or a key identifier value']);
    assert.deepEqual(problems({ region: 'r', key_identifier_file: 'f', key_identifier_value: 'v' }), [
      "configuration can't have a key identifier file and a key identifier value at the same time",
    ]);
    assert.deepEqual(problems({ ...base, bogus: 1 }), ['unknown option bogus']);
  });

  it('checks the key identifier value as SPIRE does', () => {
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'has space' }), [
      'Key identifier must contain only alphanumeric characters, forward slashes (/), underscores (_), and dashes (-)',
    ]);
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'a.b' }).length, 1);
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'alias/aws/x' }), ['Key identifier must not start with alias/aws/']);
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'x'.repeat(257) }), ['Key identifier must not be longer than 256 characters']);
    // SPIRE's class is A-z, which also admits [ \ ] ^ _ and the backquote.
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'a^b[c]_d/e-f`' }), []);
    assert.deepEqual(problems({ region: 'r', key_identifier_value: 'x'.repeat(256) }), []);
  });

  const tagCases: [Record<string, string>, string][] = [
    [{ '': 'v' }, 'tag key cannot be empty'],
    [{ ['k'.repeat(129)]: 'v' }, `tag key "${'k'.repeat(129)}" exceeds maximum length of 128 characters`],
    [{ 'AWS:x': 'v' }, `tag key "AWS:x" uses reserved prefix 'aws:'`],
    [{ 'Spire-x': 'v' }, `tag key "Spire-x" uses reserved prefix 'spire-'`],
    [{ 'k!': 'v' }, 'tag key "k!" contains invalid characters (allowed: letters, numbers, spaces, + - = . _ : / @)'],
    [{ k: 'v'.repeat(257) }, 'tag value for key "k" exceeds maximum length of 256 characters'],
    [{ k: 'v#' }, 'tag value for key "k" contains invalid characters (allowed: letters, numbers, spaces, + - = . _ : / @)'],
  ];
  for (const [tags, message] of tagCases) {
    it(`refuses key_tags ${JSON.stringify(Object.keys(tags)[0]!.slice(0, 10))}: ${message.slice(0, 40)}`, () => {
      assert.deepEqual(problems({ ...base, key_tags: tags }), [`invalid configuration for key tags: ${message}`]);
    });
  }

  it('accepts AWS tag characters, empty values, and at most 50 tags', () => {
    assert.deepEqual(problems({ ...base, key_tags: { 'Ünïcode key 1 +-=._:/@': '', x: 'a b' } }), []);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(problems({ ...base, key_tags: fifty }), []);
    assert.deepEqual(problems({ ...base, key_tags: { ...fifty, k50: 'v' } }), [
      'invalid configuration for key tags: too many tags: 51 tags exceed AWS limit of 50',
    ]);
    assert.deepEqual(problems({ ...base, key_tags: { k: 1 } }), ['key_tags must be a map of strings']);
  });
});
