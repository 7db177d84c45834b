import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { x509popNodeAttestor } from './index.js';
import { issue, pem, td, tempFile } from './test-pki.js';

const core = { trustDomain: td, dataDir: tmpdir() };
const parse = (d: Record<string, unknown>) => x509popNodeAttestor.parseConfig(d, core);

describe('x509pop config', async () => {
  const root = await issue({ cn: 'Root', ca: true });
  const bundle = tempFile('ca.pem', pem(root));

  it('has SPIRE defaults', () => {
    const { config, problems } = parse({ ca_bundle_path: bundle });
    assert.deepEqual(problems, []);
    assert.ok(config);
    assert.equal(config.mode, 'external_pki');
    assert.equal(config.svidPrefix, '/spire-exchange/');
    assert.equal(config.maxIntermediates, 4);
    assert.equal(config.maxRsaKeySize, 8192);
    assert.equal(config.verifyClientIp, false);
    assert.equal(config.trustBundle.length, 1);
    assert.equal(config.pathTemplate.source, '/{{ .PluginName }}/{{ .Fingerprint }}');
  });

  it('uses the SVID path template and no bundle in spiffe mode; accepts spiffe_prefix or svid_prefix', () => {
    const a = parse({ mode: 'spiffe', spiffe_prefix: '/exchange' });
    assert.deepEqual(a.problems, []);
    assert.equal(a.config?.svidPrefix, '/exchange/');
    assert.equal(a.config?.pathTemplate.source, '/{{ .PluginName }}/{{ .SVIDPathTrimmed }}');
    assert.equal(parse({ mode: 'spiffe', svid_prefix: '/x/' }).config?.svidPrefix, '/x/');
  });

  it('lists every problem, each naming its option', () => {
    const r = parse({
      mode: 'bogus',
      ca_bundle_path: '/nonexistent/ca.pem',
      ca_bundle_paths: [bundle],
      agent_path_template: '/{{ .Subject.CommonName | nosuch }}',
      max_intermediates: 0,
      max_rsa_key_size: -1,
      verify_client_ip: 'maybe',
      extra: 1,
    });
    assert.equal(r.config, undefined);
    assert.deepEqual(r.problems, [
      'mode can only be either spiffe or external_pki',
      'only one of ca_bundle_path or ca_bundle_paths can be configured, not both',
      'unable to load trust bundle "/nonexistent/ca.pem": ENOENT: no such file or directory, open \'/nonexistent/ca.pem\'',
      'failed to parse agent svid template: "/{{ .Subject.CommonName | nosuch }}": function "nosuch" not defined',
      'max_intermediates must be greater than 0',
      'max_rsa_key_size must be greater than 0',
      'verify_client_ip must be a boolean',
      'unknown option extra',
    ]);
  });

  it('requires a bundle in external_pki mode and refuses one in spiffe mode', () => {
    assert.deepEqual(parse({}).problems, ['one of ca_bundle_path or ca_bundle_paths must be configured']);
    assert.deepEqual(parse({ mode: 'spiffe', ca_bundle_path: bundle }).problems, ['you can not use ca_bundle_path or ca_bundle_paths in spiffe mode']);
  });

  it('refuses a bundle file without certificates and a template using range', () => {
    const empty = tempFile('empty.pem', 'nothing here\n');
    assert.deepEqual(parse({ ca_bundle_path: empty, agent_path_template: '{{ range .DNSNames }}{{ end }}' }).problems, [
      `unable to load trust bundle "${empty}": no certificates found in file`,
      'failed to parse agent svid template: "{{ range .DNSNames }}{{ end }}": "range" is not supported in agent path templates',
    ]);
  });
});
