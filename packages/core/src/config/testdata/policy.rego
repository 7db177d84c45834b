# Fixture for every-option.conf: the default decision model, written for this
# project with "=" and index iteration (see authpolicy/default-rego.ts).
package spire

result = {"allow": allow, "allow_if_admin": allow_if_admin, "allow_if_agent": allow_if_agent, "allow_if_downstream": allow_if_downstream, "allow_if_local": allow_if_local}

default allow = false
allow = true if { m := data.apis[_]; m.allow_any; input.full_method == m.full_method }

default allow_if_admin = false
allow_if_admin = true if { m := data.apis[_]; m.allow_admin; input.full_method == m.full_method }

default allow_if_agent = false
allow_if_agent = true if { m := data.apis[_]; m.allow_agent; input.full_method == m.full_method }

default allow_if_downstream = false
allow_if_downstream = true if { m := data.apis[_]; m.allow_downstream; input.full_method == m.full_method }

default allow_if_local = false
allow_if_local = true if { m := data.apis[_]; m.allow_local; input.full_method == m.full_method }
