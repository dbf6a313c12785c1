import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MemberAccountsConfig } from '../core/config/member-accounts-config.js';
import { RefusedError } from '../core/errors.js';

/** Where a call goes. Containment runs in the account and region named by the finding. */
export interface AwsTarget {
  readonly accountId: string;
  readonly region: string;
  /**
   * What the calls are for (an incident id). In a member account it names the assumed-role session, so the member's
   * CloudTrail shows which incident each call belongs to.
   */
  readonly session?: string;
}

const CLIENT_CONSTRUCTORS = {
  autoScaling: AutoScalingClient,
  cloudTrail: CloudTrailClient,
  cloudWatch: CloudWatchClient,
  configService: ConfigServiceClient,
  dynamoDb: DynamoDBClient,
  ec2: EC2Client,
  ecs: ECSClient,
  elbv2: ElasticLoadBalancingV2Client,
  guardDuty: GuardDutyClient,
  iam: IAMClient,
  lambda: LambdaClient,
  s3: S3Client,
  s3Control: S3ControlClient,
  secretsManager: SecretsManagerClient,
  securityHub: SecurityHubClient,
  sfn: SFNClient,
  sns: SNSClient,
  sts: STSClient,
  wafv2: WAFV2Client,
} as const;

export type ClientName = keyof typeof CLIENT_CONSTRUCTORS;
/** Every client name (the local runtime configures each with local credentials). */
export const CLIENT_NAMES = Object.keys(CLIENT_CONSTRUCTORS) as readonly ClientName[];
export type ClientOf<N extends ClientName> = InstanceType<(typeof CLIENT_CONSTRUCTORS)[N]>;

/** How calls for a target are made; answered without any call. */
export type TargetAccess =
  | { readonly via: 'home' }
  | {
      readonly via: 'role';
      readonly roleArn: string;
      /** The exact AssumeRole request (JSON-safe), as it is sent and as a dry run shows it. */
      readonly assumeRole: { RoleArn: string; RoleSessionName: string; DurationSeconds: number; ExternalId?: string };
    }
  | { readonly via: 'refused'; readonly reason: string };

/**
 * The one place AWS SDK clients are made. Everything else receives an AwsClients and asks it for a client for a target.
 * Targets in the home account (or `self`) are served with this function's own credentials. With `crossAccount`, a target in
 * another account is served with the member-account role assumed there (or refused); without it, every target is served
 * with the function's own credentials, as services administered from this account need (Security Hub BatchUpdateFindings
 * for member findings is called by the administrator account).
 */
export interface AwsClients {
  get<N extends ClientName>(name: N, target: AwsTarget): ClientOf<N>;
  /** DynamoDB document client for Firebreak's own table (in the function's own account and region). */
  documentClient(): DynamoDBDocumentClient;
  /** How `get` would reach `target`: own credentials, an assumed role (which request), or refused (why). Makes no call. */
  access(target: AwsTarget): TargetAccess;
}

/** The function's own account, and what to do about others (delegated-admin deployments). */
export interface CrossAccountOptions {
  /** The account the function runs in (from its own ARN or the stack), so no STS GetCallerIdentity is needed. */
  readonly homeAccountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the role ARN's partition. @default 'aws' */
  readonly partition?: string;
  /** The config's `memberAccounts`; undefined = act only in the home account and refuse every other. */
  readonly memberAccounts: MemberAccountsConfig | undefined;
}

export interface AwsClientsOptions {
  /** Extra client config, e.g. a local endpoint for DynamoDB in the local runtime. */
  readonly overrides?: Partial<Record<ClientName, Record<string, unknown>>>;
  readonly homeRegion?: string;
  readonly crossAccount?: CrossAccountOptions;
  /** Clock for credential expiry (tests). */
  readonly now?: () => Date;
}

/** Assumed credentials are renewed this long before they expire, so no call starts with credentials about to lapse. */
export const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60_000;
/** Sessions kept per warm container; every incident has its own, so the oldest are dropped beyond this. */
const MAX_MEMBER_SESSIONS = 32;

/** A target is in a member account refused by design: a RefusedError, so the act handler reports it as skipped. */
export class AccountRefusedError extends RefusedError {}

/**
 * STS RoleSessionName: 2..64 of `[\w+=,.@-]`. `firebreak-<incident id>` with any other character replaced, cut to 64
 * characters (incident ids are short; the cut only guards odd input).
 */
export function roleSessionName(session: string | undefined): string {
  const name = `firebreak-${session ?? 'session'}`.replace(/[^\w+=,.@-]/g, '-');
  return name.slice(0, 64);
}

/**
 * How calls for `target` are made, decided without any call: the home account (or `self`, or no cross-account options) →
 * own credentials; another account → refused unless memberAccounts is configured and allows it, else the member role.
 */
export function targetAccess(target: AwsTarget, cross: CrossAccountOptions | undefined): TargetAccess {
  if (!cross || target.accountId === 'self' || target.accountId === cross.homeAccountId) return { via: 'home' };
  const members = cross.memberAccounts;
  if (!members) {
    return {
      via: 'refused',
      reason: `finding is for account ${target.accountId}; Firebreak is deployed in ${cross.homeAccountId} and memberAccounts is not configured`,
    };
  }
  if (!/^\d{12}$/.test(target.accountId)) return { via: 'refused', reason: `'${target.accountId}' is not an AWS account id` };
  if (members.allowedAccounts.length > 0 && !members.allowedAccounts.includes(target.accountId)) {
    return {
      via: 'refused',
      reason: `account ${target.accountId} is not in memberAccounts.allowedAccounts (${members.allowedAccounts.join(', ')})`,
    };
  }
  const roleArn = `arn:${cross.partition ?? 'aws'}:iam::${target.accountId}:role/${members.roleName}`;
  return {
    via: 'role',
    roleArn,
    assumeRole: {
      RoleArn: roleArn,
      RoleSessionName: roleSessionName(target.session),
      DurationSeconds: members.sessionDurationSeconds,
      ...(members.externalId !== undefined ? { ExternalId: members.externalId } : {}),
    },
  };
}

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export function createAwsClients(options: AwsClientsOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const homeRegion = options.homeRegion ?? process.env.AWS_REGION ?? 'us-east-1';
  const clock = options.now ?? (() => new Date());
  const cross = options.crossAccount;
  /** Member-account clients and their credential providers, by account + session (oldest first). */
  const sessions = new Map<string, { clients: Map<string, unknown>; credentials: () => Promise<Credentials> }>();
  let documentClient: DynamoDBDocumentClient | undefined;

  const make = <N extends ClientName>(name: N, region: string, extra: Record<string, unknown>): ClientOf<N> => {
    const Ctor = CLIENT_CONSTRUCTORS[name] as unknown as new (config: Record<string, unknown>) => ClientOf<N>;
    // `extra` (a member session's credentials) wins over overrides: a member client never runs on the home credentials.
    return new Ctor({ region, maxAttempts: 5, ...(options.overrides?.[name] ?? {}), ...extra });
  };

  const homeClient = <N extends ClientName>(name: N, target: AwsTarget): ClientOf<N> => {
    const key = `${name}|${target.accountId}|${target.region}`;
    let client = cache.get(key) as ClientOf<N> | undefined;
    if (!client) {
      client = make(name, target.region, {});
      cache.set(key, client);
    }
    return client;
  };

  const access = (target: AwsTarget): TargetAccess => targetAccess(target, cross);

  /** Credentials of one assumed-role session, reused until shortly before they expire; concurrent callers share one call. */
  const assumedCredentials = (request: Extract<TargetAccess, { via: 'role' }>['assumeRole']) => {
    let current: Credentials | undefined;
    let pending: Promise<Credentials> | undefined;
    const assume = async (): Promise<Credentials> => {
      const sts = homeClient('sts', { accountId: 'self', region: homeRegion });
      const answer = await sts.send(new AssumeRoleCommand(request));
      const c = answer.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error(`AssumeRole ${request.RoleArn} returned no credentials`);
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: new Date(c.Expiration) };
    };
    return async (): Promise<Credentials> => {
      if (current && current.expiration.getTime() - clock().getTime() > CREDENTIAL_REFRESH_MARGIN_MS) return current;
      pending ??= assume().then(
        (fresh) => {
          current = fresh;
          pending = undefined;
          return fresh;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    };
  };

  const memberClient = <N extends ClientName>(name: N, target: AwsTarget, role: Extract<TargetAccess, { via: 'role' }>): ClientOf<N> => {
    const sessionKey = `${target.accountId}|${role.assumeRole.RoleSessionName}`;
    let session = sessions.get(sessionKey);
    if (!session) {
      session = { clients: new Map(), credentials: assumedCredentials(role.assumeRole) };
      sessions.set(sessionKey, session);
      if (sessions.size > MAX_MEMBER_SESSIONS) sessions.delete(sessions.keys().next().value!);
    }
    const key = `${name}|${target.region}`;
    let client = session.clients.get(key) as ClientOf<N> | undefined;
    if (!client) {
      client = make(name, target.region, { credentials: session.credentials });
      session.clients.set(key, client);
    }
    return client;
  };

  const get = <N extends ClientName>(name: N, target: AwsTarget): ClientOf<N> => {
    const how = access(target);
    // Refused before any STS call: a client for the wrong account is never made.
    if (how.via === 'refused') throw new AccountRefusedError(how.reason);
    return how.via === 'home' ? homeClient(name, target) : memberClient(name, target, how);
  };

  return {
    get,
    access,
    documentClient() {
      documentClient ??= DynamoDBDocumentClient.from(get('dynamoDb', { accountId: 'self', region: homeRegion }), {
        marshallOptions: { removeUndefinedValues: true },
      });
      return documentClient;
    },
  };
}
