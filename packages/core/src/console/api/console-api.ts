import { fromProtoJson, toProtoJson } from '../../api/protojson.js';
import { Code } from '../../errors.js';
import { ApiInvoker } from './api-invoker.js';
import { ConsoleEndpoints, type As } from './console-endpoints.js';
import type { ConsoleApiDeps } from './deps.js';
import { errorResponse, responseOfError } from './http-status.js';
import type { ConsoleApi, ConsoleApiRequest, ConsoleApiResponse } from './types.js';

const RPC_PATH = /^\/rpc\/([^/]+)\/([^/]+)$/;

/**
 * The console's JSON API (`/api/v1/*` other than session and logout): the RPC bridge
 * `POST /rpc/<service>/<Method>` (protojson request, the CLI's `-output json` form back) over the
 * methods of CONSOLE_METHODS, and the console-only endpoints. Every API call runs through the
 * gRPC pipeline's steps as the request's caller: authorization, rate limits, audit log, counters.
 * Errors answer `{"error":{"code","message"}}` with the HTTP status of their gRPC code. Throws at
 * construction when `deps.services` lacks a service the console uses.
 */
export function createConsoleApi(deps: ConsoleApiDeps): ConsoleApi {
  const api = new ApiInvoker(deps.services, deps.env);
  const endpoints = new ConsoleEndpoints(deps, api);

  async function rpc(service: string, name: string, req: ConsoleApiRequest): Promise<ConsoleApiResponse> {
    const m = api.method(service, name);
    if (!m || req.method !== 'POST') return errorResponse(Code.NOT_FOUND, 'no such console method');
    const res = await api.invoke(m, fromProtoJson(m.request, req.body), req.caller, req.signal);
    return { status: 200, json: toProtoJson(m.response, res) };
  }

  async function route(req: ConsoleApiRequest): Promise<ConsoleApiResponse> {
    const as: As = { caller: req.caller, signal: req.signal };
    const rpcPath = RPC_PATH.exec(req.path);
    // Method and service names are plain words: anything percent-encoded names no method.
    if (rpcPath) return rpc(rpcPath[1]!, rpcPath[2]!, req);
    const key = `${req.method} ${req.path}`;
    switch (key) {
      case 'GET /server':
        return endpoints.server(as);
      case 'GET /server/metrics':
        return endpoints.metrics();
      case 'GET /bundle/local':
        return endpoints.localBundle(req.query, as);
      case 'POST /bundle/federated':
        return endpoints.setFederatedBundle(req.body, as);
      case 'POST /entries/parse':
        return endpoints.parseEntries(req.body);
      case 'POST /agents/purge':
        return endpoints.purgeAgents(req.body, as);
      case 'GET /federation/status':
        return endpoints.federationStatus();
      default:
        return errorResponse(Code.NOT_FOUND, 'no such console endpoint');
    }
  }

  return {
    async handle(req) {
      try {
        return await route(req);
      } catch (err) {
        return responseOfError(err);
      }
    },
  };
}
