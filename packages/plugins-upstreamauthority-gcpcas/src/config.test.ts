import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CA_POOL_NOTE, parseGcpCasConfig } from './config.js';

describe('gcp_cas configuration', () => {
  it('reads root_cert_spec; without ca_pool a note says every pool of the region is searched', () => {
    const spec = { project_name: 'p', region_name: 'r', label_key: 'k', label_value: 'v' };
    const r = parseGcpCasConfig({ root_cert_spec: [spec] });
    assert.deepEqual(r.config, { rootCertSpec: { projectName: 'p', regionName: 'r', caPool: '', labelKey: 'k', labelValue: 'v' }, notes: [CA_POOL_NOTE] });
    assert.deepEqual(parseGcpCasConfig({ root_cert_spec: { ...spec, ca_pool: 'pool' } }).config?.notes, []);
  });

  it("names every missing field with SPIRE's messages, and unknown options", () => {
    assert.deepEqual(parseGcpCasConfig({ root_cert_spec: { label: 'x' }, region: 'y' }).problems, [
      'plugin configuration root_cert_spec.Project is missing',
      'plugin configuration root_cert_spec.Location is missing',
      'plugin configuration root_cert_spec.LabelKey is missing',
      'plugin configuration root_cert_spec.LabelValue is missing',
      'unknown option region',
      'unknown option root_cert_spec.label',
    ]);
  });

  it('a root_cert_spec that is not a block is refused', () => {
    assert.ok(parseGcpCasConfig({ root_cert_spec: 'x' }).problems.includes('root_cert_spec must be a block'));
  });
});
