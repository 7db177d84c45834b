import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sshpopNodeAttestor } from './index.js';
import { makeCa, td } from './test-ssh.js';

const core = { trustDomain: td, dataDir: tmpdir() };
const parse = (d: Record<string, unknown>) => sshpopNodeAttestor.parseConfig(d, core);

describe('sshpop config', () => {
  const ca = makeCa();

  it('unions cert_authorities and cert_authorities_path and has the default template', () => {
    const other = makeCa();
    const { config, problems } = parse({ cert_authorities: [ca.publicLine], cert_authorities_path: `${other.keyPath}.pub` });
    assert.deepEqual(problems, []);
    assert.equal(config?.certAuthorities.length, 2);
    assert.equal(config?.canonicalDomain, '');
    assert.equal(config?.pathTemplate.source, '/{{ .PluginName}}/{{ .Fingerprint }}');
  });

  it('requires a CA', () => {
    assert.deepEqual(parse({}).problems, ['missing required config value for "cert_authorities" or "cert_authorities_path"']);
    assert.deepEqual(parse({ cert_authorities: [] }).problems, ['failed to create cert checker: must provide at least one cert authority']);
  });

  it('skips the empty lines of cert_authorities_path, as SPIRE does', () => {
    const other = makeCa();
    const file = join(ca.dir, 'blank-lines.pub');
    writeFileSync(file, `\n${ca.publicLine}\n\n\n${other.publicLine}\n\n`);
    const { config, problems } = parse({ cert_authorities_path: file });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      config?.certAuthorities.map((k) => k.blob),
      [ca, other].map((c) => Buffer.from(c.publicLine.split(' ')[1]!, 'base64')),
    );
  });

  it('refuses a whitespace-only or comment line of cert_authorities_path, as SPIRE does (only empty lines are skipped)', () => {
    const file = join(ca.dir, 'odd-lines.pub');
    writeFileSync(file, `${ca.publicLine}\n  \n# a comment\n`);
    assert.deepEqual(parse({ cert_authorities_path: file }).problems, [
      'failed to create cert checker: failed to parse public key "  ": ssh: no key found',
      'failed to create cert checker: failed to parse public key "# a comment": ssh: no key found',
    ]);
  });

  it('lists every problem', () => {
    const empty = join(ca.dir, 'empty');
    writeFileSync(empty, '\n\n');
    const r = parse({
      cert_authorities: ['ssh-ed25519 notbase64!!', 'hello'],
      cert_authorities_path: empty,
      canonical_domain: 7,
      agent_path_template: '/{{ .Hostname',
      unknown: true,
    });
    assert.equal(r.config, undefined);
    assert.deepEqual(r.problems, [
      `failed to get cert authorities from file: no data found in file: "${empty}"`,
      'failed to create cert checker: failed to parse public key "ssh-ed25519 notbase64!!": ssh: short read',
      'failed to create cert checker: failed to parse public key "hello": ssh: no key found',
      'canonical_domain must be a string',
      'failed to parse agent svid template: "/{{ .Hostname": unclosed action',
      'unknown option unknown',
    ]);
  });
});
