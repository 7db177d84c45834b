import { resolve } from 'node:path';
import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of UpstreamAuthority "spire". */
export interface SpireUpstreamConfig {
  /** Host name or IP address of the upstream SPIRE server. */
  serverAddress: string;
  /** Its port, a string as SPIRE has it. */
  serverPort: string;
  /** Absolute path of the Workload API socket the downstream server's SVID comes from. */
  workloadApiSocket: string;
}

/** SPIRE's message for the Windows-only named pipe option on Unix. */
const NAMED_PIPE_UNSUPPORTED = 'configuration: workload_api_named_pipe_name is not supported on this platform; please use workload_api_socket instead';

/**
 * Reads plugin_data as SPIRE's spire UpstreamAuthority does on Unix: `server_address`,
 * `server_port` (a string; a number is taken as HCL v1 takes it) and `workload_api_socket`
 * (made absolute) are required. The `experimental` block's `workload_api_named_pipe_name`
 * (Windows only) is refused with SPIRE's message, and `require_pq_kem = true` is refused because
 * Node's TLS cannot offer a post-quantum key exchange. Every problem is collected; unknown options
 * are refused.
 */
export function parseSpireUpstreamConfig(raw: PluginData): ParseResult<SpireUpstreamConfig> {
  const r = new ConfigReader(raw);
  const serverAddress = r.string('server_address') ?? '';
  const port = raw.server_port;
  const serverPort = typeof port === 'number' && Number.isInteger(port) ? (r.allow('server_port'), String(port)) : (r.string('server_port') ?? '');
  const socket = r.string('workload_api_socket') ?? '';
  const exp = r.block('experimental');
  if (exp) {
    if (exp.string('workload_api_named_pipe_name')) r.problem(NAMED_PIPE_UNSUPPORTED);
    if (exp.bool('require_pq_kem')) {
      r.problem(`experimental.require_pq_kem is not supported: Node.js ${process.versions.node} with OpenSSL ${process.versions.openssl} cannot require a post-quantum key exchange`);
    }
  }
  if (!serverAddress) r.problem('server_address is required');
  if (!serverPort) r.problem('server_port is required');
  if (!socket) r.problem('workload_api_socket is required');
  return r.result({ serverAddress, serverPort, workloadApiSocket: socket ? resolve(socket) : '' });
}
