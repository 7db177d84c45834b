# The default authorization policy of the SPIRE server API, for rego_path.
# Edit policy_data.json, not this file: this server runs no other policy.
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
