/**
 * The three AWS wire protocols the emulator speaks, and the error type every handler throws.
 * JSON 1.1 (`X-Amz-Target: <Prefix>.<Operation>`, JSON body and reply), the query protocols
 * (`Action=<Operation>&Version=<date>` form bodies, XML replies; EC2's variant differs in its
 * envelope) and REST-JSON (method + path, JSON body).
 */

/** An AWS error: its `__type` / `<Code>`, message and HTTP status. */
export class AwsError extends Error {
  constructor(
    /** The error code the SDK maps to an exception class, e.g. `NotFoundException`. */
    readonly type: string,
    message: string,
    /** HTTP status; 400 unless a service says otherwise. */
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** What a handler learns about the request beyond its input. */
export interface RequestContext {
  /** The region named in the SigV4 credential scope (the emulator does not check the signature). */
  region: string;
  /** The access key ID named in the Authorization header, '' when unsigned. */
  accessKeyId: string;
}

/** JSON 1.1 operation: the parsed JSON input in, the JSON reply out. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonHandler = (input: any, ctx: RequestContext) => unknown;

/**
 * Query operation: the flat form parameters in (`InstanceId.1`, `Filter.1.Name`, …), the XML of
 * the result's children out (no envelope; the emulator wraps it).
 */
export type QueryHandler = (params: Map<string, string>, ctx: RequestContext) => string;

/** REST-JSON route: path parameters, query and parsed body in, JSON reply out. */
export interface RestRoute {
  method: string;
  /** A path pattern with `{name}` placeholders, e.g. `/clusters/{name}/node-groups`. */
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler: (params: Record<string, string>, query: URLSearchParams, body: any, ctx: RequestContext) => unknown;
  /** HTTP status of a successful reply; 200 unless set. */
  status?: number;
}

/** One emulated service: how requests reach it and its operations. */
export interface ServiceModule {
  /** A short name used in recorded requests and fault rules, e.g. `kms`. */
  readonly name: string;
  /** JSON 1.1: the `X-Amz-Target` prefix, e.g. `TrentService`. */
  readonly jsonTarget?: string;
  readonly json?: Record<string, JsonHandler>;
  /** Query: the `Version` parameter that selects this service, e.g. `2011-06-15` for STS. */
  readonly queryVersion?: string;
  /** `ec2` for EC2's envelope (no `<Result>` element, `<Response><Errors>` errors). */
  readonly queryFlavor?: 'aws' | 'ec2';
  /** The XML namespace of query replies. */
  readonly queryNamespace?: string;
  readonly query?: Record<string, QueryHandler>;
  readonly rest?: RestRoute[];
}

/** Escapes text for XML. */
export function esc(s: string | number | boolean): string {
  return String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<tag>text</tag>`, with text escaped; an undefined value gives ''. */
export function el(tag: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${tag}>${esc(value)}</${tag}>`;
}

/** `<tag>children</tag>`, children being XML already. */
export function wrap(tag: string, children: string): string {
  return `<${tag}>${children}</${tag}>`;
}

/** The values of a query list: `Prefix.1`, `Prefix.2`, … (or `Prefix.member.1`, …) in order. */
export function queryList(params: Map<string, string>, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) out.push(params.get(`${prefix}.${i}`)!);
  return out;
}

/** Epoch seconds, as JSON 1.1 sends timestamps. */
export function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}
