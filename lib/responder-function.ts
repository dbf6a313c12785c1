import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { FunctionKind } from '../lambdas/core/playbook-contract.js';
import type { LoadedConfig } from './config.js';

/** Repository root: handler entries and the lock file are resolved from here, whatever the working directory. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The entry file of a function kind: `lambdas/<kind>/handler.ts`, exporting `handler`. */
export function handlerEntry(kind: FunctionKind): string {
  return join(REPO_ROOT, 'lambdas', kind, 'handler.ts');
}

/** Lambda's limit for all environment variables of a function together (keys + values). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** A reference (e.g. the table name, a state machine ARN) is unknown at synth: count it at the longest it can resolve to. */
const REFERENCE_SIZE_ESTIMATE = 256;
/** `AWS::Region`, `AWS::AccountId`, `AWS::Partition`, `AWS::URLSuffix`: short. */
const PSEUDO_PARAMETER_SIZE_ESTIMATE = 20;

/** Upper-bound size of a resolved value: literal text as is, each `Ref`/`Fn::GetAtt` at its maximum, joins summed. */
function estimatedBytes(resolved: unknown): number {
  if (typeof resolved === 'string') return Buffer.byteLength(resolved);
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  if (join) {
    const [separator, parts] = join;
    return parts.reduce<number>((sum, part) => sum + estimatedBytes(part), Buffer.byteLength(separator) * Math.max(parts.length - 1, 0));
  }
  const ref = (resolved as { Ref?: unknown } | null)?.Ref;
  if (typeof ref === 'string' && ref.startsWith('AWS::')) return PSEUDO_PARAMETER_SIZE_ESTIMATE;
  return REFERENCE_SIZE_ESTIMATE;
}

/** CloudWatch Logs accepts only these retention periods (days); a config value is rounded up to the next one. */
const LOG_RETENTION_STEPS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The shortest CloudWatch retention that keeps logs at least `days` (config `retentionDays`). */
export function logRetentionFor(days: number): logs.RetentionDays {
  const step = LOG_RETENTION_STEPS.find((candidate) => candidate >= days) ?? 3653;
  return step as logs.RetentionDays;
}

export interface ResponderFunctionProps {
  /** Which handler: `lambdas/<kind>/handler.ts`; also env `FIREBREAK_FUNCTION`, which the local runtime maps back to the handler. */
  readonly kind: FunctionKind;
  /** Validated config: travels as env `FIREBREAK_CONFIG`; `retentionDays` sets the log retention. */
  readonly config: LoadedConfig;
  /** The incidents table name (env `INCIDENT_TABLE_NAME`). Access is granted by the caller, per function. */
  readonly incidentTableName: string;
  /** @default `Firebreak <kind> handler` */
  readonly description?: string;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 512 MB (arm64; the SDK clients and zod parse faster with the CPU share that comes with it) */
  readonly memorySize?: number;
  /** @default none: the account's unreserved pool. Set it to cap a function's blast radius (e.g. act). */
  readonly reservedConcurrentExecutions?: number;
  /** Extra environment variables (counted against Lambda's 4 KB limit at synth). @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retries of asynchronous invocations before the event goes to the DLQ. @default 2 */
  readonly retryAttempts?: number;
  /** Customer-managed key for the log group. @default CloudWatch Logs' own encryption */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The one construct with Firebreak's secure Lambda defaults, so no function copies them: NodejsFunction bundled by the local
 * esbuild (never Docker), Node.js 22 on arm64, X-Ray tracing, a log group with the configured retention, an encrypted SQS DLQ
 * (TLS only) for asynchronous invocations, and a role that starts with nothing but its own log group.
 */
export class ResponderFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;
  readonly kind: FunctionKind;
  private readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: ResponderFunctionProps) {
    super(scope, id);
    this.kind = props.kind;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logRetentionFor(props.config.config.retentionDays),
      encryptionKey: props.logEncryptionKey,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy: logs only to this function's own group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Firebreak ${props.kind} handler`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.environment = {
      FIREBREAK_FUNCTION: props.kind,
      INCIDENT_TABLE_NAME: props.incidentTableName,
      FIREBREAK_CONFIG: props.config.json,
      POWERTOOLS_SERVICE_NAME: 'firebreak',
      // SDK v3 keeps connections alive by default; set anyway so any v2-style client or tool in the bundle does the same.
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.kind),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      description: props.description ?? `Firebreak ${props.kind} handler`,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? 2,
      environment: this.environment,
      bundling: {
        // Bundled by the esbuild in node_modules; never a Docker build.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        // Error classes name themselves after their constructor (FirebreakError: `new.target.name`); minified without this,
        // a ValidationError is reported to Lambda, the logs and the DLQ as a two-letter name.
        keepNames: true,
        sourceMap: true,
        // The Node.js 22 runtime ships AWS SDK v3: leaving it out cuts each bundle from ~2 MB to a few hundred KB (cold start,
        // synth time). Everything else, zod and Powertools included, is bundled at the locked versions.
        externalModules: ['@aws-sdk/*'],
        mainFields: ['module', 'main'],
        // Some dependencies are CommonJS and call require(); give ESM output a require of its own.
        banner: "import { createRequire as __firebreakCreateRequire } from 'node:module'; const require = __firebreakCreateRequire(import.meta.url);",
      },
    });

    this.node.addValidation({ validate: () => this.validateEnvironmentSize() });

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime Firebreak is built and tested for (the local toolchain and aws-local-stepfunctions target it); moving to 24 is a deliberate, tested upgrade.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the function’s asynchronous invocations.',
      },
    ]);
  }

  /** Adds an environment variable (counted against the 4 KB limit at synth). */
  addEnvironment(key: string, value: string): this {
    this.environment[key] = value;
    this.function.addEnvironment(key, value);
    return this;
  }

  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  /** Lambda rejects a function whose variables exceed 4 KB; fail synth first, naming the biggest variables. */
  private validateEnvironmentSize(): string[] {
    const stack = Stack.of(this);
    const sizes = Object.entries(this.environment).map(([key, value]) => ({
      key,
      bytes: Buffer.byteLength(key) + estimatedBytes(stack.resolve(value)),
    }));
    const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
    if (total <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
    const biggest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
    return [
      `${this.kind} function: environment variables take ~${total} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit ` +
        `(largest: ${biggest.map((entry) => `${entry.key} ${entry.bytes} B`).join(', ')}); shorten the firebreak config (e.g. fewer ` +
        'allowlist entries or subscriptions) or move long lists elsewhere',
    ];
  }
}
