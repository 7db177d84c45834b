import { EntryScope } from './entry-scope.js';
import { defaultPolicy, type CallerRule, type PolicyData } from './policy-data.js';

/**
 * What the policy says about a method, as upstream's policy result has it: `allow` admits anyone;
 * each `allowIf*` admits the caller only if it is that kind of caller.
 */
export interface PolicyResult {
  allow: boolean;
  allowIfLocal: boolean;
  allowIfAdmin: boolean;
  allowIfDownstream: boolean;
  allowIfAgent: boolean;
}

/** An `allow_callers` grant: `scope` is absent when some matching rule has no `entries` constraint. */
export interface CallerGrant {
  scope?: EntryScope;
}

const DENY: PolicyResult = Object.freeze({ allow: false, allowIfLocal: false, allowIfAdmin: false, allowIfDownstream: false, allowIfAgent: false });

/**
 * Evaluates policy data the way SPIRE's default policy.rego does: the result for a method is the
 * OR, over every `apis` item whose full_method equals it, of the item's flags; a method no item
 * names gets all-false (denied). Also answers our `allow_callers` extension. Built once per
 * server; evaluation is a map lookup and never throws.
 */
export class PolicyEngine {
  private readonly results = new Map<string, PolicyResult>();
  private readonly callers = new Map<string, CallerRule[]>();

  constructor(data: PolicyData) {
    for (const a of data.apis) {
      const r = this.results.get(a.fullMethod) ?? { ...DENY };
      r.allow ||= a.allowAny;
      r.allowIfLocal ||= a.allowLocal;
      r.allowIfAdmin ||= a.allowAdmin;
      r.allowIfDownstream ||= a.allowDownstream;
      r.allowIfAgent ||= a.allowAgent;
      this.results.set(a.fullMethod, r);
      if (a.allowCallers.length > 0) this.callers.set(a.fullMethod, [...(this.callers.get(a.fullMethod) ?? []), ...a.allowCallers]);
    }
  }

  /** The engine of SPIRE's default policy and data. */
  static default(): PolicyEngine {
    return new PolicyEngine(defaultPolicy());
  }

  /** The policy result for `fullMethod` (`/package.Service/Method`). */
  eval(fullMethod: string): PolicyResult {
    return { ...(this.results.get(fullMethod) ?? DENY) };
  }

  /**
   * The `allow_callers` grant of `fullMethod` to the caller with SPIFFE ID `callerId` (canonical
   * string), or undefined when no rule names it.
   */
  callerGrant(fullMethod: string, callerId: string): CallerGrant | undefined {
    const matched = (this.callers.get(fullMethod) ?? []).filter((r) => r.ids.includes(callerId) || r.idPrefixes.some((p) => callerId.startsWith(p)));
    if (matched.length === 0) return undefined;
    if (matched.some((r) => !r.entries)) return {};
    return { scope: new EntryScope(matched.map((r) => r.entries!)) };
  }
}
