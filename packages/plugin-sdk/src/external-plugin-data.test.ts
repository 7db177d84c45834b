import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Notifier } from '@spire-ts/core/plugin';
import { parseServerConfigText } from '@spire-ts/core/ca-testing';
import { decodePluginData } from './index.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest } from './testing.js';

// What Go SPIRE sends for each config below (hcl v1 decode and printer, run with Go).
const BLOCKS_SENT = 'clusters {\n  name  = "blue"\n  allow = ["ns:a"]\n}\n\nclusters {\n  name  = "green"\n  allow = ["ns:a", "ns:b"]\n}';
const LIST_SENT =
  'clusters = [\n  {\n    name = "blue"\n\n    allow = ["ns:a"]\n  },\n  {\n    name = "green"\n\n    allow = ["ns:a", "ns:b"]\n  },\n]';
const JSON_SENT =
  '"clusters" = {\n  "name" = "blue"\n\n  "allow" = ["ns:a"]\n}\n\n"clusters" = {\n  "name" = "green"\n\n  "allow" = ["ns:a", "ns:b"]\n}';

const TWO_CLUSTERS = { clusters: [{ name: 'blue', allow: ['ns:a'] }, { name: 'green', allow: ['ns:a', 'ns:b'] }] };

function hcl(plugin: string): string {
  return `server {
  trust_domain = "example.org"
  data_dir = "/var/lib/spire"
}
plugins {
  Notifier "recording" {
    plugin_cmd = "${testPluginPath('recording-notifier-plugin')}"
${plugin}
  }
}
`;
}

/** Reads the config as the server does, starts the plugin with it, and returns what the plugin received. */
async function received(text: string, filename: string, cwd = '/'): Promise<string> {
  const { config, problems } = parseServerConfigText(text, { filename, cwd });
  assert.deepEqual(problems, []);
  const decl = config!.plugins.find((p) => p.name === 'recording')!;
  const dir = mkdtempSync(join(tmpdir(), 'plugin-data-wire-'));
  process.env.SPIRE_TEST_RECORD_DIR = dir;
  const loaded = await loadPluginForTest<Notifier>({ type: 'Notifier', name: 'recording', path: decl.pluginCmd!, data: decl.dataText });
  try {
    return readFileSync(join(dir, 'config.txt'), 'utf8');
  } finally {
    await loaded.close();
  }
}

describe('hcl_configuration on the wire is the text SPIRE sends', () => {
  it('repeated clusters blocks arrive as HCL 1 prints them, and decode to two clusters', async () => {
    const text = hcl('    plugin_data {\n      clusters {\n        name = "blue"\n        allow = ["ns:a"]\n      }\n      clusters {\n        name = "green"\n        allow = ["ns:a", "ns:b"]\n      }\n    }');
    const got = await received(text, 'server.conf');
    assert.equal(got, BLOCKS_SENT);
    assert.deepEqual(decodePluginData(got), TWO_CLUSTERS);
  });

  it('clusters = [ {...}, {...} ] arrives as HCL 1 prints it, and decodes to two clusters', async () => {
    const text = hcl('    plugin_data {\n      clusters = [\n        { name = "blue", allow = ["ns:a"] },\n        { name = "green", allow = ["ns:a", "ns:b"] },\n      ]\n    }');
    const got = await received(text, 'server.conf');
    assert.equal(got, LIST_SENT);
    assert.deepEqual(decodePluginData(got), TWO_CLUSTERS);
  });

  it('a JSON server.conf sends HCL, not JSON: the list of objects as two assigned objects', async () => {
    const text = JSON.stringify({
      server: { trust_domain: 'example.org', data_dir: '/var/lib/spire' },
      plugins: {
        Notifier: [
          {
            recording: [
              {
                plugin_cmd: testPluginPath('recording-notifier-plugin'),
                plugin_data: { clusters: TWO_CLUSTERS.clusters },
              },
            ],
          },
        ],
      },
    });
    const got = await received(text, 'server.json');
    assert.equal(got, JSON_SENT);
    assert.deepEqual(decodePluginData(got), TWO_CLUSTERS);
  });

  it('plugin_data_file arrives as the file’s bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-data-file-'));
    const file = '// as written\r\nclusters { name = "blue" }\r\n\r\n\r\nclusters {\n\tname = "green"\n}\n';
    writeFileSync(join(dir, 'recording.hcl'), file);
    const got = await received(hcl('    plugin_data_file = "recording.hcl"'), 'server.conf', dir);
    assert.equal(got, file);
  });
});
