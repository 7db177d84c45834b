import { X509Certificate } from 'node:crypto';
import { Code, SpireError, errorMessage } from '../../errors.js';
import type { AttestedNode, Selector } from '../../plugins/datastore/contract.js';
import type { AgentAttributes } from '../../plugins/nodeattestor/contract.js';
import type { AttestAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/AttestAgentRequest.js';
import type { RenewAgentRequest__Output } from '../../proto/gen/api/spire/api/server/agent/v1/RenewAgentRequest.js';
import type { X509SVID } from '../../proto/gen/api/spire/api/types/X509SVID.js';
import { SpiffeId, agentId as makeAgentId, serverId } from '../../spiffeid/index.js';
import { BadCsrError } from '../../ca/errors.js';
import { parseCsr } from '../convert/csr.js';
import { dedupeSelectors } from '../convert/selectors.js';
import { DeniedReason, withDeniedReason } from '../denied-details.js';
import { protoFromId } from '../convert/ids.js';
import type { BidiStream, CallContext } from '../handler.js';
import { makeErr, storeCode } from '../status.js';
import type { ApiDeps } from './deps.js';

/** The name under which join tokens attest; always available, configured or not (as SPIRE). */
export const JOIN_TOKEN = 'join_token';

type ProtoAttestRequest = AttestAgentRequest__Output;

/** spire.api.types.X509SVID for a signed chain, as handed to proto-loader (generated). */
export type ProtoX509Svid = X509SVID;

/** The issued chain's first certificate: decimal serial (as SPIRE stores it) and expiry (s). */
function leafFacts(chain: Uint8Array[]): { serial: string; notAfter: number } {
  const leaf = new X509Certificate(Buffer.from(chain[0]!));
  return { serial: BigInt(`0x${leaf.serialNumber}`).toString(10), notAfter: Math.floor(new Date(leaf.validTo).getTime() / 1000) };
}

/**
 * Signs an agent X509-SVID for `agentId` from a DER CSR (only its public key is used, as SPIRE).
 * Throws INVALID_ARGUMENT "failed to parse CSR" (as SPIRE) or "invalid CSR signature" (a CSR the
 * CA refuses: see `signAgentX509Svid`), or INTERNAL "failed to sign X509 SVID".
 */
export async function signAgentSvid(deps: ApiDeps, ctx: CallContext, agentId: string, csr: Uint8Array): Promise<{ svid: ProtoX509Svid; serial: string; notAfter: number }> {
  try {
    parseCsr(csr);
  } catch (err) {
    throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to parse CSR', err);
  }
  let chain: Uint8Array[];
  try {
    chain = (await deps.ca.signAgentX509Svid({ spiffeId: agentId, csr })).certChain;
  } catch (err) {
    // SPIRE signs an agent CSR without checking its signature; the CA here checks it (with SPIRE's
    // rules for workload CSRs: csr-policy.ts), and a refusal is the caller's fault.
    if (err instanceof BadCsrError) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'invalid CSR signature', new Error(err.detail));
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to sign X509 SVID', err);
  }
  const { serial, notAfter } = leafFacts(chain);
  return { svid: { id: protoFromId(agentId), cert_chain: chain, expires_at: notAfter }, serial, notAfter };
}

function validateParams(p: ProtoAttestRequest['params']): string | undefined {
  if (!p) return 'missing params';
  if (!p.data) return 'missing attestation data';
  if (!p.params) return 'missing X509-SVID parameters';
  if (!p.params.csr || p.params.csr.length === 0) return 'missing CSR';
  if (!p.data.type) return 'missing attestation data type';
  if (!p.data.payload || p.data.payload.length === 0) return 'missing attestation data payload';
  return undefined;
}

/**
 * join_token attestation, done by the API as SPIRE does: the token is consumed atomically (of two
 * concurrent attestations with one token exactly one gets it), an expired token is consumed and
 * refused. Agent ID `spiffe://<td>/spire/agent/join_token/<token>`; never re-attestable.
 */
async function attestJoinToken(deps: ApiDeps, ctx: CallContext, token: string): Promise<AgentAttributes> {
  let id: string;
  try {
    id = makeAgentId(deps.trustDomain, 'join_token', token).toString();
  } catch (err) {
    // No token that cannot form an ID can have been created.
    ctx.log.warn({ error: errorMessage(err) }, 'Join token cannot form an agent ID');
    throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used');
  }
  let found;
  try {
    found = await deps.dataStore.consumeJoinToken(token);
  } catch (err) {
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to delete join token', err);
  }
  if (!found) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used');
  // SPIRE compares the stored second with a clock to the nanosecond (Expiry.Before(now)), so a
  // token is expired from the first instant after its expiry, not from the next whole second.
  const nowMs = deps.now ? deps.now() * 1000 : Date.now();
  if (found.expiry * 1000 < nowMs) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'join token expired');
  return { spiffeId: id, selectorValues: [], canReattest: false };
}

/** Runs a configured NodeAttestor, relaying its challenges over the stream. */
async function attestWithPlugin(deps: ApiDeps, ctx: CallContext, stream: BidiStream, type: string, payload: Uint8Array): Promise<AgentAttributes> {
  const attestor = deps.nodeAttestors?.(type);
  if (!attestor) throw makeErr(ctx.log, Code.FAILED_PRECONDITION, 'error getting node attestor', new Error(`could not find node attestor type "${type}"`));
  try {
    return await attestor.attest(
      payload,
      async (challenge) => {
        try {
          await stream.send({ challenge: Buffer.from(challenge) });
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to send challenge to agent', err);
        }
        let resp: ProtoAttestRequest | undefined;
        try {
          resp = (await stream.recv()) as ProtoAttestRequest | undefined;
        } catch (err) {
          throw makeErr(ctx.log, Code.INTERNAL, 'failed to receive challenge from agent', err);
        }
        if (!resp) throw makeErr(ctx.log, Code.INTERNAL, 'failed to receive challenge from agent', new Error('EOF'));
        return resp.challenge_response ?? Buffer.alloc(0);
      },
      { clientIp: ctx.caller.ip || undefined },
    );
  } catch (err) {
    // The catalog's wrapper has already prefixed it (`nodeattestor(<name>): `).
    if (err instanceof SpireError) throw makeErr(ctx.log, err.code, err.message);
    throw makeErr(ctx.log, Code.INTERNAL, errorMessage(err));
  }
}

/**
 * AttestAgent: reads the params, attests with join_token or the named NodeAttestor (challenge
 * rounds over the stream), checks the agent ID, refuses banned agents and agents that may not
 * re-attest, signs the agent SVID, stores the node selectors and the attested node (node events
 * are written by the store), and sends the result. Errors are SpireErrors with SPIRE's codes.
 */
export async function attestAgent(deps: ApiDeps, stream: BidiStream, ctx: CallContext): Promise<void> {
  const { dataStore: ds, trustDomain: td } = deps;
  let req: ProtoAttestRequest | undefined;
  try {
    req = (await stream.recv()) as ProtoAttestRequest | undefined;
  } catch (err) {
    throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to receive request from stream', err);
  }
  if (!req) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'failed to receive request from stream', new Error('EOF'));
  const problem = validateParams(req.params);
  if (problem) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'malformed param', new Error(problem));
  const data = req.params!.data!;
  const csr = req.params!.params!.csr;
  const log = ctx.log.child({ node_attestor_type: data.type });
  const lctx = { ...ctx, log };

  const result = data.type === JOIN_TOKEN ? await attestJoinToken(deps, lctx, data.payload.toString('utf8')) : await attestWithPlugin(deps, lctx, stream, data.type, data.payload);

  let agentId: SpiffeId;
  try {
    agentId = SpiffeId.parse(result.spiffeId);
    if (!agentId.memberOf(td)) throw new Error(`"${agentId}" is not a member of trust domain "${td}"`);
  } catch (err) {
    throw makeErr(log, Code.INTERNAL, 'invalid agent ID', err);
  }
  const id = agentId.toString();
  const alog = log.child({ agent_id: id });
  if (id === serverId(td).toString()) throw makeErr(alog, Code.INTERNAL, 'agent ID cannot collide with the server ID');
  if (!agentId.path.startsWith(`/spire/agent/${data.type}/`)) {
    alog.warn('The node attestor produced an invalid agent ID; future releases will enforce that agent IDs are within the reserved agent namespace for the node attestor');
  }

  let existing: AttestedNode | undefined;
  try {
    existing = await ds.fetchAttestedNode(id);
  } catch (err) {
    throw makeErr(alog, Code.INTERNAL, 'failed to fetch agent', err);
  }
  if (existing && existing.certSerialNumber === '') throw makeErr(alog, Code.PERMISSION_DENIED, 'failed to attest: agent is banned');
  if (existing && !existing.canReattest) {
    // Only `agent evict` (which deletes the node) lets such an agent attest again.
    throw makeErr(alog, Code.PERMISSION_DENIED, 'failed to attest: attestation data has already been used to attest an agent');
  }

  const signed = await signAgentSvid(deps, { ...ctx, log: alog }, id, csr);

  const selectors: Selector[] = result.selectorValues.map((value) => ({ type: data.type, value }));
  if (deps.agentSpiffeIdAsSelector) selectors.push({ type: 'spiffe_id', value: id });
  try {
    // The store keeps the order it is given; SPIRE stores an agent's selectors deduplicated and sorted.
    await ds.setNodeSelectors(id, dedupeSelectors(selectors));
  } catch (err) {
    throw makeErr(alog, Code.INTERNAL, 'failed to update selectors', err);
  }

  if (!existing) {
    try {
      await ds.createAttestedNode({
        spiffeId: id,
        attestationDataType: data.type,
        certSerialNumber: signed.serial,
        certNotAfter: signed.notAfter,
        newCertSerialNumber: '',
        newCertNotAfter: 0,
        canReattest: result.canReattest,
        agentVersion: '',
        selectors: [],
      });
    } catch (err) {
      // Two attestations of one new agent raced; the loser must not overwrite the winner's serial.
      if (storeCode(err) === Code.ALREADY_EXISTS) throw makeErr(alog, Code.ABORTED, 'failed to create attested agent', err);
      throw makeErr(alog, Code.INTERNAL, 'failed to create attested agent', err);
    }
  } else {
    try {
      await ds.updateAttestedNode(
        { ...existing, certSerialNumber: signed.serial, certNotAfter: signed.notAfter, newCertSerialNumber: '', newCertNotAfter: 0, canReattest: result.canReattest },
        { certSerialNumber: true, certNotAfter: true, newCertSerialNumber: true, newCertNotAfter: true, canReattest: true },
      );
    } catch (err) {
      throw makeErr(alog, Code.INTERNAL, 'failed to update attested agent', err);
    }
  }

  alog.info({ address: ctx.caller.addr }, 'Agent attestation request completed');
  try {
    await stream.send({ result: { svid: signed.svid, reattestable: result.canReattest } });
  } catch (err) {
    throw makeErr(alog, Code.INTERNAL, 'failed to send response over stream', err);
  }
}

/**
 * RenewAgent: signs a new SVID for the calling agent and records it as the node's new serial; the
 * authorizer promotes it to current on the agent's first call with it (as SPIRE). Re-attestable
 * agents must re-attest instead (PERMISSION_DENIED).
 */
export async function renewAgent(deps: ApiDeps, req: RenewAgentRequest__Output, ctx: CallContext): Promise<{ svid: ProtoX509Svid }> {
  const callerId = ctx.caller.svid?.id.toString();
  if (!callerId) throw makeErr(ctx.log, Code.INTERNAL, 'caller ID missing from request context');
  let node: AttestedNode | undefined;
  try {
    node = await deps.dataStore.fetchAttestedNode(callerId);
  } catch (err) {
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to fetch agent', err);
  }
  if (!node) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found');
  if (node.canReattest) throw withDeniedReason(makeErr(ctx.log, Code.PERMISSION_DENIED, 'agent must reattest instead of renew'), DeniedReason.AGENT_MUST_REATTEST);
  ctx.log.info('Renewing agent SVID');
  if (!req.params) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'params cannot be nil');
  if (!req.params.csr || req.params.csr.length === 0) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'missing CSR');
  const signed = await signAgentSvid(deps, ctx, callerId, req.params.csr);
  try {
    await deps.dataStore.updateAttestedNode(
      { ...node, newCertSerialNumber: signed.serial, newCertNotAfter: signed.notAfter },
      { newCertSerialNumber: true, newCertNotAfter: true },
    );
  } catch (err) {
    if (storeCode(err) === Code.NOT_FOUND) throw makeErr(ctx.log, Code.NOT_FOUND, 'agent not found', err);
    throw makeErr(ctx.log, Code.INTERNAL, 'failed to update agent', err);
  }
  return { svid: signed.svid };
}
