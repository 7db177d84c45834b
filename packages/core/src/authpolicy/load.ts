import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { recogniseDefaultPolicyRego } from './default-rego.js';
import { PolicyProblems } from './errors.js';
import { parsePolicyData, type PolicyData } from './policy-data.js';

/** `auth_opa_policy_engine { local { ... } }`. */
export interface LocalPolicyFiles {
  regoPath: string;
  policyDataPath: string;
}

/** A problem or warning about one key of the `local` block. */
export interface PolicyFileProblem {
  key: 'rego_path' | 'policy_data_path';
  message: string;
}

/** What loading the policy files gives: the policy data when there are no problems. */
export interface LoadedPolicy {
  data?: PolicyData;
  problems: PolicyFileProblem[];
  warnings: PolicyFileProblem[];
}

function read(path: string, cwd: string): { text?: string; error?: string } {
  try {
    return { text: readFileSync(resolve(cwd, path), 'utf8') };
  } catch (err) {
    return { error: PolicyProblems.unreadable(path, (err as Error).message) };
  }
}

/**
 * Reads the files of a local policy provider (paths relative to `cwd`), synchronously: rego_path
 * must be SPIRE's default policy.rego (recognised by its structure, see default-rego.ts), because
 * that is the only Rego this server can evaluate; policy_data_path, when set, must be a JSON
 * object, checked by parsePolicyData. Without policy_data_path the data is empty, and the default
 * policy then denies every call, as SPIRE's does. Collects every problem; never throws.
 */
export function loadLocalPolicy(files: LocalPolicyFiles, cwd: string): LoadedPolicy {
  const problems: PolicyFileProblem[] = [];
  const warnings: PolicyFileProblem[] = [];
  if (files.regoPath !== '') {
    const rego = read(files.regoPath, cwd);
    if (rego.error !== undefined) problems.push({ key: 'rego_path', message: rego.error });
    else {
      const verdict = recogniseDefaultPolicyRego(rego.text!);
      if (verdict.kind === 'default-v0') problems.push({ key: 'rego_path', message: PolicyProblems.v0DefaultRego(files.regoPath) });
      else if (verdict.kind === 'other') problems.push({ key: 'rego_path', message: PolicyProblems.notDefaultRego(files.regoPath, verdict.why) });
    }
  }
  let doc: unknown = {};
  if (files.policyDataPath !== '') {
    const text = read(files.policyDataPath, cwd);
    if (text.error !== undefined) {
      problems.push({ key: 'policy_data_path', message: text.error });
      return { problems, warnings };
    }
    try {
      doc = JSON.parse(text.text!);
    } catch (err) {
      problems.push({ key: 'policy_data_path', message: PolicyProblems.badJson((err as Error).message) });
      return { problems, warnings };
    }
  }
  const parsed = parsePolicyData(doc);
  for (const m of parsed.problems) problems.push({ key: 'policy_data_path', message: m });
  for (const m of parsed.warnings) warnings.push({ key: 'policy_data_path', message: m });
  if (problems.length > 0 || !parsed.data) return { problems, warnings };
  return { data: parsed.data, problems, warnings };
}
