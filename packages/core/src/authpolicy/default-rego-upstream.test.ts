import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recogniseDefaultPolicyRego } from './default-rego.js';

// SPIRE's policy.rego is read from an extracted upstream tree when one is present; it is not
// copied into this repository. default-rego.test.ts covers the same model with our own file.
const UPSTREAM = process.env.SPIRE_UPSTREAM_DIR ?? '/tmp/up/spire';
const path = join(UPSTREAM, 'pkg', 'server', 'authpolicy', 'policy.rego');
const why = `upstream SPIRE sources not found at ${UPSTREAM} (set SPIRE_UPSTREAM_DIR)`;

test("SPIRE's own pkg/server/authpolicy/policy.rego is recognised as the default policy", (t) => {
  if (!existsSync(path)) {
    t.skip(why);
    return;
  }
  assert.deepEqual(recogniseDefaultPolicyRego(readFileSync(path, 'utf8')), { kind: 'default' });
});
