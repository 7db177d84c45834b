export { defaultPolicyData, type ApiItemJson } from './default-policy-data.js';
export { DEFAULT_DECISION_RULES, recogniseDefaultPolicyRego, type DefaultRegoVerdict } from './default-rego.js';
export { PolicyEngine, type CallerGrant, type PolicyResult } from './engine.js';
export { EntryScope, type ScopedEntryFields } from './entry-scope.js';
export { AuthPolicyErrors, ENTRY_OUT_OF_SCOPE, PolicyProblems } from './errors.js';
export { loadLocalPolicy, type LoadedPolicy, type LocalPolicyFiles, type PolicyFileProblem } from './load.js';
export { defaultPolicy, ENTRY_SCOPED_METHODS, parsePolicyData, type ApiRule, type CallerRule, type EntryConstraint, type ParsedPolicyData, type PolicyData } from './policy-data.js';
