# The default policy, laid out compactly for tests.
package spire
result = { "allow": allow, "allow_if_admin": allow_if_admin, "allow_if_local": allow_if_local,
  "allow_if_downstream": allow_if_downstream, "allow_if_agent": allow_if_agent, }
default allow_if_admin = false
default allow_if_downstream = false
default allow_if_local = false
default allow_if_agent = false
default allow = false
allow_if_admin = true if {
  r := data.apis[_]
  r.full_method == input.full_method
  r.allow_admin
}
allow_if_local = true if {
  r := data.apis[_]
  r.full_method == input.full_method
  r.allow_local
}
allow_if_downstream = true if {
  r := data.apis[_]
  r.full_method == input.full_method
  r.allow_downstream
}
allow_if_agent = true if {
  r := data.apis[_]
  r.full_method == input.full_method
  r.allow_agent
}
allow = true if {
  r := data.apis[_]
  r.full_method == input.full_method
  r.allow_any
}
