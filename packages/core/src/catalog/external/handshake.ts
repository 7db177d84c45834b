import { ExternalErrors } from '../../plugins/external-errors.js';

/** go-plugin's core protocol version; both sides must speak exactly this. */
export const CORE_PROTOCOL_VERSION = 1;

/** SPIRE's application protocol version for every plugin type. */
export const APP_PROTOCOL_VERSION = 1;

/** What the plugin announced on its first stdout line. */
export interface Handshake {
  network: 'unix' | 'tcp';
  address: string;
  /** The gRPC target for grpc-js, e.g. `unix:///tmp/plugin123`. */
  target: string;
}

/**
 * The environment go-plugin's host gives a plugin: the magic cookie (SPIRE uses the plugin type
 * as both key and value), the TCP port range (used only where Unix sockets are not), the
 * protocol versions the host accepts, and where to create the Unix socket.
 */
export function handshakeEnv(type: string, socketDir: string): Record<string, string> {
  return {
    [type]: type,
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    PLUGIN_PROTOCOL_VERSIONS: String(APP_PROTOCOL_VERSION),
    PLUGIN_UNIX_SOCKET_DIR: socketDir,
  };
}

/**
 * Parses `CORE|APP|NETWORK|ADDR|PROTOCOL[|SERVER-CERT[|MUX]]`. Throws a SpireError naming the
 * problem (and quoting the line) when the versions, network or protocol are not what this host
 * speaks: core 1, app 1, unix or tcp, grpc.
 */
export function parseHandshakeLine(raw: string): Handshake {
  const line = raw.trim();
  const parts = line.split('|');
  if (parts.length < 4) throw ExternalErrors.badHandshake(line, 'unrecognized remote plugin message');
  if (parts[0] !== String(CORE_PROTOCOL_VERSION)) {
    throw ExternalErrors.badHandshake(line, `incompatible core API version with plugin: plugin version ${parts[0]}, core version ${CORE_PROTOCOL_VERSION}`);
  }
  if (parts[1] !== String(APP_PROTOCOL_VERSION)) {
    throw ExternalErrors.badHandshake(line, `incompatible API version with plugin: plugin version ${parts[1]}, client versions [${APP_PROTOCOL_VERSION}]`);
  }
  const network = parts[2];
  const address = parts[3] ?? '';
  if (network !== 'unix' && network !== 'tcp') throw ExternalErrors.badHandshake(line, `unknown address type: ${address}`);
  const protocol = parts[4] ?? 'netrpc';
  if (protocol !== 'grpc') throw ExternalErrors.badHandshake(line, `unsupported plugin protocol "${protocol}"; supported: [grpc]`);
  if (address === '') throw ExternalErrors.badHandshake(line, 'empty plugin address');
  const target = network === 'unix' ? `unix://${address.startsWith('/') ? '' : '/'}${address}` : address;
  return { network, address, target };
}
