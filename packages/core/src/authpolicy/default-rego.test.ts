import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDefaultPolicyRego, regoTokens } from './default-rego.js';
import { DEFAULT_REGO_REFORMATTED } from './test-support.js';

test("SPIRE's default policy.rego is recognised whatever its layout, line endings and comments", () => {
  assert.equal(isDefaultPolicyRego(DEFAULT_REGO_REFORMATTED), true);
  const crlf = DEFAULT_REGO_REFORMATTED.replace(/\n/g, '\r\n');
  assert.equal(isDefaultPolicyRego(crlf), true);
  const commented = DEFAULT_REGO_REFORMATTED.replace('default allow = false', '# the catch-all\n\tdefault   allow = false   # closed');
  assert.equal(isDefaultPolicyRego(commented), true);
});

test('a policy that differs from the default by one rule is not the default', () => {
  assert.equal(isDefaultPolicyRego(DEFAULT_REGO_REFORMATTED.replace('r.allow_admin', 'r.allow_local')), false);
  assert.equal(isDefaultPolicyRego(DEFAULT_REGO_REFORMATTED.replace('default allow = false', 'default allow = true')), false);
  assert.equal(isDefaultPolicyRego(`${DEFAULT_REGO_REFORMATTED}\nallow = true if { input.caller == "spiffe://example.org/x" }\n`), false);
});

test('a "#" inside a string is not a comment', () => {
  assert.deepEqual(regoTokens('x := "a#b" # c\ny'), ['x', ':', '=', '"a#b"', 'y']);
});
