import type { EmulatorEnv } from './env.js';
import { AwsError, el, wrap, type ServiceModule } from './protocol.js';

/** An instance profile and the roles in it. */
export interface IamInstanceProfile {
  name: string;
  /** `arn:aws:iam::<account>:instance-profile<path><name>`. */
  arn: string;
  path: string;
  /** The role ARNs, in order. */
  roleArns: string[];
  createDate: Date;
}

/** IAM (query protocol, Version 2010-05-08): GetInstanceProfile over seeded instance profiles. */
export class IamService {
  /** Instance profiles by name. */
  readonly instanceProfiles = new Map<string, IamInstanceProfile>();

  constructor(readonly env: EmulatorEnv) {}

  /**
   * Adds (or replaces) an instance profile holding the given roles and returns it; its ARN is the
   * one to give an EC2 instance (`Ec2InstanceSeed.instanceProfileArn`).
   */
  putInstanceProfile(name: string, roleArns: string[], opts: { accountId?: string; path?: string } = {}): IamInstanceProfile {
    const path = opts.path ?? '/';
    const p: IamInstanceProfile = {
      name,
      path,
      arn: `arn:aws:iam::${opts.accountId ?? this.env.accountId}:instance-profile${path}${name}`,
      roleArns: [...roleArns],
      createDate: this.env.now(),
    };
    this.instanceProfiles.set(name, p);
    return p;
  }

  private getInstanceProfile(params: Map<string, string>): string {
    const name = params.get('InstanceProfileName') ?? '';
    const p = this.instanceProfiles.get(name);
    if (!p) throw new AwsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
    const roles = p.roleArns.map((arn) => {
      const roleName = arn.slice(arn.lastIndexOf('/') + 1);
      const rolePath = arn.slice(arn.indexOf(':role') + 5, arn.lastIndexOf('/') + 1) || '/';
      return wrap(
        'member',
        el('Path', rolePath) + el('RoleName', roleName) + el('RoleId', `AROA${roleName.toUpperCase()}`) + el('Arn', arn) + el('CreateDate', p.createDate.toISOString()),
      );
    });
    return wrap(
      'InstanceProfile',
      el('Path', p.path) +
        el('InstanceProfileName', p.name) +
        el('InstanceProfileId', `AIPA${p.name.toUpperCase()}`) +
        el('Arn', p.arn) +
        el('CreateDate', p.createDate.toISOString()) +
        wrap('Roles', roles.join('')),
    );
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'iam',
      queryVersion: '2010-05-08',
      queryNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/',
      query: { GetInstanceProfile: (p) => this.getInstanceProfile(p) },
    };
  }
}
