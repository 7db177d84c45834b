import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeHcl } from './hcl/decode.js';
import { parseConfigAst } from './parse-text.js';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { fixture } from './test-support.js';
import { defaultPolicyData } from '../authpolicy/default-policy-data.js';
import { OUR_DEFAULT_POLICY_REGO, writePolicyFiles } from '../authpolicy/test-support.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const conf = (name: string): string => readFileSync(join(repo, 'conf', 'server', name), 'utf8');

test('conf/server/server.conf is the embedded default', () => {
  const r = parseServerConfigText(conf('server.conf'), { filename: 'server.conf', cwd: '/repo' });
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.deepEqual(r.warnings, []);
  const s = r.config!.server;
  assert.deepEqual(
    [s.trustDomain.name, s.bindAddress, s.bindPort, s.socketPath, s.dataDir, s.logLevel],
    ['example.org', '127.0.0.1', 8081, '/tmp/spire-server/private/api.sock', '/repo/.data', 'INFO'],
  );
  assert.deepEqual(
    r.config!.plugins.map((p) => [p.type, p.name, p.data]),
    [
      ['DataStore', 'sql', { database_type: 'sqlite3', connection_string: './.data/datastore.sqlite3' }],
      ['KeyManager', 'disk', { keys_path: './.data/keys.json' }],
      ['NodeAttestor', 'join_token', {}],
    ],
  );
});

test('conf/server/server_full.conf reads without problems', () => {
  const r = parseServerConfigText(conf('server_full.conf'), { filename: 'server_full.conf', cwd: '/repo' });
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.deepEqual(r.warnings, []);
});

/** Every key name written in a decoded config, except plugin data and labels. */
function keyNames(v: unknown, out: Set<string>, labels = false): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keyNames(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'plugin_data') continue;
      if (!labels) out.add(k);
      const labelled = ['federates_with', 'profile', 'bundle_endpoint_profile'].includes(k);
      keyNames(x, out, labelled);
    }
  }
  return out;
}

test('conf/server/server_full.conf mentions every option the every-option fixture sets', () => {
  const full = conf('server_full.conf');
  const all = decodeHcl(parseConfigAst(fixture('every-option.conf'), 'every-option.conf')).value;
  const plugins = all.plugins;
  delete all.plugins;
  const names = keyNames(all, new Set());
  for (const k of ['plugin_cmd', 'plugin_args', 'plugin_checksum', 'enabled', 'plugin_data', 'plugin_data_file']) names.add(k);
  assert.ok(plugins);
  const missing = [...names].filter((k) => !new RegExp(`(^|[\\s{])${k.replace(/[.]/g, '\\.')}\\s*(=|\\{|")`, 'm').test(full));
  assert.deepEqual(missing, []);
});

/** Removes one level of "# " from the lines of the commented block that starts with `start`. */
function uncomment(text: string, start: RegExp): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => start.test(l));
  assert.ok(i >= 0, `no line matches ${start}`);
  const indent = /^(\s*)#/.exec(lines[i]!)![1]!;
  const out: string[] = [];
  for (let j = i; j < lines.length; j++) {
    const l = lines[j]!;
    if (!l.startsWith(`${indent}#`)) break;
    out.push(indent + l.slice(indent.length + 2));
    if (l === `${indent}# }`) break;
  }
  return out.join('\n');
}

test("server_full.conf's commented federation, experimental and Prometheus samples are valid", () => {
  const full = conf('server_full.conf');
  const federation = uncomment(full, /^\s+# federation \{/);
  const experimental = uncomment(full, /^\s+# experimental \{/);
  const prometheus = uncomment(full, /^\s+# Prometheus \{/);
  const text = `server {
  trust_domain = "example.org"
  data_dir = "/d"
${federation}
${experimental}
}
plugins {}
telemetry {
${prometheus}
}
`;
  // The sample names the policy files relative to the working directory.
  const cwd = writePolicyFiles({});
  mkdirSync(join(cwd, 'conf', 'server'), { recursive: true });
  writeFileSync(join(cwd, 'conf', 'server', 'policy.rego'), OUR_DEFAULT_POLICY_REGO);
  writeFileSync(join(cwd, 'conf', 'server', 'policy_data.json'), JSON.stringify(defaultPolicyData()));
  const r = parseServerConfigText(text, { filename: 'x.conf', cwd });
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.equal(r.config?.server.federation.bundleEndpoint?.port, 8443);
  assert.equal(r.config?.server.federation.federatesWith[0]?.trustDomain.name, 'partner.test');
  assert.equal(r.config?.server.experimental.authOpaPolicyEngine?.local?.regoPath, './conf/server/policy.rego');
  assert.equal(r.config?.server.experimental.maxPendingSvids, 10_000);
  assert.deepEqual(r.config?.telemetry.prometheus, {
    host: 'localhost',
    port: 9988,
    tls: { certFile: '/opt/spire/conf/server/metrics.crt', keyFile: '/opt/spire/conf/server/metrics.key', useSpireSvid: false, authorizedSpiffeIds: [] },
  });
});
