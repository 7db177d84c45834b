/**
 * Secrets Manager (JSON 1.1, `secretsmanager.<Operation>`): secrets with a string or a binary
 * value, found by name, full ARN or partial ARN (without the random suffix). CreateSecret,
 * PutSecretValue and GetSecretValue, with AWS's error types.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorEnv } from './env.js';
import { AwsError, epochSeconds, type ServiceModule } from './protocol.js';
import { seedUpstreamCa, type SeedUpstreamCaOptions, type SeededUpstreamCa } from './secrets-manager-seed.js';

/** One secret (its current version). */
export interface Secret {
  readonly name: string;
  /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`. */
  readonly arn: string;
  secretString?: string;
  secretBinary?: Uint8Array;
  versionId: string;
  readonly createdDate: Date;
}

type Value = { SecretString?: string; SecretBinary?: string };

const NOT_FOUND = "Secrets Manager can't find the specified secret.";

/** Secrets Manager state: the secrets by ARN. */
export class SecretsManagerService {
  readonly secrets = new Map<string, Secret>();

  constructor(readonly env: EmulatorEnv) {}

  /**
   * Creates the secret `name`, or gives the existing one a new current value: a string, or bytes
   * (a binary secret). Returns the secret.
   */
  put(name: string, value: string | Uint8Array): Secret {
    const existing = [...this.secrets.values()].find((s) => s.name === name);
    const secret: Secret = existing ?? {
      name,
      arn: `arn:aws:secretsmanager:${this.env.region}:${this.env.accountId}:secret:${name}-${randomBytes(3).toString('hex')}`,
      versionId: '',
      createdDate: this.env.now(),
    };
    delete secret.secretString;
    delete secret.secretBinary;
    if (typeof value === 'string') secret.secretString = value;
    else secret.secretBinary = value;
    secret.versionId = randomUUID();
    this.secrets.set(secret.arn, secret);
    return secret;
  }

  /**
   * Seeds an upstream CA for UpstreamAuthority "awssecret": its certificate, key and (for a
   * subordinate CA) bundle as PEM string secrets. See {@link seedUpstreamCa}.
   */
  seedUpstreamCa(o: SeedUpstreamCaOptions = {}): Promise<SeededUpstreamCa> {
    return seedUpstreamCa(this, o);
  }

  /** The secret a SecretId names: a full ARN, a name, or an ARN without its random suffix. */
  find(id: string): Secret | undefined {
    const byArn = this.secrets.get(id);
    if (byArn) return byArn;
    return [...this.secrets.values()].find((s) => s.name === id || (id.startsWith('arn:') && s.arn.slice(0, -7) === id));
  }

  private lookup(id: unknown): Secret {
    const s = typeof id === 'string' && id !== '' ? this.find(id) : undefined;
    if (!s) throw new AwsError('ResourceNotFoundException', NOT_FOUND);
    return s;
  }

  private value(i: Value): string | Uint8Array {
    if (i.SecretString !== undefined && i.SecretBinary !== undefined) {
      throw new AwsError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    if (i.SecretBinary !== undefined) return new Uint8Array(Buffer.from(i.SecretBinary, 'base64'));
    if (i.SecretString === undefined) throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    return i.SecretString;
  }

  private create(i: Value & { Name?: string }): unknown {
    const name = i.Name ?? '';
    if (!/^[\w/+=.@-]{1,512}$/.test(name)) throw new AwsError('InvalidParameterException', 'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
    if (this.find(name)) throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const s = this.put(name, this.value(i));
    return { ARN: s.arn, Name: s.name, VersionId: s.versionId };
  }

  private putValue(i: Value & { SecretId?: string }): unknown {
    const s = this.put(this.lookup(i.SecretId).name, this.value(i));
    return { ARN: s.arn, Name: s.name, VersionId: s.versionId, VersionStages: ['AWSCURRENT'] };
  }

  private get(i: { SecretId?: string }): unknown {
    const s = this.lookup(i.SecretId);
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: s.versionId,
      ...(s.secretString !== undefined ? { SecretString: s.secretString } : {}),
      ...(s.secretBinary !== undefined ? { SecretBinary: Buffer.from(s.secretBinary).toString('base64') } : {}),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: epochSeconds(s.createdDate),
    };
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'secretsmanager',
      jsonTarget: 'secretsmanager',
      json: {
        CreateSecret: (i) => this.create(i),
        PutSecretValue: (i) => this.putValue(i),
        GetSecretValue: (i) => this.get(i),
      },
    };
  }
}
