import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A policy.rego written for this project (tests only) that means what SPIRE's default policy
 * means: the server must accept it as the default. It differs from SPIRE's file in everything
 * that does not change the meaning (comments, variable names, rule order, `:=`, `some ... in`,
 * `==` operand order, layout), so the tests cover the recogniser, not one spelling.
 */
export const OUR_DEFAULT_POLICY_REGO = `# Decision model of the SPIRE server API (our own rendering, for tests).
# Every call is looked up in data.apis by its full gRPC method name; the
# flags of the matching item decide which kinds of caller may make it.
package spire

import rego.v1

# Nothing is allowed unless an item of the policy data says so.
default allow := false
default allow_if_local := false
default allow_if_admin := false
default allow_if_agent := false
default allow_if_downstream := false

# Open to every caller.
allow if {
	some api in data.apis
	input.full_method == api.full_method
	api.allow_any
}

# Callers on the admin socket.
allow_if_local if {
	some api in data.apis
	input.full_method == api.full_method
	api.allow_local
}

# Callers whose SPIFFE ID is an admin ID.
allow_if_admin if {
	some api in data.apis
	input.full_method == api.full_method
	api.allow_admin
}

# Attested agents.
allow_if_agent if {
	some api in data.apis
	input.full_method == api.full_method
	api.allow_agent
}

# Downstream servers.
allow_if_downstream if {
	some api in data.apis
	input.full_method == api.full_method
	api.allow_downstream
}

# What the server queries.
result := {
	"allow_if_local": allow_if_local,
	"allow_if_admin": allow_if_admin,
	"allow_if_agent": allow_if_agent,
	"allow_if_downstream": allow_if_downstream,
	"allow": allow
}
`;

/** Writes `files` (name -> text, or a value written as JSON) to a new temp dir and returns its path. */
export function writePolicyFiles(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spire-authpolicy-'));
  for (const [name, v] of Object.entries(files)) writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  return dir;
}
