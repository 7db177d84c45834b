import { Code, spireError } from '../errors.js';

/** The message of a per-item (or per-call) refusal by an entry scope of `allow_callers`. */
export const ENTRY_OUT_OF_SCOPE = 'entry is outside the scope the authorization policy grants the caller';

/** Coded errors of the authorization policy. */
export const AuthPolicyErrors = {
  /** An entry the caller's `allow_callers` scope does not cover. */
  entryOutOfScope: () => spireError(Code.PERMISSION_DENIED, ENTRY_OUT_OF_SCOPE),
} as const;

/** Config problem texts of `experimental.auth_opa_policy_engine` (the config reader names the option). */
export const PolicyProblems = {
  noProvider: 'policy engine configuration must define a provider',
  unreadable: (path: string, detail: string) => `unable to read ${JSON.stringify(path)}: ${detail}`,
  notDefaultRego: (path: string, why: string) =>
    `${JSON.stringify(path)} is not SPIRE's default policy.rego (${why}), and this server cannot run other Rego policies ` +
    '(no Rego engine is available for JavaScript); point rego_path at the default policy.rego and write the policy in ' +
    'policy_data_path instead: the "apis" list sets allow_any/allow_local/allow_admin/allow_downstream/allow_agent per method, ' +
    'and "allow_callers" grants methods to named SPIFFE IDs with entry scopes (see docs/authorization.md)',
  v0DefaultRego: (path: string) =>
    `${JSON.stringify(path)} is SPIRE's default policy in Rego v0 syntax, which SPIRE 1.12 and later refuse; use the policy.rego of SPIRE 1.12 or later`,
  badJson: (detail: string) => `error decoding JSON databindings: ${detail}`,
} as const;
