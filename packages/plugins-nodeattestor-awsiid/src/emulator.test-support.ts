import { tmpdir } from 'node:os';
import type { NodeAttestorHarness } from '@spire-ts/core/plugin/testing';
import { TrustDomain, silentLogger, type HostServices, type NodeAttestor, type PluginData } from '@spire-ts/core/plugin';
import { AwsEmulator, buildIidDocument, iidPayload, type Ec2Instance, type Ec2InstanceSeed, type IidSigner } from '@spire-ts/emulator-aws';
import { makeAwsIidNodeAttestor, type AwsIidInternalOptions } from './index.js';

// Test support for aws_iid's tests against the AWS emulator (not shipped behaviour).

export const td = TrustDomain.parse('example.org');
export const ACCOUNT = '111122223333';
export const REGION = 'us-west-2';
/** Launch time of seeded instances (root volume and ENI attached then unless a test says otherwise). */
export const LAUNCH = new Date('2026-01-01T00:00:00Z');

/** The emulator with process.env pointing every AWS SDK client at it, and its test signer. */
export interface AwsTestEnv {
  aws: AwsEmulator;
  signer: IidSigner;
  close(): Promise<void>;
}

/** Starts the emulator (account {@link ACCOUNT}, region {@link REGION}) and points the SDK at it. */
export async function startAws(): Promise<AwsTestEnv> {
  const aws = await AwsEmulator.start({ accountId: ACCOUNT, region: REGION });
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(aws.env())) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const signer = await aws.ec2.iidSigner();
  return {
    aws,
    signer,
    close: async () => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await aws.close();
    },
  };
}

/** An AgentStore host service over a set of attested agent IDs (add to it to attest). */
export function agentStore(ids: Set<string> = new Set()): HostServices & { ids: Set<string> } {
  return { ids, agentStore: { getAgentInfo: async (id) => (ids.has(id) ? { agentId: id } : undefined) } };
}

/**
 * aws_iid built through its descriptor, as the catalog does, with the test signer's certificate
 * as the region certificate of us-west-2 and eu-west-1, one SDK attempt and a 5 s deadline.
 */
export async function makeAttestor(
  env: AwsTestEnv,
  data: PluginData = {},
  o: { host?: HostServices; opts?: AwsIidInternalOptions } = {},
): Promise<NodeAttestor> {
  const d = makeAwsIidNodeAttestor({ regionCerts: env.signer.certsByRegion([REGION, 'eu-west-1']), maxAttempts: 1, timeoutMs: 5000, ...o.opts });
  const r = d.parseConfig(data, { trustDomain: td, dataDir: tmpdir() });
  if (!r.config) throw new Error(r.problems.join('; '));
  return d.create({ config: r.config, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: o.host ?? agentStore() });
}

let seq = 0;

/** A fresh instance ID. */
export function newInstanceId(): string {
  return `i-${(0x0a000000 + ++seq).toString(16).padStart(17, '0')}`;
}

/**
 * Seeds a running instance with tags, a security group and an instance profile holding one
 * role, root volume and primary ENI attached at {@link LAUNCH}.
 */
export function seedInstance(env: AwsTestEnv, seed: Partial<Ec2InstanceSeed> = {}): Ec2Instance {
  const profile = env.aws.iam.putInstanceProfile('web-profile', [`arn:aws:iam::${seed.accountId ?? ACCOUNT}:role/web-role`], {
    accountId: seed.accountId ?? ACCOUNT,
    path: '/team/',
  });
  return env.aws.ec2.putInstance({
    instanceId: newInstanceId(),
    accountId: ACCOUNT,
    region: REGION,
    imageId: 'ami-0abc',
    launchTime: LAUNCH,
    tags: { Name: 'web-1', env: 'prod' },
    securityGroups: [{ id: 'sg-0123', name: 'web' }],
    instanceProfileArn: profile.arn,
    ...seed,
  });
}

/** The agent payload of an instance, signed by the emulator's test signer. */
export async function payloadOf(env: AwsTestEnv, instanceId: string): Promise<Uint8Array> {
  return iidPayload(await env.aws.ec2.attestationData(instanceId));
}

/**
 * The NodeAttestor contract's harness for `attestor` over `env`: each valid payload is a new
 * seeded instance's; the invalid ones are malformed or forged (another document under a valid
 * PKCS#7 or RSA signature).
 */
export function contractHarness(env: AwsTestEnv, attestor: NodeAttestor): NodeAttestorHarness {
  return {
    attestor,
    trustDomain: td,
    challenges: false,
    valid: async () => ({ payload: await payloadOf(env, seedInstance(env).instanceId), respond: async () => new Uint8Array() }),
    invalid: async () => {
      const mine = await env.aws.ec2.attestationData(seedInstance(env).instanceId);
      const other = buildIidDocument({ accountId: '999988887777', region: REGION, instanceId: 'i-0ffffffffffffffff' });
      return [
        { name: 'empty', payload: new Uint8Array() },
        { name: 'not JSON', payload: new TextEncoder().encode('nope') },
        { name: 'no signature', payload: iidPayload({ document: mine.document, signature: '', rsa2048: '' }) },
        { name: 'PKCS#7 of another document', payload: iidPayload({ ...mine, document: other }) },
        { name: 'RSA signature of another document', payload: iidPayload({ document: other, signature: mine.signature, rsa2048: '' }) },
      ];
    },
    close: async () => {},
  };
}
