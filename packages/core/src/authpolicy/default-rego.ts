import { parseRegoSubset, REGO_KEYWORDS, RegoShapeError, type Literal, type Ref, type RegoModule, type Statement, type Term } from './rego-parser.js';

/**
 * The decision rules of SPIRE's default policy and the `apis` item flag each one reads. `result`
 * maps each rule name to the rule of that name.
 */
export const DEFAULT_DECISION_RULES: Readonly<Record<string, string>> = {
  allow: 'allow_any',
  allow_if_admin: 'allow_admin',
  allow_if_local: 'allow_local',
  allow_if_downstream: 'allow_downstream',
  allow_if_agent: 'allow_agent',
};

const RESULT = 'result';
const RULE_NAMES = new Set([RESULT, ...Object.keys(DEFAULT_DECISION_RULES)]);

/** What recogniseDefaultPolicyRego found. */
export type DefaultRegoVerdict =
  | { kind: 'default' }
  /** The default decision model with rule bodies written without `if` (SPIRE 1.1 to 1.11). */
  | { kind: 'default-v0' }
  /** Anything else; `why` says where the file departs from the default model. */
  | { kind: 'other'; why: string };

function sameRef(a: Term, b: Ref): boolean {
  if ('scalar' in a) return false;
  if (a.head !== b.head || a.steps.length !== b.steps.length) return false;
  return a.steps.every((s, i) => {
    const t = b.steps[i]!;
    return 'key' in s ? 'key' in t && s.key === t.key : 'var' in t && s.var === t.var;
  });
}

const ref = (head: string, ...keys: string[]): Ref => ({ head, steps: keys.map((key) => ({ key })) });

/** A name a body may bind: not a keyword, not `_`, `input` or `data`, and no rule of the module. */
function bindable(name: string): boolean {
  return !REGO_KEYWORDS.has(name) && !RULE_NAMES.has(name) && name !== '_' && name !== 'input' && name !== 'data';
}

/** `data.apis[x]` with `x` either `_` or a variable used nowhere else (`other`). */
function isApisItem(r: Term, other: string): boolean {
  if ('scalar' in r || r.head !== 'data' || r.steps.length !== 2) return false;
  const [apis, index] = r.steps as [Ref['steps'][0], Ref['steps'][0]];
  if (!('key' in apis) || apis.key !== 'apis' || !('var' in index)) return false;
  return index.var === '_' || (bindable(index.var) && index.var !== other);
}

/**
 * The variable a literal binds to each item of `data.apis`, and whether Rego requires the literal
 * to come before the uses of that variable (`:=` and `some` declare it; `=` unifies anywhere).
 */
function iteration(lit: Literal): { item: string; declares: boolean } | undefined {
  if (lit.kind === 'some-in') {
    // A named key would be a declared but unused variable, which OPA refuses to compile.
    const keyOk = lit.key === undefined || lit.key === '_';
    return keyOk && bindable(lit.item) && sameRef(lit.source, ref('data', 'apis')) ? { item: lit.item, declares: true } : undefined;
  }
  if (lit.kind !== 'compare' || (lit.op !== ':=' && lit.op !== '=')) return undefined;
  const sides = lit.op === ':=' ? [[lit.left, lit.right]] : [[lit.left, lit.right], [lit.right, lit.left]];
  for (const [v, src] of sides) {
    if (!('scalar' in v!) && v!.steps.length === 0 && bindable(v!.head) && isApisItem(src!, v!.head)) return { item: v!.head, declares: lit.op === ':=' };
  }
  return undefined;
}

/** Whether `literals` say: some item of data.apis has full_method == input.full_method and a truthy `flag`. */
function isDecisionBody(literals: Literal[], flag: string): boolean {
  if (literals.length !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const it = iteration(literals[i]!);
    if (it === undefined || (it.declares && i !== 0)) continue;
    const rest = literals.filter((_, j) => j !== i);
    const method = ref(it.item, 'full_method');
    const wanted = ref('input', 'full_method');
    const isMatch = (l: Literal) =>
      l.kind === 'compare' && (l.op === '==' || l.op === '=') && ((sameRef(l.left, method) && sameRef(l.right, wanted)) || (sameRef(l.left, wanted) && sameRef(l.right, method)));
    const isFlag = (l: Literal) => l.kind === 'ref' && sameRef(l.ref, ref(it.item, flag));
    if ((isMatch(rest[0]!) && isFlag(rest[1]!)) || (isFlag(rest[0]!) && isMatch(rest[1]!))) return true;
  }
  return false;
}

function checkResult(s: Statement): void {
  const names = Object.keys(DEFAULT_DECISION_RULES);
  const wrong = new RegoShapeError(s.line, `"${RESULT}" must be an object that maps exactly ${names.join(', ')} each to the rule of its name`);
  if (s.kind !== 'object' || s.entries.length !== names.length) throw wrong;
  const seen = new Set<string>();
  for (const e of s.entries) {
    if (!(e.key in DEFAULT_DECISION_RULES) || seen.has(e.key) || !sameRef(e.value, ref(e.key))) throw wrong;
    seen.add(e.key);
  }
}

/** Checks a parsed module against the default decision model; throws RegoShapeError where it departs. */
function checkModule(m: RegoModule): { v0: boolean } {
  if (m.package !== 'spire') throw new RegoShapeError(1, `the package must be "spire", not "${m.package}"`);
  const badImport = m.imports.find((i) => i !== 'rego.v1');
  if (badImport !== undefined) throw new RegoShapeError(0, `"import ${badImport}" is not part of the default policy (only "import rego.v1" is)`);
  const defaults = new Set<string>();
  const defined = new Set<string>();
  let withIf = 0;
  let withoutIf: Statement | undefined;
  for (const s of m.statements) {
    if (!RULE_NAMES.has(s.name)) throw new RegoShapeError(s.line, `rule "${s.name}" is not part of the default policy`);
    if (s.kind === 'default') {
      if (s.name === RESULT) throw new RegoShapeError(s.line, `"${RESULT}" has no default in the default policy`);
      if (defaults.has(s.name)) throw new RegoShapeError(s.line, `"${s.name}" has a second default`);
      if (s.value !== 'false') throw new RegoShapeError(s.line, `the default of "${s.name}" must be false`);
      defaults.add(s.name);
      continue;
    }
    if (defined.has(s.name)) throw new RegoShapeError(s.line, `"${s.name}" is defined a second time`);
    defined.add(s.name);
    if (s.name === RESULT) {
      checkResult(s);
      continue;
    }
    const flag = DEFAULT_DECISION_RULES[s.name]!;
    if (s.kind !== 'body' || !isDecisionBody(s.literals, flag)) {
      throw new RegoShapeError(s.line, `"${s.name}" must be true exactly when an item of data.apis has full_method == input.full_method and a truthy ${flag}`);
    }
    if (s.hasIf) withIf++;
    else withoutIf ??= s;
  }
  for (const name of RULE_NAMES) {
    if (!defined.has(name)) throw new RegoShapeError(0, `rule "${name}" is missing`);
    if (name !== RESULT && !defaults.has(name)) throw new RegoShapeError(0, `"${name}" has no default`);
  }
  // All five bodies without `if` and no rego.v1 import is the v0 file; a mix is neither syntax.
  if (withoutIf !== undefined && (withIf > 0 || m.imports.length > 0)) throw new RegoShapeError(withoutIf.line, 'a rule body without "if" (Rego v0 syntax)');
  return { v0: withoutIf !== undefined };
}

/**
 * Whether `text` is SPIRE's default policy.rego in meaning: package `spire`; `result` mapping
 * exactly allow, allow_if_admin, allow_if_local, allow_if_downstream and allow_if_agent to the
 * rules of those names; each of those rules defaulting to false and true exactly when some item
 * of `data.apis` has `full_method == input.full_method` and a truthy flag (allow_any,
 * allow_admin, allow_local, allow_downstream, allow_agent respectively). Layout, comments, line
 * endings, rule order, variable names, `=` or `:=`, the order of `==` operands and of the two
 * conditions, trailing commas and `import rego.v1` do not matter; anything else makes it another
 * policy. Pure; never throws.
 */
export function recogniseDefaultPolicyRego(text: string): DefaultRegoVerdict {
  try {
    return checkModule(parseRegoSubset(text)).v0 ? { kind: 'default-v0' } : { kind: 'default' };
  } catch (err) {
    if (err instanceof RegoShapeError) return { kind: 'other', why: err.message };
    throw err;
  }
}
