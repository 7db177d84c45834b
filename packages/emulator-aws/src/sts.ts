/**
 * STS (query protocol, Version 2011-06-15): GetCallerIdentity and AssumeRole. Credentials that
 * AssumeRole hands out are remembered, so a later call signed with them is seen as the assumed
 * role (GetCallerIdentity answers with its ARN, and other services can ask who called).
 */
import { randomBytes } from 'node:crypto';
import { AwsError, el, wrap, type RequestContext, type ServiceModule } from './protocol.js';

/** A role assumption the emulator granted. */
export interface AssumedRole {
  roleArn: string;
  sessionName: string;
  /** The access key ID of the temporary credentials it returned. */
  accessKeyId: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

/** STS state: who the default caller is and every role assumed. */
export class StsService {
  /** The identity of callers using any credentials other than assumed-role ones. */
  callerArn: string;
  /** Roles that AssumeRole refuses (AccessDenied), by ARN. */
  readonly deniedRoles = new Set<string>();
  /** Every AssumeRole granted, in order. */
  readonly assumed: AssumedRole[] = [];

  constructor(private readonly accountId: string) {
    this.callerArn = `arn:aws:sts::${accountId}:assumed-role/spire-server/i-0123456789abcdef0`;
  }

  /** The identity behind an access key: an assumed role, or the default caller. */
  identityOf(accessKeyId: string): { arn: string; account: string } {
    const role = this.assumed.find((a) => a.accessKeyId === accessKeyId);
    const arn = role?.arn ?? this.callerArn;
    return { arn, account: arn.split(':')[4] || this.accountId };
  }

  private getCallerIdentity(ctx: RequestContext): string {
    const id = this.identityOf(ctx.accessKeyId);
    return el('Arn', id.arn) + el('UserId', `AIDA${id.account}`) + el('Account', id.account);
  }

  private assumeRole(params: Map<string, string>): string {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw new AwsError('ValidationError', `invalid RoleArn ${roleArn}`);
    if (sessionName === '') throw new AwsError('ValidationError', 'RoleSessionName is required');
    if (this.deniedRoles.has(roleArn)) {
      throw new AwsError('AccessDenied', `not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const arn = `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${sessionName}`;
    this.assumed.push({ roleArn, sessionName, accessKeyId, arn });
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const creds =
      el('AccessKeyId', accessKeyId) +
      el('SecretAccessKey', randomBytes(20).toString('base64')) +
      el('SessionToken', randomBytes(32).toString('base64')) +
      el('Expiration', expiration);
    return wrap('Credentials', creds) + wrap('AssumedRoleUser', el('AssumedRoleId', `AROA${m[2]}:${sessionName}`) + el('Arn', arn));
  }

  /** The query-protocol module. */
  module(): ServiceModule {
    return {
      name: 'sts',
      queryVersion: '2011-06-15',
      queryNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
      query: {
        GetCallerIdentity: (_p, ctx) => this.getCallerIdentity(ctx),
        AssumeRole: (p) => this.assumeRole(p),
      },
    };
  }
}
