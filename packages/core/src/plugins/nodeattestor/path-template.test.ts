import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../../spiffeid/index.js';
import { SpiffeIdError } from '../../spiffeid/errors.js';
import { PathTemplate, PathTemplateExecError, PathTemplateSyntaxError, agentIdFromTemplate } from './path-template.js';

const data = {
  PluginName: 'x509pop',
  TrustDomain: 'example.org',
  Fingerprint: '0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33',
  SerialNumberHex: '0a1b',
  SerialNumber: 2587n,
  Subject: { CommonName: 'Node-1.Example.org', Organization: ['Acme', 'Corp'] },
  DNSNames: ['a.example.org', 'b.example.org'],
  Empty: '',
  URISanSelectors: new Map([['datacenter', 'us-east-1']]),
  NotAfter: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
};

const render = (src: string, d: Record<string, unknown> = data) => PathTemplate.parse(src).execute(d);

describe('agent path template: rendering', () => {
  it('renders the defaults SPIRE ships', () => {
    assert.equal(render('/{{ .PluginName }}/{{ .Fingerprint }}'), '/x509pop/0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33');
    assert.equal(render('/{{ .PluginName}}/{{ .Fingerprint }}'), '/x509pop/0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33');
  });

  it('follows field chains, map keys and $', () => {
    assert.equal(render('/cn/{{ .Subject.CommonName }}'), '/cn/Node-1.Example.org');
    assert.equal(render('/dc/{{ .URISanSelectors.datacenter }}'), '/dc/us-east-1');
    assert.equal(render('{{ with .Subject }}{{ $.TrustDomain }}/{{ .CommonName }}{{ end }}'), 'example.org/Node-1.Example.org');
  });

  it('runs pipelines and function calls with their arguments', () => {
    assert.equal(render('{{ .Subject.CommonName | lower }}'), 'node-1.example.org');
    assert.equal(render('{{ .Subject.CommonName | lower | trimSuffix ".example.org" }}'), 'node-1');
    assert.equal(render('{{ index .DNSNames 1 }}'), 'b.example.org');
    assert.equal(render('{{ index .Subject.Organization 0 | upper }}'), 'ACME');
    assert.equal(render('{{ printf "%s-%s" .PluginName .SerialNumberHex }}'), 'x509pop-0a1b');
    assert.equal(render('{{ (index .DNSNames 0) | replace "." "-" }}'), 'a-example-org');
    assert.equal(render('{{ .Empty | default "none" }}'), 'none');
    assert.equal(render('{{ join "_" .Subject.Organization }}'), 'Acme_Corp');
    assert.equal(render('{{ sha256sum "abc" | trunc 8 }}'), 'ba7816bf');
    assert.equal(render('{{ regexReplaceAll "[^a-z0-9]" (lower .Subject.CommonName) "_" }}'), 'node_1_example_org');
    assert.equal(render('{{ len .DNSNames }}'), '2');
  });

  it('prints values the way Go does', () => {
    assert.equal(render('{{ .SerialNumber }}'), '2587');
    assert.equal(render('{{ .DNSNames }}'), '[a.example.org b.example.org]');
    assert.equal(render('{{ .NotAfter }}'), '2030-01-02 03:04:05 +0000 UTC');
  });

  it('evaluates if / else if / else and trim markers', () => {
    const t = '{{ if eq .PluginName "sshpop" }}ssh{{ else if eq .PluginName "x509pop" -}}  x509  {{- else }}other{{ end }}';
    assert.equal(render(t), 'x509');
    assert.equal(render(t, { ...data, PluginName: 'sshpop' }), 'ssh');
    assert.equal(render(t, { ...data, PluginName: 'tpm' }), 'other');
    assert.equal(render('a {{- /* a comment */ -}} b'), 'ab');
    assert.equal(render('{{ if and .Empty .PluginName }}x{{ else }}y{{ end }}'), 'y');
    assert.equal(render('{{ if not .Empty }}x{{ end }}'), 'x');
    // and/or stop early, as in Go: the failing index is never evaluated.
    assert.equal(render('{{ if and .Empty (index .DNSNames 9) }}x{{ else }}y{{ end }}'), 'y');
    assert.equal(render('{{ or .PluginName (index .DNSNames 9) }}'), 'x509pop');
    assert.equal(render('{{ or .Empty "fallback" }}'), 'fallback');
  });

  it('fails on a missing field or map key (missingkey=error)', () => {
    assert.throws(() => render('{{ .Nope }}'), PathTemplateExecError);
    assert.throws(() => render('{{ .URISanSelectors.nope }}'), /map has no entry for key "nope"/);
    assert.throws(() => render('{{ index .DNSNames 5 }}'), /index out of range: 5/);
  });
});

describe('agent path template: parsing', () => {
  const refused: [string, RegExp][] = [
    ['{{ .PluginName ', /unclosed action/],
    ['{{ if .A }}x', /missing \{\{end\}\}/],
    ['{{ end }}', /unexpected \{\{end\}\}/],
    ['{{ range .DNSNames }}{{ . }}{{ end }}', /"range" is not supported/],
    ['{{ template "x" }}', /"template" is not supported/],
    ['{{ $x := .A }}', /variable declarations/],
    ['{{ nosuchfunc .A }}', /function "nosuchfunc" not defined/],
    ['{{ constructor }}', /function "constructor" not defined/],
    ['{{ .A | snakecase }}', /function "snakecase" is not supported by this server/],
    ['{{ "unterminated }}', /unterminated quoted string/],
    ['{{ .A | }}', /missing command after "\|"/],
    ['{{ .A | .B }}', /non-function command in pipeline stage/],
  ];
  for (const [src, re] of refused) {
    it(`refuses ${src}`, () => {
      assert.throws(() => PathTemplate.parse(src), (e: unknown) => e instanceof PathTemplateSyntaxError && re.test(e.message));
    });
  }
});

describe('agentIdFromTemplate', () => {
  const td = TrustDomain.parse('example.org');
  it('prefixes /spire/agent', () => {
    const id = agentIdFromTemplate(td, PathTemplate.parse('/{{ .PluginName }}/{{ .Fingerprint }}'), data);
    assert.equal(id.toString(), 'spiffe://example.org/spire/agent/x509pop/0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33');
  });
  it('refuses paths that break the SPIFFE ID rules', () => {
    for (const src of ['x509pop/{{ .Fingerprint }}', '/a//b', '/a/../b', '/a b', '/a/']) {
      assert.throws(() => agentIdFromTemplate(td, PathTemplate.parse(src), data), SpiffeIdError, src);
    }
  });
  it('refuses an empty path', () => {
    assert.throws(() => agentIdFromTemplate(td, PathTemplate.parse('{{ .Empty }}'), data), /empty path/);
  });
});
