import type { CallerInfo } from '../../api/caller.js';
import { admitCall, methodCounters, runUnary, type MethodCounters, type PipelineEnv, type ServiceHandlers } from '../../api/handler.js';
import { Services } from '../../api/proto.js';
import { loaderForm } from '../../api/protojson.js';
import { apiMessageType, apiMethodTypes, EncodedResponse } from '../../api/sliced-encoding.js';
import { Code, SpireError } from '../../errors.js';

/** The API methods the console may call, by the short service name of its URLs (`/rpc/<service>/<Method>`). */
export const CONSOLE_METHODS: Readonly<Record<string, { service: string; methods: readonly string[] }>> = {
  entry: { service: Services.entry, methods: ['ListEntries', 'GetEntry', 'CountEntries', 'BatchCreateEntry', 'BatchUpdateEntry', 'BatchDeleteEntry'] },
  agent: { service: Services.agent, methods: ['ListAgents', 'GetAgent', 'CountAgents', 'BanAgent', 'DeleteAgent', 'CreateJoinToken'] },
  bundle: { service: Services.bundle, methods: ['GetBundle', 'ListFederatedBundles', 'GetFederatedBundle', 'BatchSetFederatedBundle', 'BatchDeleteFederatedBundle'] },
  trustdomain: {
    service: Services.trustDomain,
    methods: [
      'ListFederationRelationships',
      'GetFederationRelationship',
      'BatchCreateFederationRelationship',
      'BatchUpdateFederationRelationship',
      'BatchDeleteFederationRelationship',
      'RefreshBundle',
    ],
  },
  localauthority: {
    service: Services.localAuthority,
    methods: [
      'GetJWTAuthorityState',
      'PrepareJWTAuthority',
      'ActivateJWTAuthority',
      'TaintJWTAuthority',
      'RevokeJWTAuthority',
      'GetX509AuthorityState',
      'PrepareX509Authority',
      'ActivateX509Authority',
      'TaintX509Authority',
      'RevokeX509Authority',
    ],
  },
  logger: { service: Services.logger, methods: ['GetLogger', 'SetLogLevel', 'ResetLogLevel'] },
};

/** One allowed console method, resolved once. */
export interface ConsoleMethod {
  /** `/package.Service/Method`, as the pipeline and the audit log name it. */
  path: string;
  name: string;
  handlers: ServiceHandlers;
  request: string;
  response: string;
  counters: MethodCounters;
}

/**
 * Calls API handlers for the console through the gRPC pipeline's own steps (admitCall: the same
 * authorization, rate limits and audit log; runUnary: the handler, audit and `rpc.*` counter), as
 * the caller of each request. Only the methods of CONSOLE_METHODS are reachable.
 */
export class ApiInvoker {
  private readonly methods = new Map<string, ConsoleMethod>();

  /**
   * @param services - the ServiceHandlers the API endpoints serve (apiServices()).
   * @param env - the admin socket's pipeline env (authorizer, limits, audit log, metrics).
   * Throws when a console method's service is not in `services` (a wiring mistake).
   */
  constructor(
    services: readonly ServiceHandlers[],
    private readonly env: PipelineEnv,
  ) {
    for (const [short, { service, methods }] of Object.entries(CONSOLE_METHODS)) {
      const handlers = services.find((s) => s.service === service);
      if (!handlers) throw new Error(`console: the API service ${service} is not among the services passed in`);
      for (const name of methods) {
        const types = apiMethodTypes(service, name);
        if (!types) throw new Error(`console: ${service} has no method ${name}`);
        const path = `/${service}/${name}`;
        this.methods.set(`${short}/${name}`, { path, name, handlers, ...types, counters: methodCounters(path, env) });
      }
    }
  }

  /** The allowed method `<service>/<Method>` (short service name), or undefined. */
  method(service: string, name: string): ConsoleMethod | undefined {
    return Object.hasOwn(CONSOLE_METHODS, service) ? this.methods.get(`${service}/${name}`) : undefined;
  }

  /**
   * Runs `m` with `req` (loader form, absent fields defaulted here) as `caller`; resolves with the
   * response in loader form. Rejects with the pipeline's or the handler's error.
   */
  async invoke(m: ConsoleMethod, req: object, caller: CallerInfo, signal: AbortSignal): Promise<Record<string, unknown>> {
    const full = loaderForm(m.request, req);
    const res = await runUnary(m.handlers, m.name, full, () => admitCall(m.path, caller, full, this.env, () => signal, m.counters.limitCalls), m.counters.calls, this.env.log);
    // A large answer comes pre-encoded for the wire (sliced-encoding); the console reads it back.
    if (res instanceof EncodedResponse) return loaderForm(m.response, apiMessageType(m.response).decode(res.bytes));
    return res as Record<string, unknown>;
  }

  /** invoke() by short service name and method; NOT_FOUND when it is not a console method. */
  async call<T = Record<string, unknown>>(service: string, name: string, req: object, caller: CallerInfo, signal: AbortSignal): Promise<T> {
    const m = this.method(service, name);
    if (!m) throw new SpireError(Code.NOT_FOUND, 'no such console method');
    return (await this.invoke(m, req, caller, signal)) as T;
  }
}
