/**
 * One thing wrong with a config file. `option` names the option as a dotted path
 * (`server.ca_ttl`, `server.federation.federates_with["td.test"].bundle_endpoint_url`); it is
 * empty only for a syntax error that no option can be blamed for.
 */
export interface ConfigProblem {
  option: string;
  message: string;
  file?: string;
  line?: number;
  /** Set for syntax errors. */
  column?: number;
}

/**
 * Renders a problem for users: `file:line: option: message`, leaving out the parts that are not
 * known (`file:line:col: message` for a syntax error). Pure; safe to call any number of times.
 */
export function formatProblem(p: ConfigProblem): string {
  let where = '';
  if (p.file) {
    where = p.file;
    if (p.line !== undefined) where += `:${p.line}`;
    if (p.line !== undefined && p.column !== undefined) where += `:${p.column}`;
  }
  return [where, p.option, p.message].filter((s) => s !== '').join(': ');
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Names an option from its path: identifiers joined with dots, other keys (labels such as trust
 * domains) as `["..."]`, array indexes as `[n]`.
 */
export function optionName(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
