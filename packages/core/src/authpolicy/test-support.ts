import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A policy.rego with the tokens of SPIRE's default policy in a layout of our own (tests only):
 * the server must take it for the default, since only layout and comments differ.
 */
export const DEFAULT_REGO_REFORMATTED = [
  '# The default policy, laid out compactly for tests.',
  'package spire',
  'result = { "allow": allow, "allow_if_admin": allow_if_admin, "allow_if_local": allow_if_local,',
  '  "allow_if_downstream": allow_if_downstream, "allow_if_agent": allow_if_agent, }',
  'default allow_if_admin = false',
  'default allow_if_downstream = false',
  'default allow_if_local = false',
  'default allow_if_agent = false',
  'default allow = false',
  ...[
    ['allow_if_admin', 'allow_admin'],
    ['allow_if_local', 'allow_local'],
    ['allow_if_downstream', 'allow_downstream'],
    ['allow_if_agent', 'allow_agent'],
    ['allow', 'allow_any'],
  ].flatMap(([result, flag]) => [`${result} = true if {`, '  r := data.apis[_]', '  r.full_method == input.full_method', `  r.${flag}`, '}']),
  '',
].join('\n');

/** Writes `files` (name -> text, or a value written as JSON) to a new temp dir and returns its path. */
export function writePolicyFiles(files: Record<string, string | object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spire-authpolicy-'));
  for (const [name, v] of Object.entries(files)) writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  return dir;
}
