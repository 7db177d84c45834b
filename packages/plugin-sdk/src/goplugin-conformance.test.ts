import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { credentials, Metadata, Server, ServerCredentials, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { wire } from '@spire-ts/core/plugin';

import { testPluginPath } from './test-plugins/paths.js';

const { SERVICE_NAMES, serviceCtor, pluginServiceDefinition } = wire;
type ServiceKey = wire.ServiceKey;

/**
 * Drives an SDK plugin the way SPIRE's Go host does through go-plugin, step by step and without
 * this project's host code: SPIRE's environment (no PLUGIN_UNIX_SOCKET_DIR), the stdout line,
 * StartStream + StreamStdio, the host services listening in the temp dir and announced as broker
 * ID 1, Init, Configure, a call, Deinit, then the controller's Shutdown.
 */
describe('SDK plugin under a go-plugin host flow (as SPIRE drives it)', () => {
  it('follows the protocol from handshake to shutdown', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, KeyManager: 'KeyManager', PLUGIN_MIN_PORT: '10000', PLUGIN_MAX_PORT: '25000', PLUGIN_PROTOCOL_VERSIONS: '1' };
    delete env.PLUGIN_UNIX_SOCKET_DIR;
    const child = spawn(testPluginPath('keymanager-plugin'), [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));

    // go-plugin's format: CORE|APP|NETWORK|ADDR|PROTOCOL|SERVER-CERT (empty without AutoMTLS).
    const m = /^1\|1\|unix\|(.+)\|grpc\|$/.exec(line);
    assert.ok(m, `handshake line ${JSON.stringify(line)}`);
    const socket = m[1]!;
    assert.ok(socket.startsWith(`${tmpdir()}/plugin`), socket);

    const target = `unix://${socket}`;
    const clients: Client[] = [];
    const client = (key: ServiceKey) => {
      const Ctor = serviceCtor(key);
      const c = new Ctor(target, credentials.createInsecure());
      clients.push(c);
      return c as unknown as Record<string, (...a: unknown[]) => unknown>;
    };
    const call = <T>(key: ServiceKey, method: string, req: object) =>
      new Promise<T>((resolve, reject) => {
        const c = client(key);
        c[method]!.call(c, req, new Metadata(), {}, (err: unknown, res: T) => (err ? reject(err) : resolve(res)));
      });

    assert.deepEqual(await call('health', 'Check', { service: 'plugin' }), { status: 'SERVING' });
    const stdio = client('stdio').StreamStdio!.call(clients.at(-1), {}) as ClientDuplexStream<object, object>;
    stdio.on('error', () => undefined);
    const broker = client('broker').StartStream!.call(clients.at(-1)) as ClientDuplexStream<object, object>;
    broker.on('error', () => undefined);

    // Host services, served by "the host" on a socket in the temp dir, announced as ID 1.
    const hostSocket = `${tmpdir()}/plugin-host-${process.pid}`;
    const hostServer = new Server();
    hostServer.addService(pluginServiceDefinition('agentStore'), {
      GetAgentInfo: (_c: unknown, cb: (e: null, r: object) => void) => cb(null, { info: { agentId: 'x' } }),
    });
    await new Promise<void>((r, j) => hostServer.bindAsync(`unix://${hostSocket}`, ServerCredentials.createInsecure(), (e) => (e ? j(e) : r())));
    broker.write({ serviceId: 1, network: 'unix', address: hostSocket });

    const init = await call<{ pluginServiceNames: string[] }>('init', 'Init', { hostServiceNames: [SERVICE_NAMES.agentStore] });
    assert.deepEqual(init.pluginServiceNames, [SERVICE_NAMES.KeyManager, SERVICE_NAMES.config]);

    // SPIRE sends a plugin_data block's members as printed by HCL 1's printer (no braces).
    await call('config', 'Configure', { coreConfiguration: { trustDomain: 'example.org' }, hclConfiguration: 'crash_on_key_id = "never"' });
    const gen = await call<{ publicKey: { id: string; type: string } }>('KeyManager', 'GenerateKey', { keyId: 'k1', keyType: 'EC_P256' });
    assert.deepEqual([gen.publicKey.id, gen.publicKey.type], ['k1', 'EC_P256']);

    // Validate runs parseConfig only.
    assert.deepEqual(
      await call('config', 'Validate', { coreConfiguration: { trustDomain: 'example.org' }, hclConfiguration: 'bogus = 1' }),
      { valid: false, notes: ['unknown option bogus'] },
    );
    // A second Configure (SPIRE's reconfiguration) replaces the instance: the old keys are gone.
    await call('config', 'Configure', { coreConfiguration: { trustDomain: 'example.org' }, hclConfiguration: '' });
    // An unknown key is an empty answer, as SPIRE's own key managers give it.
    assert.deepEqual(await call('KeyManager', 'GetPublicKey', { keyId: 'k1' }), { publicKey: null });
    await assert.rejects(call('config', 'Configure', { coreConfiguration: { trustDomain: '' }, hclConfiguration: '' }), {
      code: 3,
      details: 'server core configuration must contain trust_domain',
    });

    await call('init', 'Deinit', {});
    await assert.rejects(call('KeyManager', 'GetPublicKeys', {}), { code: 9, details: 'plugin not configured' });
    await call('controller', 'Shutdown', {}).catch(() => undefined);
    assert.equal(await exited, 0);
    assert.equal(existsSync(socket), false, 'the plugin removes its socket');
    // The plugin found the brokered host services (it logs a warning when it cannot).
    assert.doesNotMatch(stderr, /Host services are not reachable/);
    assert.match(stderr, /"@message":"Memory test key manager configured"/);
    for (const c of clients) c.close();
    hostServer.forceShutdown();
  });

  it('refuses to run without the magic cookie, as go-plugin plugins do', async () => {
    const child = spawn(testPluginPath('keymanager-plugin'), [], { env: { ...process.env, KeyManager: 'wrong' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /SPIRE server KeyManager plugin \("memory_test"\)\. It is not meant to be run directly/);
  });
});
