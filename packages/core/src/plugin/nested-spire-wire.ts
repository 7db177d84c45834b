import type * as grpc from '@grpc/grpc-js';
import { clientConstructor, Services } from '../api/proto.js';
import { children } from '../der.js';
import { codeName } from '../errors.js';
import { findService, lazyProtoRoot } from '../proto/loader.js';
import { protoSet } from '../proto/sets.js';

const workloadSet = protoSet('workload');
const loadWorkloadProto = lazyProtoRoot(workloadSet.files, workloadSet.options);

/** The Workload API service's full name (it has no proto package). */
const WORKLOAD_SERVICE = 'SpiffeWorkloadAPI';

/**
 * The wire a nested SPIRE deployment speaks, for UpstreamAuthority "spire" (the client side) and
 * for a Workload API server in tests (the test agent): the server API's Bundle and SVID services
 * (messages as the server's own API carries them: proto field names, bytes as Buffers) and the
 * Workload API's FetchX509SVID (same conventions). The .proto files are read on first use; the
 * functions throw when they cannot be read.
 */
export const nestedSpireWire = {
  /** The metadata header every Workload API call carries, with the value `true`. */
  workloadHeader: 'workload.spiffe.io',
  /** A client constructor of the upstream server's `spire.api.server.bundle.v1.Bundle`. */
  bundleClient: (): grpc.ServiceClientConstructor => clientConstructor(Services.bundle),
  /** A client constructor of the upstream server's `spire.api.server.svid.v1.SVID`. */
  svidClient: (): grpc.ServiceClientConstructor => clientConstructor(Services.svid),
  /** A client constructor of `SpiffeWorkloadAPI`; its `.service` is the definition a server adds. */
  workloadClient: (): grpc.ServiceClientConstructor => findService(loadWorkloadProto(), WORKLOAD_SERVICE),
  /**
   * A failed call worded as grpc-go prints it (`rpc error: code = PermissionDenied desc = ...`),
   * which SPIRE's messages embed.
   */
  rpcErrorText: (err: { code?: number; details?: string; message: string }): string =>
    `rpc error: code = ${codeName(err.code ?? 2)} desc = ${err.details ?? err.message}`,
  /**
   * The DER values of a Workload API certificates field (DER certificates concatenated, as
   * `x509_svid` and `bundle` carry them). Throws on truncated input or a value that is not a
   * SEQUENCE; it does not parse the certificates.
   */
  splitCertificates: (der: Uint8Array): Uint8Array[] =>
    children(der).map((t) => {
      if (t.tag !== 0x30) throw new Error('not a DER certificate');
      return t.raw;
    }),
} as const;
