import { randomUUID } from 'node:crypto';
import type { BanAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/BanAgentRequest.js';
import type { CountAgentsRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/CountAgentsRequest.js';
import type { CreateJoinTokenRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/CreateJoinTokenRequest.js';
import type { DeleteAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/DeleteAgentRequest.js';
import type { GetAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/GetAgentRequest.js';
import type { ListAgentsRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/ListAgentsRequest.js';
import type { PostStatusRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/PostStatusRequest.js';
import type { RenewAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/RenewAgentRequest.js';
import type { _spire_api_server_agent_v1_ListAgentsRequest_Filter__Output } from '../../proto/gen/api/spire/api/server/agent/v1/ListAgentsRequest.js';
import { Code } from '../../errors.js';
import type { CountAttestedNodesRequest } from '../../plugins/datastore/contract.js';
import { agentId as makeAgentId } from '../../spiffeid/index.js';
import { agentToProto, applyAgentMask } from '../convert/agent.js';
import { matchFromProto } from '../convert/enums.js';
import { agentIdFromProto, workloadIdFromProto, type ProtoSpiffeId } from '../convert/ids.js';
import { selectorsFromProto } from '../convert/selectors.js';
import type { CallContext, ServiceHandlers } from '../handler.js';
import { pageFromRequest } from '../pagination.js';
import { Services } from '../proto.js';
import { makeErr, storeCode } from '../status.js';
import { attestAgent, renewAgent } from './agent-attest.js';
import { nowSeconds, type ApiDeps } from './deps.js';

type ProtoAgentFilter = _spire_api_server_agent_v1_ListAgentsRequest_Filter__Output;

/** Parses Go's time.Time String() form, `2006-01-02 15:04:05 -0700 -07` (zone name optional). */
export function parseGoTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})(?: \S+)?$/.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not a time of the form "2006-01-02 15:04:05 -0700 -07"`);
  const [, y, mo, d, h, mi, se, sign, zh, zm] = m;
  const utc = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +se!);
  const off = (+zh! * 60 + +zm!) * 60_000 * (sign === '-' ? -1 : 1);
  return Math.floor((utc - off) / 1000);
}

/** The longest agent version PostStatus accepts. */
const MAX_AGENT_VERSION = 255;

/** spire.api.server.agent.v1.Agent (AttestAgent and RenewAgent live in agent-attest.ts). */
export function agentService(deps: ApiDeps): ServiceHandlers {
  const { dataStore: ds, trustDomain: td } = deps;

  function filterFromProto(f: ProtoAgentFilter | null, ctx: CallContext): CountAttestedNodesRequest {
    const out: CountAttestedNodesRequest = {};
    if (!f) return out;
    if (f.by_banned) out.byBanned = f.by_banned.value;
    if (f.by_can_reattest) out.byCanReattest = f.by_can_reattest.value;
    if (f.by_attestation_type) out.byAttestationType = f.by_attestation_type;
    if (f.by_expires_before) {
      try {
        out.byExpiresBefore = parseGoTime(f.by_expires_before);
      } catch (err) {
        throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'malformed by_expires_before filter', err);
      }
    }
    if (f.by_selector_match) {
      try {
        out.bySelectorMatch = { selectors: selectorsFromProto(f.by_selector_match.selectors ?? []), match: matchFromProto(f.by_selector_match.match) };
      } catch (err) {
        throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse selectors', err);
      }
    }
    return out;
  }

  function parseAgentId(ctx: CallContext, id: ProtoSpiffeId | null): string {
    try {
      return agentIdFromProto(td, id).toString();
    } catch (err) {
      throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid agent ID', err);
    }
  }

  return {
    service: Services.agent,
    bidiStream: {
      AttestAgent: (stream, ctx) => attestAgent(deps, stream, ctx),
    },
    unary: {
      RenewAgent: (req: RenewAgentRequest__Output, ctx) => renewAgent(deps, req, ctx),
      async CountAgents(req: CountAgentsRequest__Output, ctx) {
        const filter = filterFromProto(req.filter, ctx);
        try {
          return { count: await ds.countAttestedNodes(filter) };
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to count agents', err);
        }
      },
      async ListAgents(req: ListAgentsRequest__Output, ctx) {
        const filter = filterFromProto(req.filter, ctx);
        const pagination = pageFromRequest(req.page_size, req.page_token);
        const fetchSelectors = !req.output_mask || !!req.output_mask.selectors;
        let res;
        try {
          res = await ds.listAttestedNodes({ ...filter, pagination, fetchSelectors });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to list agents', err);
        }
        const agents = res.nodes.map((n) => {
          try {
            return applyAgentMask(agentToProto(n), req.output_mask);
          } catch (err) {
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert attested node to agent', err);
          }
        });
        return { agents, next_page_token: res.pagination?.token ?? '' };
      },
      async GetAgent(req: GetAgentRequest__Output, ctx) {
        const id = parseAgentId(ctx, req.id);
        let node;
        try {
          node = await ds.fetchAttestedNode(id);
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch agent', err);
        }
        if (!node) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
        if (!req.output_mask || req.output_mask.selectors) {
          try {
            node = { ...node, selectors: await ds.getNodeSelectors(id) };
          } catch (err) {
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to get selectors from agent', err);
          }
        }
        try {
          return applyAgentMask(agentToProto(node), req.output_mask);
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to convert attested node to agent', err);
        }
      },
      async DeleteAgent(req: DeleteAgentRequest__Output, ctx) {
        const id = parseAgentId(ctx, req.id);
        try {
          await ds.deleteAttestedNode(id);
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to remove agent', err);
        }
        ctx.log.info({ spiffe_id: id }, 'Agent deleted');
        return {};
      },
      async BanAgent(req: BanAgentRequest__Output, ctx) {
        const id = parseAgentId(ctx, req.id);
        try {
          const node = await ds.fetchAttestedNode(id);
          if (!node) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
          await ds.updateAttestedNode(
            { ...node, certSerialNumber: '', newCertSerialNumber: '' },
            { certSerialNumber: true, newCertSerialNumber: true },
          );
        } catch (err) {
          if (storeCode(err) === Code.NOT_FOUND) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to ban agent', err);
        }
        ctx.log.info({ spiffe_id: id }, 'Agent banned');
        return {};
      },
      async PostStatus(req: PostStatusRequest__Output, ctx) {
        const callerId = ctx.caller.svid?.id.toString();
        if (!callerId) throw makeErr(ctx.log, Code.INTERNAL, 'caller ID missing from request context');
        if (req.agent_version) {
          if (req.agent_version.length > MAX_AGENT_VERSION) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'agent version is too long (max 255 characters)');
          try {
            const node = await ds.fetchAttestedNode(callerId);
            if (!node) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
            await ds.updateAttestedNode({ ...node, agentVersion: req.agent_version }, { agentVersion: true });
          } catch (err) {
            if (storeCode(err) === Code.NOT_FOUND) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to update agent', err);
          }
        }
        return {};
      },
      async CreateJoinToken(req: CreateJoinTokenRequest__Output, ctx) {
        if (req.ttl < 1) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'ttl is required, you must provide one');
        let agentId: string | undefined;
        if (req.agent_id) {
          try {
            agentId = workloadIdFromProto(td, req.agent_id).toString();
          } catch (err) {
            throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid agent ID', err);
          }
        }
        const token = req.token || randomUUID();
        let parentId: string;
        try {
          parentId = makeAgentId(td, 'join_token', token).toString();
        } catch (err) {
          throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid token', err);
        }
        const expiry = nowSeconds(deps) + req.ttl;
        try {
          await ds.createJoinToken({ token, expiry });
        } catch (err) {
          throw makeErr(ctx.log, storeCode(err) === Code.ALREADY_EXISTS ? Code.ALREADY_EXISTS : Code.INTERNAL, 'failed to create token', err);
        }
        if (agentId) {
          try {
            await ds.createRegistrationEntry({
              entryId: '',
              spiffeId: agentId,
              parentId,
              selectors: [{ type: 'spiffe_id', value: parentId }],
              x509SvidTtl: 0,
              jwtSvidTtl: 0,
              federatesWith: [],
              dnsNames: [],
              admin: false,
              downstream: false,
              entryExpiry: 0,
              storeSvid: false,
              hint: '',
              createdAt: 0,
              revisionNumber: 0,
            });
          } catch (err) {
            // The token alone would attest an agent without the alias the caller asked for.
            await ds.deleteJoinToken(token).catch(() => undefined);
            throw makeErr(ctx.log, Code.INTERNAL, 'failed to create join token registration entry', err);
          }
        }
        return { value: token, expires_at: expiry };
      },
    },
  };
}
