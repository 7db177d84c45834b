import { purgeExpiredAgents } from '../../api/agent-purge.js';
import type { CallerInfo } from '../../api/caller.js';
import type { ProtoAgent } from '../../api/convert/agent.js';
import type { ProtoBundle } from '../../api/convert/bundle.js';
import { parseEntriesJson } from '../../api/convert/entries-json.js';
import { federatedBundleFromText, formatBundle, validateBundleFormat } from '../../api/convert/spiffe-bundle.js';
import { toProtoJson } from '../../api/protojson.js';
import { parseDuration } from '../../duration.js';
import { Code, SpireError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { ApiInvoker } from './api-invoker.js';
import type { ConsoleApiDeps } from './deps.js';
import { errorResponse } from './http-status.js';
import { rfc3339 } from './metrics-sampler.js';
import type { ConsoleApiResponse } from './types.js';

/** A console call's caller and abort signal, passed to every API call it makes. */
export interface As {
  caller: CallerInfo;
  signal: AbortSignal;
}

/** Runs a conversion the CLI also runs; its plain errors (the CLI's messages) become INVALID_ARGUMENT. */
function parsing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SpireError) throw err;
    throw new SpireError(Code.INVALID_ARGUMENT, (err as Error).message);
  }
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new SpireError(Code.INVALID_ARGUMENT, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string, fallback?: string): string {
  const v = body[name] ?? fallback;
  if (typeof v !== 'string') throw new SpireError(Code.INVALID_ARGUMENT, `${name} must be a string`);
  return v;
}

/** The console-only endpoints: each built on the API calls and CLI conversions it mirrors. */
export class ConsoleEndpoints {
  private readonly now: () => number;

  constructor(
    private readonly deps: ConsoleApiDeps,
    private readonly api: ApiInvoker,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** `GET /server`: version, trust domain, start time, uptime, health and counts (through CountEntries, CountAgents, ListFederatedBundles). */
  async server(as: As): Promise<ConsoleApiResponse> {
    const [health, entries, agents, federatedBundles] = await Promise.all([
      this.deps.health.state(),
      this.api.call<{ count: number }>('entry', 'CountEntries', {}, as.caller, as.signal),
      this.api.call<{ count: number }>('agent', 'CountAgents', {}, as.caller, as.signal),
      this.countFederatedBundles(as),
    ]);
    return {
      status: 200,
      json: {
        version: this.deps.version ?? VERSION,
        trustDomain: this.deps.trustDomain,
        startedAt: rfc3339(this.deps.startedAtMs),
        uptimeSeconds: Math.max(0, Math.floor((this.now() - this.deps.startedAtMs) / 1000)),
        health: { live: health.live, ready: health.ready },
        counts: { entries: Number(entries.count), agents: Number(agents.count), federatedBundles },
      },
    };
  }

  private async countFederatedBundles(as: As): Promise<number> {
    let n = 0;
    let token = '';
    do {
      const res = await this.api.call<{ bundles: unknown[]; next_page_token: string }>('bundle', 'ListFederatedBundles', { page_size: 1000, page_token: token }, as.caller, as.signal);
      n += res.bundles.length;
      token = res.next_page_token;
    } while (token !== '');
    return n;
  }

  /** `GET /server/metrics`. */
  metrics(): ConsoleApiResponse {
    return { status: 200, json: this.deps.metrics?.samples() ?? { intervalSeconds: 10, samples: [] } };
  }

  /** `GET /bundle/local?format=pem|spiffe[&download=1]`: the text `bundle show -format` prints. */
  async localBundle(query: URLSearchParams, as: As): Promise<ConsoleApiResponse> {
    const format = parsing(() => validateBundleFormat(query.get('format') ?? 'pem'));
    const b = await this.api.call<ProtoBundle>('bundle', 'GetBundle', {}, as.caller, as.signal);
    const text = parsing(() => formatBundle(b, format, false));
    const headers: Record<string, string> = {};
    if (query.get('download') === '1') headers['Content-Disposition'] = `attachment; filename="bundle.${format === 'pem' ? 'pem' : 'json'}"`;
    return { status: 200, text, contentType: format === 'pem' ? 'application/x-pem-file' : 'application/json', headers };
  }

  /** `POST /bundle/federated` `{ id, format, bundle }`: what `bundle set` does, with its messages. */
  async setFederatedBundle(body: unknown, as: As): Promise<ConsoleApiResponse> {
    const b = bodyObject(body);
    const id = stringField(b, 'id', '');
    if (id === '') throw new SpireError(Code.INVALID_ARGUMENT, 'id is required');
    const bundle = parsing(() => federatedBundleFromText(id, stringField(b, 'format', 'pem'), stringField(b, 'bundle', '')));
    const res = await this.api.call<{ results: { status: { code: number; message: string } | null; bundle: ProtoBundle | null }[] }>(
      'bundle',
      'BatchSetFederatedBundle',
      { bundle: [bundle] },
      as.caller,
      as.signal,
    );
    const r = res.results[0]!;
    if (r.status && r.status.code !== Code.OK) return errorResponse(r.status.code as Code, `failed to set federated bundle: ${r.status.message}`);
    return { status: 200, json: { trustDomain: r.bundle?.trust_domain ?? bundle.trust_domain } };
  }

  /** `POST /entries/parse` `{ data }`: the entries of an `entry create -data` file, as Entry protojson. */
  parseEntries(body: unknown): ConsoleApiResponse {
    const data = stringField(bodyObject(body), 'data', '');
    const entries = parsing(() => parseEntriesJson(data));
    return { status: 200, json: { entries: entries.map((e) => toProtoJson('spire.api.types.Entry', e)) } };
  }

  /**
   * `POST /agents/purge` `{ expiredFor, dryRun }`: what `agent purge` does. `purged` lists the
   * agents deleted (with dryRun: those that would be), `failed` those whose deletion failed.
   */
  async purgeAgents(body: unknown, as: As): Promise<ConsoleApiResponse> {
    const b = bodyObject(body);
    const expiredFor = stringField(b, 'expiredFor', '720h');
    let expiredForMs: number;
    try {
      expiredForMs = parseDuration(expiredFor);
    } catch (err) {
      throw new SpireError(Code.INVALID_ARGUMENT, `invalid expiredFor ${JSON.stringify(expiredFor)}: ${(err as Error).message}`);
    }
    const dryRun = b.dryRun ?? false;
    if (typeof dryRun !== 'boolean') throw new SpireError(Code.INVALID_ARGUMENT, 'dryRun must be true or false');
    const results = await purgeExpiredAgents(
      {
        listAgents: (req) => this.api.call<{ agents: ProtoAgent[] }>('agent', 'ListAgents', req, as.caller, as.signal),
        deleteAgent: async (id) => {
          await this.api.call('agent', 'DeleteAgent', { id }, as.caller, as.signal);
        },
      },
      { expiredForMs, dryRun, nowMs: this.now() },
    );
    return {
      status: 200,
      json: {
        purged: results.filter((r) => r.deleted || dryRun).map((r) => r.agent_id),
        failed: results.filter((r) => !r.deleted && !dryRun).map((r) => ({ id: r.agent_id, message: r.error ?? '' })),
      },
    };
  }

  /** `GET /federation/status`: the refresher's last result per managed trust domain. */
  federationStatus(): ConsoleApiResponse {
    const opt = (ms: number | undefined) => (ms === undefined ? undefined : rfc3339(ms));
    const list = (this.deps.federation?.refreshStatus() ?? []).map((s) =>
      Object.fromEntries(
        Object.entries({ trustDomain: s.trustDomain, lastAttempt: opt(s.lastAttempt), lastSuccess: opt(s.lastSuccess), lastError: s.lastError, nextRefresh: opt(s.nextRefresh) }).filter(
          ([, v]) => v !== undefined,
        ),
      ),
    );
    return { status: 200, json: list };
  }
}
