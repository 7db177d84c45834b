import type { AwsIidApi } from './aws-api.js';
import type { AwsIidConfig } from './config.js';

/** Where one set of clients points and as whom it calls. */
export interface ApiTarget {
  region: string;
  accountId: string;
  /** `arn:<partition>:iam::<account>:role/<assume_role>`, '' when assume_role is unset. */
  assumeRoleArn: string;
  /** `arn:<partition>:iam::<management account>:role/<assume_org_role>`, '' without API-mode organization checks. */
  orgRoleArn: string;
}

/** Makes the clients of one account and region. */
export type ApiFactory = (target: ApiTarget) => AwsIidApi;

/**
 * One set of AWS clients per `<account>@<region>`, as SPIRE keeps them: made on first use and
 * kept until close. Not shared between configurations (a new configuration makes a new cache).
 */
export class AwsClients {
  private readonly apis = new Map<string, AwsIidApi>();

  constructor(
    private readonly config: AwsIidConfig,
    private readonly factory: ApiFactory,
  ) {}

  /** The clients of an account and region. */
  get(region: string, accountId: string): AwsIidApi {
    const key = `${accountId}@${region}`;
    let api = this.apis.get(key);
    if (!api) {
      const c = this.config;
      const org = c.verifyOrganization;
      api = this.factory({
        region,
        accountId,
        assumeRoleArn: c.assumeRole ? `arn:${c.partition}:iam::${accountId}:role/${c.assumeRole}` : '',
        orgRoleArn: org && org.assumeOrgRole ? `arn:${c.partition}:iam::${org.managementAccountId}:role/${org.assumeOrgRole}` : '',
      });
      this.apis.set(key, api);
    }
    return api;
  }

  /** Closes every client; safe to call twice. */
  close(): void {
    for (const api of this.apis.values()) api.close();
    this.apis.clear();
  }
}
