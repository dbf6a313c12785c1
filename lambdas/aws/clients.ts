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
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where a call goes. Containment runs in the account and region named by the finding. */
export interface AwsTarget {
  readonly accountId: string;
  readonly region: string;
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
  wafv2: WAFV2Client,
} as const;

export type ClientName = keyof typeof CLIENT_CONSTRUCTORS;
/** Every client name (the local runtime configures each with local credentials). */
export const CLIENT_NAMES = Object.keys(CLIENT_CONSTRUCTORS) as readonly ClientName[];
export type ClientOf<N extends ClientName> = InstanceType<(typeof CLIENT_CONSTRUCTORS)[N]>;

/**
 * The one place AWS SDK clients are made. Everything else receives an AwsClients and asks it for a client for a target.
 * Today every target is served with this function's own credentials; a member-account role can be assumed here later
 * (delegated-admin setups) without touching any action.
 */
export interface AwsClients {
  get<N extends ClientName>(name: N, target: AwsTarget): ClientOf<N>;
  /** DynamoDB document client for Firebreak's own table (in the function's own account and region). */
  documentClient(): DynamoDBDocumentClient;
}

export interface AwsClientsOptions {
  /** Extra client config, e.g. a local endpoint for DynamoDB in the local runtime. */
  readonly overrides?: Partial<Record<ClientName, Record<string, unknown>>>;
  readonly homeRegion?: string;
}

export function createAwsClients(options: AwsClientsOptions = {}): AwsClients {
  const cache = new Map<string, unknown>();
  const homeRegion = options.homeRegion ?? process.env.AWS_REGION ?? 'us-east-1';
  let documentClient: DynamoDBDocumentClient | undefined;

  const get = <N extends ClientName>(name: N, target: AwsTarget): ClientOf<N> => {
    const key = `${name}|${target.accountId}|${target.region}`;
    let client = cache.get(key) as ClientOf<N> | undefined;
    if (!client) {
      const Ctor = CLIENT_CONSTRUCTORS[name] as unknown as new (config: Record<string, unknown>) => ClientOf<N>;
      client = new Ctor({ region: target.region, maxAttempts: 5, ...(options.overrides?.[name] ?? {}) });
      cache.set(key, client);
    }
    return client;
  };

  return {
    get,
    documentClient() {
      documentClient ??= DynamoDBDocumentClient.from(get('dynamoDb', { accountId: 'self', region: homeRegion }), {
        marshallOptions: { removeUndefinedValues: true },
      });
      return documentClient;
    },
  };
}
