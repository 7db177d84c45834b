import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TrustDomain } from '@spire-ts/core/plugin';
import { parseTpmDevidConfig } from './config.js';
import { tpmDevidNodeAttestor } from './index.js';
import { TestCa } from './testing/test-ca.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() };

describe('tpm_devid: plugin_data', () => {
  it('loads both bundles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpmdevid-cfg-'));
    const a = await TestCa.create('A');
    const b = await TestCa.create('B');
    writeFileSync(join(dir, 'devid.pem'), a.pem);
    writeFileSync(join(dir, 'ek.pem'), a.pem + b.pem);
    const r = parseTpmDevidConfig({ devid_ca_path: join(dir, 'devid.pem'), endorsement_ca_path: join(dir, 'ek.pem') }, core);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config!.devIdRoots.length, 1);
    assert.deepEqual(r.config!.endorsementRoots.map((c) => c.subject.CommonName), ['A', 'B']);
  });

  it('collects every problem with SPIRE wording, and refuses unknown options', () => {
    assert.deepEqual(parseTpmDevidConfig({}, core).problems, ['devid_ca_path is required', 'endorsement_ca_path is required']);
    const dir = mkdtempSync(join(tmpdir(), 'tpmdevid-cfg-'));
    writeFileSync(join(dir, 'empty.pem'), 'nothing here\n');
    assert.deepEqual(parseTpmDevidConfig({ devid_ca_path: '/nonexistent/devid.pem', endorsement_ca_path: join(dir, 'empty.pem'), agent_path_template: 'x' }, core).problems, [
      "unable to load DevID trust bundle: ENOENT: no such file or directory, open '/nonexistent/devid.pem'",
      'unable to load endorsement trust bundle: no PEM blocks',
      'unknown option agent_path_template',
    ]);
    assert.deepEqual(parseTpmDevidConfig({ devid_ca_path: 1, endorsement_ca_path: '' }, core).problems, [
      'devid_ca_path must be a string',
      'endorsement_ca_path is required',
    ]);
  });

  it('is the descriptor named tpm_devid', () => {
    assert.equal(tpmDevidNodeAttestor.name, 'tpm_devid');
    assert.equal(tpmDevidNodeAttestor.type, 'NodeAttestor');
  });
});
