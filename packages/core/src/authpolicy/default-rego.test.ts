import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recogniseDefaultPolicyRego } from './default-rego.js';
import { loadLocalPolicy } from './load.js';
import { OUR_DEFAULT_POLICY_REGO as OURS, writePolicyFiles } from './test-support.js';

const ALLOW_BODY = '\tsome api in data.apis\n\tinput.full_method == api.full_method\n\tapi.allow_any\n';
const withAllowBody = (body: string) => OURS.replace(ALLOW_BODY, body);
const other = (why: string) => ({ kind: 'other', why });
const lineOf = (text: string) => OURS.split('\n').indexOf(text) + 1;

test('our own rendering of the default policy is recognised as the default', () => {
  assert.deepEqual(recogniseDefaultPolicyRego(OURS), { kind: 'default' });
});

test('layout, CRLF, comments, "=" for ":=", a missing import and a trailing comma do not matter', () => {
  for (const text of [
    OURS.replace(/\n/g, '\r\n'),
    OURS.replace(/:=/g, '='),
    OURS.replace('import rego.v1\n', ''),
    OURS.replace('"allow": allow\n', '"allow": allow,\n'),
    OURS.replace(/\t/g, '        ').replace(/# .*\n/g, '# another comment\n\n\n'),
    OURS.replace('allow if {', 'allow := true if {').replace('allow_if_agent if {', 'allow_if_agent = true if {'),
    withAllowBody('some api in data.apis; input.full_method == api.full_method; api.allow_any'),
  ]) {
    assert.deepEqual(recogniseDefaultPolicyRego(text), { kind: 'default' }, text);
  }
});

test('any way of iterating data.apis, either condition order and either == operand order mean the same', () => {
  for (const body of [
    'r := data.apis[_]\nr.full_method == input.full_method\nr.allow_any\n',
    'item = data.apis[i]\nitem.allow_any\nitem.full_method = input.full_method\n',
    'x.allow_any\ninput.full_method == x.full_method\ndata.apis[_] = x\n',
    'some _, a in data["apis"]\na["full_method"] == input["full_method"]\na.allow_any\n',
    'some a in data.apis\na.allow_any\na.full_method == input.full_method\n',
  ]) {
    assert.deepEqual(recogniseDefaultPolicyRego(withAllowBody(body)), { kind: 'default' }, body);
  }
});

const NOT_ALLOW = '"allow" must be true exactly when an item of data.apis has full_method == input.full_method and a truthy allow_any';

test('any change to a decision rule body makes it another policy, saying which rule', () => {
  const line = lineOf('allow if {');
  for (const body of [
    `${ALLOW_BODY}\tapi.enabled\n`,
    ALLOW_BODY.replace('api.allow_any', 'api.allow_admin'),
    ALLOW_BODY.replace('api.allow_any', 'api.allow_any == true'),
    ALLOW_BODY.replace('api.allow_any', 'not api.allow_any'),
    ALLOW_BODY.replace('input.full_method == api.full_method', 'input.full_method != api.full_method'),
    ALLOW_BODY.replace('input.full_method', 'input.method'),
    ALLOW_BODY.replace('data.apis', 'data.other'),
    ALLOW_BODY.replace(/api/g, 'input'),
    ALLOW_BODY.replace(/\bapi\b/g, 'allow_if_local'),
    'api.allow_any\ninput.full_method == api.full_method\napi := data.apis[_]\n',
    'a := data.apis[a]\na.full_method == input.full_method\na.allow_any\n',
    'some k, a in data.apis\na.full_method == input.full_method\na.allow_any\n',
    'a := data.apis[_]\nb := data.apis[_]\na.full_method == input.full_method\nb.allow_any\n',
  ]) {
    assert.deepEqual(recogniseDefaultPolicyRego(withAllowBody(body)), other(`line ${line}: ${NOT_ALLOW}`), body);
  }
});

test('an extra rule, a second definition, a changed default or a missing rule makes it another policy', () => {
  const n = OURS.split('\n').length;
  const cases: Array<[string, string]> = [
    [`${OURS}deny if { input.caller == "spiffe://example.org/x" }\n`, `line ${n}: rule "deny" is not part of the default policy`],
    [`${OURS}allow if { input.caller == "spiffe://example.org/x" }\n`, `line ${n}: "allow" is defined a second time`],
    [`${OURS}default allow := false\n`, `line ${n}: "allow" has a second default`],
    [OURS.replace('default allow_if_admin := false', 'default allow_if_admin := true'), `line ${lineOf('default allow_if_admin := false')}: the default of "allow_if_admin" must be false`],
    [OURS.replace('default allow_if_admin := false', 'default allow_if_admin := "false"'), `line ${lineOf('default allow_if_admin := false')}: the default of "allow_if_admin" must be false`],
    [OURS.replace('default allow_if_agent := false\n', ''), '"allow_if_agent" has no default'],
    [OURS.slice(0, OURS.indexOf('# What the server queries.')), 'rule "result" is missing'],
    [OURS.replace('package spire', 'package spire.authz'), 'line 1: the package must be "spire", not "spire.authz"'],
    [OURS.replace('import rego.v1', 'import future.keywords'), '"import future.keywords" is not part of the default policy (only "import rego.v1" is)'],
  ];
  for (const [text, why] of cases) assert.deepEqual(recogniseDefaultPolicyRego(text), other(why), why);
});

test('result must map exactly the five decisions to the rules of their names', () => {
  const line = lineOf('result := {');
  const why = `line ${line}: "result" must be an object that maps exactly allow, allow_if_admin, allow_if_local, allow_if_downstream, allow_if_agent each to the rule of its name`;
  for (const text of [
    OURS.replace('"allow": allow\n', '"allow": allow_if_admin\n'),
    OURS.replace('"allow": allow\n', '"allow": allow,\n\t"deny": allow\n'),
    OURS.replace('\t"allow_if_agent": allow_if_agent,\n', ''),
    OURS.replace('\t"allow_if_agent": allow_if_agent,\n', '\t"allow_if_local": allow_if_local,\n'),
  ]) {
    assert.deepEqual(recogniseDefaultPolicyRego(text), other(why), text);
  }
});

test('text outside the Rego subset of the default policy is refused with its line', () => {
  assert.deepEqual(recogniseDefaultPolicyRego(`${OURS}x := "open\n`), other(`line ${OURS.split('\n').length}: unterminated string`));
  assert.deepEqual(recogniseDefaultPolicyRego(withAllowBody(`${ALLOW_BODY}\tstartswith(input.caller, "spiffe://")\n`)), other(`line ${lineOf('allow if {') + 4}: unexpected "("`));
  assert.deepEqual(recogniseDefaultPolicyRego('# nothing but a comment\n'), other('line 1: unexpected end of file'));
});

const V0 = OURS.replace('import rego.v1\n', '').replace(/ if \{/g, ' = true {');

test('the default policy in Rego v0 syntax is told apart, and refused with its own message', () => {
  assert.deepEqual(recogniseDefaultPolicyRego(V0), { kind: 'default-v0' });
  const dir = writePolicyFiles({ 'p.rego': V0 });
  assert.deepEqual(loadLocalPolicy({ regoPath: './p.rego', policyDataPath: '' }, dir).problems, [
    {
      key: 'rego_path',
      message: '"./p.rego" is SPIRE\'s default policy in Rego v0 syntax, which SPIRE 1.12 and later refuse; use the policy.rego of SPIRE 1.12 or later',
    },
  ]);
});

test('rule bodies without "if" next to "import rego.v1" or bodies with "if" are not the v0 default', () => {
  const line = lineOf('allow if {');
  const why = `line ${line}: a rule body without "if" (Rego v0 syntax)`;
  assert.deepEqual(recogniseDefaultPolicyRego(OURS.replace('allow if {', 'allow {')), other(why));
  assert.deepEqual(recogniseDefaultPolicyRego(OURS.replace(/ if \{/g, ' {')), other(why));
});

test('another Rego policy is refused through the loader with the reason and what to use instead', () => {
  const dir = writePolicyFiles({ 'p.rego': `${OURS}deny if { input.caller == "spiffe://example.org/x" }\n` });
  assert.deepEqual(loadLocalPolicy({ regoPath: './p.rego', policyDataPath: '' }, dir).problems, [
    {
      key: 'rego_path',
      message:
        `"./p.rego" is not SPIRE's default policy.rego (line ${OURS.split('\n').length}: rule "deny" is not part of the default policy), ` +
        'and this server cannot run other Rego policies (no Rego engine is available for JavaScript); point rego_path at the default ' +
        'policy.rego and write the policy in policy_data_path instead: the "apis" list sets allow_any/allow_local/allow_admin/' +
        'allow_downstream/allow_agent per method, and "allow_callers" grants methods to named SPIFFE IDs with entry scopes (see docs/authorization.md)',
    },
  ]);
});
