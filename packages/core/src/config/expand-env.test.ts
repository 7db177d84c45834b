import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandEnv } from './expand-env.js';
import { parseServerConfigText } from './load.js';

const env = { TD: 'example.org', DIR: '/data', EMPTY: '', A_1: 'x' };

test('$VAR and ${VAR} expand; unset becomes empty', () => {
  assert.equal(expandEnv('td=$TD dir=${DIR}/x unset=[$NOPE] [${NOPE}] e=[$EMPTY] $A_1', env), 'td=example.org dir=/data/x unset=[] [] e=[] x');
});

test('Go os.Expand corner cases', () => {
  assert.equal(expandEnv('cost $$5', env), 'cost $5');
  assert.equal(expandEnv('trailing $', env), 'trailing $');
  assert.equal(expandEnv('a $ b', env), 'a $ b');
  assert.equal(expandEnv('x${}y', env), 'xy');
  assert.equal(expandEnv('x${TD', env), 'xTD');
  assert.equal(expandEnv('$1$TD', env), 'example.org');
  assert.equal(expandEnv('${TD}suffix $TDsuffix', env), 'example.orgsuffix ');
});

test('expansion happens before parsing, only when asked', () => {
  const text = 'server {\n trust_domain = "${TD}"\n data_dir = "$DIR"\n}\nplugins {}\n';
  const on = parseServerConfigText(text, { filename: 's.conf', expandEnv: true, env });
  assert.equal(on.config?.server.trustDomain.name, 'example.org');
  assert.equal(on.config?.server.dataDir, '/data');
  const off = parseServerConfigText(text, { filename: 's.conf', env });
  assert.equal(off.config, undefined);
  assert.match(off.problems[0]!.message, /could not parse trust_domain "\$\{TD\}"/);
});
