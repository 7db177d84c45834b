import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseServerConfigText } from './load.js';
import { fixture, minimalConfig } from './test-support.js';

/**
 * The `*.spire.json` files next to each fixture were written by testdata/spire-plugin-data
 * (Go, hcl v1: SPIRE's decode and printer); plugin-data-text-go.test.ts checks them again when
 * Go is installed.
 */
function spireTexts(name: string): Map<string, string> {
  const golden = JSON.parse(fixture(`plugin-data/${name}.spire.json`)) as Record<string, { data?: string }>;
  return new Map(Object.entries(golden).map(([k, v]) => [k, v.data ?? '']));
}

function sentTexts(file: string): Map<string, string> {
  const { config, problems } = parseServerConfigText(fixture(`plugin-data/${file}`), { filename: file, cwd: '/' });
  assert.deepEqual(problems, []);
  return new Map(config!.plugins.map((p) => [`${p.type}/${p.name}`, p.dataText]));
}

test('plugin_data blocks (repeated blocks, comments, aligned keys, heredoc) reach external plugins as SPIRE prints them', () => {
  assert.deepEqual(sentTexts('blocks.conf'), spireTexts('blocks'));
});

test('plugin_data with a list of objects, nested and labelled forms, a string and an empty block is sent as SPIRE sends it', () => {
  assert.deepEqual(sentTexts('lists.conf'), spireTexts('lists'));
});

test('comments HCL 1 attaches to items and list elements are sent; free-standing ones are not, as in SPIRE', () => {
  assert.deepEqual(sentTexts('comments.conf'), spireTexts('comments'));
});

test('plugin_data of a JSON server.conf is sent as SPIRE prints HCL 1’s JSON tree (flattened lists of objects)', () => {
  assert.deepEqual(sentTexts('server.json'), spireTexts('server'));
});

test('the list of two clusters is sent as two clusters blocks, byte for byte', () => {
  const sent = sentTexts('blocks.conf').get('NodeAttestor/k8s_psat');
  assert.equal(
    sent,
    [
      '# Each cluster is a block of its own.',
      'clusters {',
      '  name                       = "blue"                               # the first one',
      '  service_account_allow_list = ["spire:spire-agent", "spire:other"]',
      '  audience                   = ["spire-server"]',
      '}',
      '',
      'clusters {',
      '  name = "green"',
      '',
      '  service_account_allow_list = [',
      '    "spire:spire-agent", # the agent',
      '    "spire:backup",',
      '  ]',
      '',
      '  kube_config_file = "/etc/green.conf"',
      '}',
      '',
      'allowed_node_label_keys = ["zone"]',
      '',
      'message = <<EOF',
      'two clusters,',
      '  not four',
      'EOF',
    ].join('\n'),
  );
});

test('plugin_data_file is sent as the file’s text, unchanged, while built-ins get it decoded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-data-file-'));
  const text = '# kept as written\r\nclusters {\r\n  name = "blue"\r\n}\r\nclusters { name = "green" }\r\n';
  writeFileSync(join(dir, 'k8s.hcl'), text);
  const { config, problems } = parseServerConfigText(
    minimalConfig('', 'NodeAttestor "k8s_psat" {\n  plugin_cmd = "/x"\n  plugin_data_file = "k8s.hcl"\n}'),
    { filename: 'server.conf', cwd: dir },
  );
  assert.deepEqual(problems, []);
  const p = config!.plugins.find((x) => x.name === 'k8s_psat')!;
  assert.equal(p.dataText, text);
  assert.deepEqual(p.data, { clusters: [{ name: 'blue' }, { name: 'green' }] });
});
