import type { EmulatorEnv } from './env.js';
import { AwsError, epochSeconds, type RequestContext, type ServiceModule } from './protocol.js';

/** An account's status in the organization. */
export type OrgAccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/** A member account of the organization. */
export interface OrgAccount {
  id: string;
  status: OrgAccountStatus;
  name: string;
}

/**
 * Organizations (JSON 1.1, AWSOrganizationsV20161128): ListAccounts, paginated, answered only to
 * callers in the management account (others get AccessDeniedException, as AWS answers a member
 * account).
 */
export class OrganizationsService {
  /** The member accounts, in listing order. */
  readonly accounts: OrgAccount[] = [];
  /** The management account (default: the emulator's account). */
  managementAccountId: string;
  /** Accounts per ListAccounts page (AWS's default is 20). */
  pageSize = 20;

  constructor(readonly env: EmulatorEnv) {
    this.managementAccountId = env.accountId;
  }

  /** Adds (or replaces) a member account. */
  putAccount(id: string, status: OrgAccountStatus = 'ACTIVE', name = `account-${id}`): OrgAccount {
    const a = { id, status, name };
    const i = this.accounts.findIndex((x) => x.id === id);
    if (i >= 0) this.accounts[i] = a;
    else this.accounts.push(a);
    return a;
  }

  private listAccounts(input: { NextToken?: string; MaxResults?: number }, ctx: RequestContext): unknown {
    const caller = this.env.sts.identityOf(ctx.accessKeyId).account;
    if (caller !== this.managementAccountId) {
      throw new AwsError('AccessDeniedException', "You don't have permissions to access this resource.");
    }
    const start = input.NextToken ? Number(input.NextToken) : 0;
    if (!Number.isInteger(start) || start < 0 || start > this.accounts.length) {
      throw new AwsError('InvalidInputException', 'You provided an invalid value for NextToken.');
    }
    const size = Math.min(input.MaxResults ?? this.pageSize, this.pageSize);
    const page = this.accounts.slice(start, start + size);
    const next = start + size < this.accounts.length ? String(start + size) : undefined;
    const joined = epochSeconds(this.env.now());
    return {
      Accounts: page.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${this.managementAccountId}:account/o-emulator/${a.id}`,
        Name: a.name,
        Email: `${a.id}@example.com`,
        Status: a.status,
        JoinedMethod: 'CREATED',
        JoinedTimestamp: joined,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** The wire module. */
  module(): ServiceModule {
    return { name: 'organizations', jsonTarget: 'AWSOrganizationsV20161128', json: { ListAccounts: (i, ctx) => this.listAccounts(i, ctx) } };
  }
}
