import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import {
  Code,
  SpireError,
  TrustDomain,
  type AnyPluginDescriptor,
  type BundlePublisher,
  type CredentialComposer,
  type HostServices,
  type KeyManager,
  type Logger,
  type NodeAttestor,
  type Notifier,
  type PluginData,
  type PluginType,
  type UpstreamAuthority,
  wire,
} from '@spire-ts/core/plugin';

import { decodePluginData } from './hcl-data.js';
import { pluginLogger } from './hclog-logger.js';
import { hostServicesClient } from './host-services-client.js';
import { PluginBroker } from './plugin-broker.js';
import { bundlePublisherService } from './bundlepublisher/service.js';
import { credentialComposerService } from './credentialcomposer/service.js';
import { unary } from './handlers.js';
import { keyManagerService } from './keymanager/service.js';
import { nodeAttestorService } from './nodeattestor/service.js';
import { notifierService } from './notifier/service.js';
import { upstreamAuthorityService } from './upstreamauthority/service.js';

const { APP_PROTOCOL_VERSION, CORE_PROTOCOL_VERSION, HOST_SERVICE_PROVIDER_ID, SERVICE_NAMES, pluginServiceDefinition } = wire;

/** Options of `serve`. */
export interface ServeOptions {
  /** The plugin's logger; defaults to hclog-style JSON on stderr, which the host re-logs. */
  log?: Logger;
  /** Level of the default logger (`trace`…`error`); default `debug` (the host filters). */
  logLevel?: string;
  /**
   * Turns `hcl_configuration`, the text the server sends (for SPIRE and this server: plugin_data
   * as HCL 1's printer lays it out, or plugin_data_file's text), into the data given to the
   * descriptor's `parseConfig`. Default `decodePluginData`. A plugin that wants the text as sent
   * supplies its own; what it throws is returned to the server as the Configure error.
   */
  decodeConfig?: (hclConfiguration: string) => PluginData;
}

type Instance = object & { close?: () => unknown };

function typeService(type: PluginType, get: () => Instance): UntypedServiceImplementation {
  switch (type) {
    case 'KeyManager':
      return keyManagerService(get as () => KeyManager);
    case 'NodeAttestor':
      return nodeAttestorService(get as () => NodeAttestor);
    case 'UpstreamAuthority':
      return upstreamAuthorityService(get as () => UpstreamAuthority);
    case 'Notifier':
      return notifierService(get as () => Notifier);
    case 'BundlePublisher':
      return bundlePublisherService(get as () => BundlePublisher);
    case 'CredentialComposer':
      return credentialComposerService(get as () => CredentialComposer);
    default:
      throw new Error(`plugin type ${type} cannot be served externally`);
  }
}

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * Serves a plugin descriptor as an external SPIRE server plugin, over HashiCorp go-plugin's
 * protocol as SPIRE speaks it: checks the magic cookie (the plugin type), listens on a Unix
 * socket, prints the handshake line on stdout, and serves the type's
 * `spire.plugin.server.<type>.v1` service with Config, the SDK's Init, go-plugin's broker,
 * controller and stdio, and gRPC health. Configure decodes `hcl_configuration`, runs the
 * descriptor's `parseConfig` (every problem is reported, as INVALID_ARGUMENT) and `create`;
 * a later Configure replaces the instance and closes the old one.
 *
 * Call once, as the last statement of the plugin's executable. Exits the process with status 1
 * when it is not started by a SPIRE host (no magic cookie), and with 0 when the host shuts it
 * down or the host process disappears.
 */
export async function serve(descriptor: AnyPluginDescriptor, options: ServeOptions = {}): Promise<void> {
  const type = descriptor.type;
  if (type === 'DataStore') refuse('A DataStore cannot be an external plugin: SPIRE only supports its built-in sql DataStore.');
  if (process.env[type] !== type) {
    refuse(
      `This program is a SPIRE server ${type} plugin ("${descriptor.name}"). It is not meant to be run directly: ` +
        'declare it in the plugins section of server.conf with plugin_cmd (and plugin_checksum), and the server starts it.',
    );
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS ?? '').split(',').filter((v) => v !== '');
  if (versions.length > 0 && !versions.includes(String(APP_PROTOCOL_VERSION))) {
    // As go-plugin: announce our version anyway and let the host report the mismatch.
    process.stderr.write(`host offers plugin protocol versions ${versions.join(',')}; this plugin speaks ${APP_PROTOCOL_VERSION}\n`);
  }

  const log = options.log ?? pluginLogger(options.logLevel ?? 'debug');
  const broker = new PluginBroker();
  let instance: Instance | undefined;
  let host: HostServices = {};
  let closeHost: (() => void) | undefined;
  const current = (): Instance => {
    if (!instance) throw new SpireError(Code.FAILED_PRECONDITION, 'plugin not configured');
    return instance;
  };
  const closeInstance = async (inst: Instance | undefined) => {
    if (inst && typeof inst.close === 'function') {
      try {
        await inst.close();
      } catch (err) {
        log.error({ error: (err as Error).message }, 'Plugin implementation failed to deinitialize');
      }
    }
  };

  const server = new Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const socketDir = process.env.PLUGIN_UNIX_SOCKET_DIR || tmpdir();
  const socketPath = join(socketDir, `plugin${randomInt(100_000_000, 999_999_999)}`);
  const stdioCalls = new Set<ServerWritableStream<unknown, unknown>>();

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.debug({ reason: why }, 'Plugin shutting down');
    await closeInstance(instance);
    instance = undefined;
    closeHost?.();
    broker.close();
    for (const c of stdioCalls) c.end();
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000);
      server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    });
    rmSync(socketPath, { force: true });
    process.exit(0);
  };

  server.addService(pluginServiceDefinition('health'), {
    Check: unary(async (req: wire.msg.HealthCheckRequest__Output): Promise<wire.msg.HealthCheckResponse> => {
      if (req.service === '' || req.service === 'plugin') return { status: 'SERVING' };
      throw new SpireError(Code.NOT_FOUND, `unknown service ${req.service}`);
    }),
    Watch: (call: ServerWritableStream<wire.msg.HealthCheckRequest__Output, wire.msg.HealthCheckResponse>) => {
      call.write({ status: 'SERVING' });
    },
  });
  server.addService(pluginServiceDefinition('broker'), broker.service);
  server.addService(pluginServiceDefinition('controller'), {
    Shutdown: unary(async () => {
      setImmediate(() => void shutdown('controller'));
      return {};
    }),
  });
  server.addService(pluginServiceDefinition('stdio'), {
    // Output goes to the real stderr (hclog lines), so there is nothing to relay; the stream
    // stays open until shutdown so the host does not see an error.
    StreamStdio: (call: ServerWritableStream<unknown, unknown>) => {
      stdioCalls.add(call);
      call.on('cancelled', () => stdioCalls.delete(call));
    },
  });
  server.addService(pluginServiceDefinition('init'), {
    Init: unary(async (req: wire.msg.InitRequest__Output): Promise<wire.msg.InitResponse> => {
      const offered = req.hostServiceNames ?? [];
      if (offered.length > 0 && !closeHost) {
        try {
          const target = await broker.target(HOST_SERVICE_PROVIDER_ID);
          const hs = hostServicesClient(target, offered, log);
          host = hs.host;
          closeHost = hs.close;
        } catch (err) {
          log.warn({ error: (err as Error).message }, 'Host services are not reachable; continuing without them');
        }
      }
      return { pluginServiceNames: [SERVICE_NAMES[type as keyof typeof SERVICE_NAMES], SERVICE_NAMES.config] };
    }),
    Deinit: unary(async () => {
      const old = instance;
      instance = undefined;
      await closeInstance(old);
      return {};
    }),
  });

  const parse = (req: wire.msg.ConfigureRequest__Output | wire.msg.ValidateRequest__Output) => {
    const tdName = req.coreConfiguration?.trustDomain ?? '';
    if (tdName === '') throw new SpireError(Code.INVALID_ARGUMENT, 'server core configuration must contain trust_domain');
    let trustDomain: TrustDomain;
    try {
      trustDomain = TrustDomain.parse(tdName);
    } catch (err) {
      throw new SpireError(Code.INVALID_ARGUMENT, `trust_domain is malformed: ${(err as Error).message}`);
    }
    const data = (options.decodeConfig ?? decodePluginData)(req.hclConfiguration ?? '');
    const parsed = descriptor.parseConfig(data, { trustDomain, dataDir: process.cwd() });
    return { trustDomain, parsed };
  };
  server.addService(pluginServiceDefinition('config'), {
    Configure: unary(async (req: wire.msg.ConfigureRequest__Output) => {
      const { trustDomain, parsed } = parse(req);
      if (parsed.problems.length > 0 || parsed.config === undefined) {
        throw new SpireError(Code.INVALID_ARGUMENT, `invalid configuration: ${parsed.problems.join('; ')}`);
      }
      const next = (await descriptor.create({ config: parsed.config, log, trustDomain, dataDir: process.cwd(), host })) as Instance;
      const old = instance;
      instance = next;
      await closeInstance(old);
      return {};
    }),
    Validate: unary(async (req: wire.msg.ValidateRequest__Output): Promise<wire.msg.ValidateResponse> => {
      try {
        const { parsed } = parse(req);
        return { valid: parsed.problems.length === 0, notes: parsed.problems };
      } catch (err) {
        return { valid: false, notes: [(err as Error).message] };
      }
    }),
  });
  server.addService(pluginServiceDefinition(type as 'KeyManager'), typeService(type, current));

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });
  // A crash is reported through the log (at error level in the server's log) before exiting.
  process.on('uncaughtException', (err) => {
    log.error({ error: err.message, stack: err.stack }, 'Plugin crashed');
    process.exit(1);
  });
  // Ctrl-C in the server's terminal reaches the plugin too; the host decides when it stops.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('exit', () => rmSync(socketPath, { force: true }));
  // No PDEATHSIG in Node: notice a vanished host by our parent changing.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('host process exited');
  }, 1000).unref();

  process.stdout.write(`${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|unix|${socketPath}|grpc|\n`);
}
