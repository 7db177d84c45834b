import protobuf from 'protobufjs';

/** Decodes google.rpc.Status and spire.api.types.PermissionDeniedDetails with protobufjs. */
const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        rpc: { nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 }, details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 } } } } },
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
      },
    },
    spire: { nested: { api: { nested: { types: { nested: { PermissionDeniedDetails: { fields: { reason: { type: 'int32', id: 1 } } } } } } } } },
  },
});
const Status = root.lookupType('google.rpc.Status');
const Details = root.lookupType('spire.api.types.PermissionDeniedDetails');

/** spire.api.types.PermissionDeniedDetails.Reason names, as SPIRE's agent acts on them. */
export const DENIED_REASONS = ['UNKNOWN', 'AGENT_EXPIRED', 'AGENT_NOT_ATTESTED', 'AGENT_NOT_ACTIVE', 'AGENT_BANNED', 'AGENT_MUST_REATTEST'] as const;

/** A gRPC failure as the agent client reports it: the code, message and PermissionDenied reason. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    /** From the status details (grpc-status-details-bin), when the server sent one. */
    readonly deniedReason?: (typeof DENIED_REASONS)[number],
  ) {
    super(`rpc error: code = ${code} desc = ${details}`);
    this.name = 'RpcError';
  }
}

function reasonFrom(bin: unknown): RpcError['deniedReason'] {
  if (!Buffer.isBuffer(bin)) return undefined;
  const st = Status.toObject(Status.decode(bin), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
  for (const d of st.details) {
    if (d.type_url === 'type.googleapis.com/spire.api.types.PermissionDeniedDetails') {
      const r = (Details.toObject(Details.decode(d.value), { defaults: true }) as { reason: number }).reason;
      return DENIED_REASONS[r] ?? 'UNKNOWN';
    }
  }
  return undefined;
}

/** Turns a grpc-js error (a ServiceError) into an RpcError; anything else is returned as is. */
export function rpcError(err: unknown): Error {
  const e = err as { code?: number; details?: string; message?: string; metadata?: { get(k: string): unknown[] } };
  if (typeof e?.code === 'number') return new RpcError(e.code, e.details ?? e.message ?? '', reasonFrom(e.metadata?.get('grpc-status-details-bin')[0]));
  return err instanceof Error ? err : new Error(String(err));
}
