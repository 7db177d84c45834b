import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { Code, SpireError, codeName, errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { countCall as timedCall, rpcMetricKey, type CallCounter, type Metrics } from '../telemetry/index.js';
import { AuditScope } from './audit.js';
import { authorize, type AuthorizedCaller, type AuthorizerDeps } from './authorization.js';
import { ipFromPeer, type CallerInfo, type Transport } from './caller.js';
import { StalePeerError, trustedPeerSvid } from './peer-cache.js';
import type { PerIpLimiter, CountFn } from './rate-limit.js';
import { toServiceError } from './status.js';
import { closeConnectionOf, tlsSocketOf, type AnyServerCall } from './tls.js';

/** What a handler knows about its call. */
export interface CallContext {
  /** `/package.Service/Method`. */
  method: string;
  caller: CallerInfo;
  authorized: AuthorizedCaller;
  /** A logger with the method and caller fields. */
  log: Logger;
  audit: AuditScope;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- requests and responses are protobuf plain objects */
/** A unary RPC handler: resolves with the response or throws (a SpireError becomes its status). */
export type UnaryHandler = (req: any, ctx: CallContext) => Promise<any>;
/** A server-streaming RPC handler: calls `send` per message, then resolves. */
export type ServerStreamHandler = (req: any, ctx: CallContext, send: (msg: any) => void) => Promise<void>;
/**
 * The two directions of a bidirectional stream as a handler sees them. `recv` resolves with the
 * next request, or undefined once the client has half-closed; it rejects when the client goes away.
 * `send` writes one response and resolves once grpc-js has taken it (honouring back-pressure).
 */
export interface BidiStream {
  recv(): Promise<any | undefined>;
  send(msg: any): Promise<void>;
}
/** A bidirectional-streaming RPC handler: reads and writes through `stream`, then resolves. */
export type BidiStreamHandler = (stream: BidiStream, ctx: CallContext) => Promise<void>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The implementation of one service: handlers by method name. Missing methods answer UNIMPLEMENTED. */
export interface ServiceHandlers {
  /** Full service name, e.g. `spire.api.server.entry.v1.Entry`. */
  service: string;
  unary: Record<string, UnaryHandler>;
  serverStream?: Record<string, ServerStreamHandler>;
  bidiStream?: Record<string, BidiStreamHandler>;
  /** Why a method is not offered, by method name (default "method X not implemented"). */
  unimplemented?: Record<string, string>;
}

/** What the call pipeline needs, per listener. */
export interface PipelineEnv {
  transport: Transport;
  log: Logger;
  authz: AuthorizerDeps;
  limits: ReadonlyMap<string, { limiter: PerIpLimiter; count: CountFn }>;
  /** Audit logger when audit_log_enabled. */
  auditLog?: Logger;
  /**
   * SHA-256 fingerprints (Node's `fingerprint256` form) of the roots a client SVID of trust
   * domain `td` may chain to. TLS accepts any configured root; this keeps one trust domain's CA
   * from vouching for another's IDs.
   */
  rootsFor?: (td: string) => ReadonlySet<string>;
  /**
   * Whether a root (by fingerprint) is still trusted for any trust domain. A call whose connection
   * was verified against a root trusted no more gets UNAVAILABLE and its connection is closed, so
   * that the client connects again (a Go client keeps its connection, and the certificate of its
   * handshake, until it breaks).
   */
  isTrustedRoot?: (fingerprint256: string) => boolean;
  /** Where the `rpc.<service>.<method>` call counters go; omitted or disabled: none are kept. */
  metrics?: Metrics;
}

function identify(call: AnyServerCall, env: PipelineEnv): CallerInfo {
  if (env.transport === 'uds') return { transport: 'uds', addr: call.getPeer(), ip: '' };
  const peer = call.getPeer();
  const info: CallerInfo = { transport: 'tcp', addr: peer, ip: ipFromPeer(peer) };
  const sock = tlsSocketOf(call);
  let svid;
  try {
    svid = sock ? trustedPeerSvid(sock, env.rootsFor, env.isTrustedRoot) : undefined;
  } catch (err) {
    if (err instanceof StalePeerError) closeConnectionOf(call);
    throw err;
  }
  if (svid) info.svid = svid;
  return info;
}

/**
 * The steps every call takes once its caller is known, whatever carried it (gRPC, the console):
 * a logger with the method and caller fields, an audit scope, authorization and the method's
 * rate limit. A refused call is recorded in the audit log before the error is thrown, so the
 * caller only finishes the audit of admitted calls. `signal` is read when a handler first asks
 * for the context's signal. Throws the authorization or rate-limit error (a SpireError).
 */
export async function admitCall(method: string, caller: CallerInfo, req: unknown, env: PipelineEnv, signal: () => AbortSignal, limitCalls?: CallCounter): Promise<CallContext> {
  const log = env.log.child({
    method,
    ...(caller.transport === 'tcp' ? { caller_addr: caller.ip } : {}),
    ...(caller.svid ? { caller_id: caller.svid.id.toString() } : {}),
    ...(caller.console ? { console_user: caller.console.user, console_remote: caller.console.remote } : {}),
  });
  const audit = new AuditScope(env.auditLog, caller, method);
  const ctx: CallContext = {
    method,
    caller,
    authorized: { as: 'any' },
    log,
    audit,
    get signal() {
      return signal();
    },
  };
  try {
    ctx.authorized = await authorize(method, caller, env.authz, log);
    const lim = env.limits.get(method);
    // SPIRE counts every pass through a limiter as `rateLimit.<service>.<method>`.
    if (lim) await (limitCalls ? timedCall(limitCalls, () => lim.limiter.wait(caller.ip, lim.count(req))) : lim.limiter.wait(caller.ip, lim.count(req)));
  } catch (err) {
    audit.finish(statusOf(err), req);
    throw err;
  }
  return ctx;
}

async function prepare(call: AnyServerCall, method: string, req: unknown, env: PipelineEnv, limitCalls?: CallCounter): Promise<CallContext> {
  let caller: CallerInfo;
  try {
    caller = identify(call, env);
  } catch (err) {
    env.log.warn({ method, caller_addr: call.getPeer(), error: errorMessage(err) }, 'Rejected a caller certificate');
    throw err;
  }
  // Most handlers never look at the signal: it is made on first use (an AbortController, and the
  // DOMException of its abort, cost more than the rest of a small call's context).
  let ac: AbortController | undefined;
  let cancelled = false;
  (call as grpc.ServerUnaryCall<unknown, unknown>).on('cancelled', () => {
    cancelled = true;
    ac?.abort();
  });
  const signal = () => {
    if (!ac) {
      ac = new AbortController();
      if (cancelled) ac.abort();
    }
    return ac.signal;
  };
  return admitCall(method, caller, req, env, signal, limitCalls);
}

/** The `rpc.*` and `rateLimit.*` call counters of one method, resolved once; none when metrics are off. */
export interface MethodCounters {
  calls?: CallCounter;
  limitCalls?: CallCounter;
}

/** Resolves a method's call counters (`method` is `/package.Service/Method`). Cheap enough per method, not per call. */
export function methodCounters(method: string, env: PipelineEnv): MethodCounters {
  return {
    calls: env.metrics?.enabled ? env.metrics.callCounter(['rpc', ...rpcMetricKey(method)]) : undefined,
    limitCalls: env.metrics?.enabled && env.limits.has(method) ? env.metrics.callCounter(['rateLimit', ...rpcMetricKey(method)]) : undefined,
  };
}

/**
 * Runs one unary call through the pipeline after `admit` (which identifies, authorizes and rate
 * limits it): the handler (UNIMPLEMENTED when `h` has none for `name`), then the audit record and
 * the `rpc.*` counter, for success and failure alike. Resolves with the handler's response;
 * rejects with what was thrown (an unexpected error is logged first).
 */
export async function runUnary(h: ServiceHandlers, name: string, req: unknown, admit: () => Promise<CallContext>, calls: CallCounter | undefined, log: Logger): Promise<unknown> {
  const t0 = calls ? performance.now() : 0;
  let ctx: CallContext | undefined;
  try {
    ctx = await admit();
    const unary = h.unary[name];
    if (!unary) throw new SpireError(Code.UNIMPLEMENTED, h.unimplemented?.[name] ?? `method ${name} not implemented`);
    const res: unknown = await unary(req, ctx);
    ctx.audit.finish({ code: 0, message: 'OK' }, req);
    countCall(calls, t0);
    return res;
  } catch (err) {
    logUnexpected(ctx?.log ?? log, err);
    ctx?.audit.finish(statusOf(err), req);
    countCall(calls, t0, err);
    throw err;
  }
}

function statusOf(err: unknown): { code: number; message: string } {
  const s = toServiceError(err);
  return { code: s.code ?? Code.UNKNOWN, message: s.details ?? '' };
}

/** Records a finished call in its `rpc.*` counter (`err` undefined: OK). */
function countCall(calls: CallCounter | undefined, t0: number, err?: unknown): void {
  if (!calls) return;
  calls.done(err === undefined ? 'OK' : codeName(toServiceError(err).code ?? Code.UNKNOWN), performance.now() - t0);
}

function logUnexpected(log: Logger, err: unknown): void {
  if (!(err instanceof SpireError)) log.error({ error: errorMessage(err), stack: (err as Error)?.stack }, 'Unexpected error in API handler');
}

/**
 * Reads a duplex call one message at a time: messages that arrive before they are asked for are
 * queued; after the client half-closes, reads resolve undefined; after an error or cancellation
 * they reject with CANCELLED.
 */
function streamReader(call: grpc.ServerDuplexStream<unknown, unknown>): () => Promise<unknown> {
  const queue: unknown[] = [];
  const waiting: Array<{ resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  // The error is made only when a read will see it: grpc-js reports 'cancelled' at the end of
  // every stream, and an error's stack trace costs more than the rest of a small call's reads.
  let failed: (() => Error) | undefined;
  call.on('data', (m: unknown) => {
    const w = waiting.shift();
    if (w) w.resolve(m);
    else queue.push(m);
  });
  call.on('end', () => {
    ended = true;
    for (const w of waiting.splice(0)) w.resolve(undefined);
  });
  const fail = (message: string) => {
    failed = () => new SpireError(Code.CANCELLED, message);
    if (waiting.length === 0) return;
    const e = failed();
    for (const w of waiting.splice(0)) w.reject(e);
  };
  call.on('error', () => fail('the stream failed'));
  call.on('cancelled', () => fail('the client went away'));
  return () => {
    if (queue.length > 0) return Promise.resolve(queue.shift());
    if (failed) return Promise.reject(failed());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

/**
 * Builds the grpc-js implementation of a service: every method of the definition runs caller
 * identification, authorization, rate limiting, the handler and the audit log; anything thrown
 * becomes a status (never an unhandled rejection). Methods without a handler answer
 * UNIMPLEMENTED after authorization. Safe to call once per server and service.
 */
export function buildService(def: grpc.ServiceDefinition, h: ServiceHandlers, env: PipelineEnv): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, md] of Object.entries(def)) {
    const method = md.path;
    // Resolved once per method: a call then only reads the clock twice and bumps two series.
    const { calls, limitCalls } = methodCounters(method, env);
    const stream = h.serverStream?.[name];
    if (!md.requestStream && !md.responseStream) {
      impl[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        runUnary(h, name, call.request, () => prepare(call, method, call.request, env, limitCalls), calls, env.log).then(
          (res) => cb(null, res),
          (err: unknown) => cb(toServiceError(err)),
        ).catch((err: unknown) => env.log.error({ error: errorMessage(err) }, 'Failed to answer a call'));
      }) as grpc.handleUnaryCall<unknown, unknown>;
    } else if (!md.requestStream && md.responseStream) {
      impl[name] = ((call: grpc.ServerWritableStream<unknown, unknown>) => {
        const t0 = calls ? performance.now() : 0;
        void (async () => {
          let ctx: CallContext | undefined;
          try {
            ctx = await prepare(call, method, call.request, env, limitCalls);
            if (!stream) throw new SpireError(Code.UNIMPLEMENTED, h.unimplemented?.[name] ?? `method ${name} not implemented`);
            await stream(call.request, ctx, (m) => call.write(m));
            ctx.audit.finish({ code: 0, message: 'OK' }, call.request);
            countCall(calls, t0);
            call.end();
          } catch (err) {
            logUnexpected(ctx?.log ?? env.log, err);
            ctx?.audit.finish(statusOf(err), call.request);
            countCall(calls, t0, err);
            call.emit('error', toServiceError(err));
          }
        })().catch((err: unknown) => env.log.error({ error: errorMessage(err) }, 'Failed to answer a call'));
      }) as grpc.handleServerStreamingCall<unknown, unknown>;
    } else {
      // Bidirectional and client streams (AttestAgent, SyncAuthorizedEntries). Authorization
      // runs before the first message is read, so callers learn about permissions first.
      const bidi = h.bidiStream?.[name];
      impl[name] = ((call: grpc.ServerDuplexStream<unknown, unknown>) => {
        const reader = streamReader(call);
        const t0 = calls ? performance.now() : 0;
        void (async () => {
          let ctx: CallContext | undefined;
          try {
            ctx = await prepare(call, method, {}, env, limitCalls);
            if (!bidi || !md.responseStream) throw new SpireError(Code.UNIMPLEMENTED, h.unimplemented?.[name] ?? `method ${name} not implemented`);
            await bidi(
              {
                recv: reader,
                send: (m) =>
                  new Promise<void>((resolve, reject) => {
                    if (call.cancelled || call.destroyed) {
                      reject(new SpireError(Code.CANCELLED, 'the client went away'));
                      return;
                    }
                    if (call.write(m)) resolve();
                    else call.once('drain', () => resolve());
                  }),
              },
              ctx,
            );
            ctx.audit.finish({ code: 0, message: 'OK' }, {});
            countCall(calls, t0);
            call.end();
          } catch (err) {
            logUnexpected(ctx?.log ?? env.log, err);
            ctx?.audit.finish(statusOf(err), {});
            countCall(calls, t0, err);
            call.emit('error', toServiceError(err));
          }
        })().catch((err: unknown) => env.log.error({ error: errorMessage(err) }, 'Failed to answer a call'));
      }) as grpc.handleBidiStreamingCall<unknown, unknown>;
    }
  }
  return impl;
}
