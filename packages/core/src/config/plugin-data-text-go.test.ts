import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseServerConfigText } from './load.js';
import { fixture, fixturePath } from './test-support.js';

// Optional: runs SPIRE's way of decoding and printing plugin_data (hcl v1, from Debian's
// golang-github-hashicorp-hcl-dev) on the fixtures, and compares with what this server sends.
const GOPATH = '/usr/share/gocode';
const HCL = `${GOPATH}/src/github.com/hashicorp/hcl/hcl/printer`;
const haveGo = spawnSync('go', ['version']).status === 0;
const skip = !haveGo ? 'go is not installed' : !existsSync(HCL) ? `hcl v1 is not in ${GOPATH} (apt-get install golang-github-hashicorp-hcl-dev)` : false;

const FIXTURES = ['blocks.conf', 'lists.conf', 'comments.conf', 'server.json'];

function spirePrints(file: string): Record<string, { data?: string }> {
  const out = execFileSync('go', ['run', fixturePath('spire-plugin-data/main.go'), fixturePath(`plugin-data/${file}`)], {
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, { data?: string }>;
}

describe('plugin_data text against hcl v1 itself', { skip }, () => {
  for (const file of FIXTURES) {
    it(`${file}: the text sent equals hcl v1's printer output, and the stored expectation is current`, () => {
      const spire = spirePrints(file);
      const stored = JSON.parse(fixture(`plugin-data/${file.replace(/\.[a-z]+$/, '')}.spire.json`)) as unknown;
      assert.deepEqual(spire, stored);
      const { config, problems } = parseServerConfigText(fixture(`plugin-data/${file}`), { filename: file, cwd: '/' });
      assert.deepEqual(problems, []);
      const sent = Object.fromEntries(config!.plugins.map((p) => [`${p.type}/${p.name}`, p.dataText]));
      const expected = Object.fromEntries(Object.entries(spire).map(([k, v]) => [k, v.data ?? '']));
      assert.deepEqual(sent, expected);
    });
  }
});
