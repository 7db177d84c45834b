import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

function load(federation: string) {
  const r = parseServerConfigText(minimalConfig(`federation {\n${federation}\n}`), { filename: 'server.conf', cwd: '/' });
  return { ...r, p: r.problems.map(formatProblem), w: r.warnings.map(formatProblem) };
}

test('the https_web profile with acme, with SPIRE defaults', () => {
  const { config, p } = load('bundle_endpoint {\n profile "https_web" { acme { domain_name = "x.org" } }\n}');
  assert.deepEqual(p, []);
  assert.deepEqual(config!.server.federation.bundleEndpoint, {
    address: '0.0.0.0',
    port: 0,
    refreshHintMs: 300_000,
    profile: {
      type: 'https_web',
      acme: {
        directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
        domainName: 'x.org',
        email: '',
        tosAccepted: false,
        cacheDir: '/var/lib/spire/bundle-acme',
      },
    },
  });
});

test('serving_cert_file defaults its sync interval to 1h', () => {
  const { config } = load('bundle_endpoint {\n profile "https_web" { serving_cert_file = { cert_file_path = "c" key_file_path = "k" } }\n}');
  assert.deepEqual(config!.server.federation.bundleEndpoint?.profile, {
    type: 'https_web',
    servingCertFile: { certFilePath: 'c', keyFilePath: 'k', fileSyncIntervalMs: 3_600_000 },
  });
});

test('no profile means https_spiffe, with SPIRE\'s warning; the deprecated acme block still works', () => {
  const a = load('bundle_endpoint { port = 8443 }');
  assert.deepEqual(a.config!.server.federation.bundleEndpoint?.profile, { type: 'https_spiffe' });
  assert.match(a.w.join('\n'), /server\.federation\.bundle_endpoint: Bundle endpoint is configured but has no profile set, using https_spiffe/);
  const b = load('bundle_endpoint { acme { domain_name = "d" email = "e" } }');
  assert.equal(b.config!.server.federation.bundleEndpoint?.profile.type, 'https_web');
  assert.match(b.w.join('\n'), /ACME configuration within the bundle_endpoint is deprecated/);
});

test('refresh_hint warnings', () => {
  assert.match(load('bundle_endpoint {\n refresh_hint = "30s"\n profile "https_spiffe" {} }').w.join(), /refresh hint set too low/);
  assert.match(load('bundle_endpoint {\n refresh_hint = "48h"\n profile "https_spiffe" {} }').w.join(), /refresh hint set to a high value/);
});

test('every federation problem at once', () => {
  const { p, config } = load(`
bundle_endpoint {
  refresh_hint = "soon"
  port = 99999
  acme { domain_name = "" }
  profile "https_web" {}
}
federates_with "http.test" {
  bundle_endpoint_url = "http://insecure"
  bundle_endpoint_profile "https_web" {}
}
federates_with "noprofile.test" {
  bundle_endpoint_url = "https://x"
}
federates_with "nospiffeid.test" {
  bundle_endpoint_url = "https://x"
  bundle_endpoint_profile "https_spiffe" {}
}
federates_with "badid.test" {
  bundle_endpoint_url = "https://x"
  bundle_endpoint_profile "https_spiffe" { endpoint_spiffe_id = "spiffe://UPPER/x" }
}
federates_with "unknown.test" {
  bundle_endpoint_url = "https://x"
  bundle_endpoint_profile "https_ftp" {}
}
federates_with "Bad_TD" {
  bundle_endpoint_url = ""
  bundle_endpoint_profile "https_web" {}
  extra = 1
}`);
  assert.equal(config, undefined);
  assert.deepEqual(p, [
    'server.conf:7: server.federation.bundle_endpoint.refresh_hint: invalid duration "soon"',
    'server.conf:8: server.federation.bundle_endpoint.port: 99999 is out of range [0, 65535]',
    'server.conf:9: server.federation.bundle_endpoint.acme: either bundle endpoint \'acme\' or \'profile\' can be set, but not both',
    'server.conf:13: server.federation.federates_with["http.test"].bundle_endpoint_url: must use the HTTPS protocol; URL found: "http://insecure"',
    'server.conf:16: server.federation.federates_with["noprofile.test"]: federation configuration for trust domain "noprofile.test": missing bundle endpoint configuration (bundle_endpoint_profile)',
    'server.conf:21: server.federation.federates_with["nospiffeid.test"].bundle_endpoint_profile.https_spiffe.endpoint_spiffe_id: must be configured for the https_spiffe profile',
    'server.conf:25: server.federation.federates_with["badid.test"].bundle_endpoint_profile.https_spiffe.endpoint_spiffe_id: could not get endpoint SPIFFE ID: trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
    'server.conf:29: server.federation.federates_with["unknown.test"].bundle_endpoint_profile: unknown bundle endpoint profile "https_ftp"; supported profiles are "https_spiffe" and "https_web"',
    'server.conf:31: server.federation.federates_with.Bad_TD: invalid trust domain "Bad_TD": trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
    'server.conf:32: server.federation.federates_with.Bad_TD.bundle_endpoint_url: must be configured',
    'server.conf:34: server.federation.federates_with.Bad_TD.extra: unknown option',
  ]);
});

test('two profiles for one endpoint is a problem', () => {
  assert.deepEqual(load('bundle_endpoint {\n profile "https_web" {}\n profile "https_spiffe" {}\n}').p, [
    'server.conf:6: server.federation.bundle_endpoint.profile: exactly one bundle endpoint profile is expected',
  ]);
});

test('an https_web profile needs acme or serving_cert_file', () => {
  assert.deepEqual(load('bundle_endpoint {\n profile "https_web" {}\n}').p, [
    "server.conf:6: server.federation.bundle_endpoint.profile.https_web: malformed https_web profile configuration: 'acme' or 'serving_cert_file' is required",
  ]);
});

test('a bundle endpoint address that is not an IP is refused (SPIRE would listen everywhere)', () => {
  const { p } = load('bundle_endpoint {\n address = "localhost"\n profile "https_spiffe" {} }');
  assert.deepEqual(p, ['server.conf:6: server.federation.bundle_endpoint.address: must be an IP address; found "localhost"']);
  assert.deepEqual(load('bundle_endpoint {\n address = "::1"\n profile "https_spiffe" {} }').p, []);
});
