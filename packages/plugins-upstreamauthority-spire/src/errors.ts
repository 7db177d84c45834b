import { Code, nestedSpireWire, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** A failed gRPC call as grpc-go prints it, or the error's message for anything else. */
const rpc = (e: unknown) => (typeof (e as { code?: unknown })?.code === 'number' ? nestedSpireWire.rpcErrorText(e as Error & { code: number }) : msg(e));

/** Every coded error of UpstreamAuthority "spire" (messages as SPIRE's). */
export const SpireUpstreamErrors = {
  createSource: (detail: string, cause?: unknown) => spireError(Code.INTERNAL, `unable to create X509Source: ${detail}`, cause),
  dial: (cause: unknown) => spireError(Code.INTERNAL, `error dialing: ${msg(cause)}`, cause),
  newDownstreamX509CA: (cause: unknown) => spireError(Code.INTERNAL, `unable to request a new Downstream X509CA: ${rpc(cause)}`, cause),
  /** What SPIRE's client says when the answer's certificates do not parse (wrapped as the call's error). */
  parseCaChain: (cause: unknown) => spireError(Code.INTERNAL, `unable to request a new Downstream X509CA: rpc error: code = Internal desc = unable to parse CA cert chain: ${msg(cause)}`, cause),
  fetchBundle: (cause: unknown) => spireError(Code.INTERNAL, `failed to fetch bundle from upstream server: rpc error: code = Internal desc = failed to get bundle: ${rpc(cause)}`, cause),
  parseAuthorities: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse X.509 authorities: ${msg(cause)}`, cause),
  parseJwtKey: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse JWT authority: ${msg(cause)}`, cause),
  pushJwtAuthority: (cause: unknown) => spireError(Code.INTERNAL, `failed to push JWT authority: ${rpc(cause)}`, cause),
  closed: () => spireError(Code.UNAVAILABLE, 'the plugin is closed'),
} as const;
