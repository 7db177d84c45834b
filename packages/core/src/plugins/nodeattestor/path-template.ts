import { SpiffeId, serverId, validatePath } from '../../spiffeid/index.js';
import type { TrustDomain } from '../../spiffeid/trust-domain.js';
import { formatValue, PathTemplateExecError, templateFuncs, truth, unimplementedSpireFuncs } from './path-template-funcs.js';
import { parseTemplate, PathTemplateSyntaxError, type Arg, type Command, type Node, type Pipeline } from './path-template-parse.js';

export { PathTemplateExecError } from './path-template-funcs.js';
export { PathTemplateSyntaxError } from './path-template-parse.js';

/**
 * The data an agent path template renders. Plain objects act as Go structs (a missing field is an
 * error), `Map`s as Go maps (a missing key is an error, SPIRE's `missingkey=error`), arrays as
 * slices, `bigint` as `*big.Int`, `Date` as `time.Time`, `Uint8Array` as `[]byte`.
 */
export type TemplateData = Record<string, unknown>;

function checkFunc(name: string): void {
  if (Object.hasOwn(templateFuncs, name)) return;
  if (unimplementedSpireFuncs.has(name)) {
    throw new PathTemplateSyntaxError(`function "${name}" is not supported by this server`);
  }
  throw new PathTemplateSyntaxError(`function "${name}" not defined`);
}

function field(v: unknown, name: string): unknown {
  if (v instanceof Map) {
    if (!v.has(name)) throw new PathTemplateExecError(`map has no entry for key "${name}"`);
    return v.get(name);
  }
  if (v === undefined || v === null) throw new PathTemplateExecError(`nil pointer evaluating .${name}`);
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) {
    throw new PathTemplateExecError(`can't evaluate field ${name} in a ${Array.isArray(v) ? 'list' : typeof v}`);
  }
  if (!Object.prototype.hasOwnProperty.call(v, name)) throw new PathTemplateExecError(`can't evaluate field ${name}`);
  return (v as Record<string, unknown>)[name];
}

class Exec {
  constructor(private readonly root: unknown) {}

  nodes(list: Node[], dot: unknown, out: string[]): void {
    for (const n of list) {
      switch (n.kind) {
        case 'text':
          out.push(n.text);
          break;
        case 'action':
          out.push(formatValue(this.pipeline(n.pipeline, dot)));
          break;
        case 'if':
        case 'with': {
          const v = this.pipeline(n.pipeline, dot);
          if (truth(v)) this.nodes(n.body, n.kind === 'with' ? v : dot, out);
          else this.nodes(n.otherwise, dot, out);
          break;
        }
      }
    }
  }

  pipeline(p: Pipeline, dot: unknown): unknown {
    let v: unknown;
    p.forEach((cmd, i) => {
      v = i === 0 ? this.command(cmd, dot, []) : this.command(cmd, dot, [v]);
    });
    return v;
  }

  private command(cmd: Command, dot: unknown, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    if (!head) throw new PathTemplateExecError('empty command');
    if (head.kind === 'ident' && (head.name === 'and' || head.name === 'or')) {
      // Go evaluates and/or lazily: stop at the first argument that decides the result.
      const thunks = [...rest.map((a) => () => this.arg(a, dot)), ...piped.map((v) => () => v)];
      if (thunks.length === 0) throw new PathTemplateExecError(`wrong number of args for ${head.name}: want at least 1 got 0`);
      let v: unknown;
      for (const t of thunks) {
        v = t();
        if (truth(v) !== (head.name === 'and')) return v;
      }
      return v;
    }
    if (head.kind === 'ident') {
      const fn = templateFuncs[head.name]!;
      return fn(...rest.map((a) => this.arg(a, dot)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0) throw new PathTemplateExecError("can't give argument to non-function");
    return this.arg(head, dot);
  }

  private arg(a: Arg, dot: unknown): unknown {
    switch (a.kind) {
      case 'field':
        return a.chain.reduce(field, a.base === 'root' ? this.root : dot);
      case 'pipe':
        return a.chain.reduce(field, this.pipeline(a.pipeline, dot));
      case 'string':
      case 'number':
      case 'bool':
        return a.value;
      case 'nil':
        return undefined;
      case 'ident':
        return templateFuncs[a.name]!();
    }
  }
}

/**
 * A parsed agent_path_template: the subset of Go's text/template (and of the sprig functions SPIRE
 * adds) that agent paths need. Immutable; `execute` may be called any number of times.
 */
export class PathTemplate {
  private constructor(
    readonly source: string,
    private readonly tree: Node[],
  ) {}

  /**
   * Parses a template. Throws PathTemplateSyntaxError naming what is wrong or unsupported
   * (`range`, `define`, variables and sprig functions this server lacks are refused here).
   */
  static parse(source: string): PathTemplate {
    return new PathTemplate(source, parseTemplate(source, checkFunc));
  }

  /** Renders the template. Throws PathTemplateExecError on a missing field or key or a bad argument. */
  execute(data: TemplateData): string {
    const out: string[] = [];
    new Exec(data).nodes(this.tree, data, out);
    return out.join('');
  }
}

/**
 * Renders an agent path and makes the agent ID `spiffe://<td>/spire/agent<path>`, as SPIRE does.
 * The rendered path must start with `/`, be a valid SPIFFE ID path and not be empty, and the ID may
 * never be the server's. Throws PathTemplateExecError, or a SpiffeIdError naming the broken rule.
 */
export function agentIdFromTemplate(td: TrustDomain, template: PathTemplate, data: TemplateData): SpiffeId {
  const suffix = template.execute(data);
  if (suffix === '' || suffix === '/') throw new PathTemplateExecError('agent path template rendered an empty path');
  validatePath(suffix);
  const id = SpiffeId.fromPath(td, `/spire/agent${suffix}`);
  if (id.equals(serverId(td))) throw new PathTemplateExecError('agent path template rendered the server ID');
  return id;
}
