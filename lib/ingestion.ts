import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { cloudTrailPatternsFor } from '../lambdas/core/rules/eventbridge-patterns.js';
import { activeRules } from '../lambdas/core/rules/rule-pack.js';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from '../lambdas/core/detection/detection-config.js';

/** EventBridge refuses a rule description longer than this. */
const RULE_DESCRIPTION_MAX_CHARS = 512;

/** EventBridge refuses an event pattern longer than this (characters of its JSON). */
export const EVENT_PATTERN_MAX_CHARS = 4096;

/**
 * A CloudTrail event pattern for one rule, as the detection rule set generates it (lambdas/core/rules/eventbridge-patterns.ts:
 * `cloudTrailPatternsFor(activeRules())`), already split to fit the 4,096-character limit.
 */
export interface CloudTrailPattern {
  /** PascalCase construct id, e.g. `CloudTrailWrite1`. */
  readonly name: string;
  /** Needs read-only management events (`Get*`, `List*`, `Describe*`). */
  readonly readOnly: boolean;
  /** Carries events of global services (IAM, STS, sign-in, Organizations) that reach EventBridge in us-east-1 only. */
  readonly globalServices?: boolean;
  /** Detection rules this pattern serves: listed in the rule's description, so an operator sees why it exists. */
  readonly rules?: readonly string[];
  /** Set on a pattern with no content filter: the rules that need every CloudTrail management event. */
  readonly unfilteredRules?: readonly string[];
  readonly pattern: Readonly<Record<string, unknown>>;
}

/**
 * The patterns the active detection rules need (config `detection.packs` minus `detection.disabledRules`): only events some
 * rule could match invoke the detector, so the rules and the detector always agree.
 */
export function detectionCloudTrailPatterns(detection: Pick<DetectionConfig, 'packs' | 'disabledRules'> = DEFAULT_DETECTION_CONFIG): CloudTrailPattern[] {
  return cloudTrailPatternsFor(activeRules(detection.packs, detection.disabledRules));
}

/** Security Hub custom action id users create ("Send to Firebreak"): its findings go to the detector whatever their state. */
export const SECURITY_HUB_CUSTOM_ACTION_ID = 'Firebreak';

/** The event patterns of the finding rules, exported so tests and docs show exactly what is routed. */
export const FINDING_PATTERNS = {
  guardDuty: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
  // Only new, active findings: Firebreak's own BatchUpdateFindings (Workflow NOTIFIED/RESOLVED) re-emits "Imported" events,
  // which must not loop back. GuardDuty's copies in Security Hub are skipped: the GuardDuty rule delivers the original.
  securityHubImported: {
    source: ['aws.securityhub'],
    'detail-type': ['Security Hub Findings - Imported'],
    detail: {
      findings: {
        RecordState: ['ACTIVE'],
        Workflow: { Status: ['NEW'] },
        // By ProductArn, which every ASFF finding has (older findings carry no ProductName, and anything-but never matches a missing field).
        ProductArn: [{ 'anything-but': { suffix: ':product/aws/guardduty' } }],
      },
    },
  },
  securityHubCustomAction: {
    source: ['aws.securityhub'],
    'detail-type': ['Security Hub Findings - Custom Action'],
    resources: [{ suffix: `:action/custom/${SECURITY_HUB_CUSTOM_ACTION_ID}` }],
  },
} as const;

export interface IngestionProps {
  /** The detect function every rule targets. */
  readonly detector: lambda.IFunction;
  /** CloudTrail (and console sign-in) patterns. @default detectionCloudTrailPatterns(): what the default rule packs use */
  readonly cloudTrailPatterns?: readonly CloudTrailPattern[];
  /** Delivery retries before an event goes to the DLQ. @default 8 */
  readonly retryAttempts?: number;
  /** How long EventBridge keeps retrying an event. @default 2 hours */
  readonly maxEventAge?: Duration;
}

/**
 * The EventBridge rules that feed the detector: GuardDuty findings, Security Hub findings (imported and custom action),
 * CloudTrail management events content-filtered to what detection uses, and console sign-ins. Every target retries and
 * ends in an encrypted DLQ, so an event that cannot be delivered is kept, not dropped.
 *
 * IAM, STS and console sign-in are global services whose CloudTrail events reach EventBridge in us-east-1 only: deploy the
 * stack there (or forward those events to this region's bus) to see them.
 */
export class Ingestion extends Construct {
  readonly rules: events.Rule[] = [];
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of the EventBridge rule targets.' },
    ]);

    const target = new targets.LambdaFunction(props.detector, {
      retryAttempts: props.retryAttempts ?? 8,
      maxEventAge: props.maxEventAge ?? Duration.hours(2),
      deadLetterQueue: this.deadLetterQueue,
    });

    this.addRule('GuardDutyFindings', 'GuardDuty findings', FINDING_PATTERNS.guardDuty, target);
    this.addRule('SecurityHubFindings', 'Security Hub findings: new and active, not GuardDuty copies', FINDING_PATTERNS.securityHubImported, target);
    this.addRule('SecurityHubCustomAction', `Security Hub custom action ${SECURITY_HUB_CUSTOM_ACTION_ID}`, FINDING_PATTERNS.securityHubCustomAction, target);

    const cloudTrailPatterns = props.cloudTrailPatterns ?? detectionCloudTrailPatterns();
    for (const cloudTrail of cloudTrailPatterns) {
      const rule = this.addRule(
        cloudTrail.name,
        truncate(
          `CloudTrail ${cloudTrail.readOnly ? 'read-only' : 'write'} management events used by detection` +
            (cloudTrail.globalServices ? ' (global services: us-east-1 only)' : '') +
            (cloudTrail.rules && cloudTrail.rules.length > 0 ? `; rules: ${cloudTrail.rules.join(', ')}` : ''),
          RULE_DESCRIPTION_MAX_CHARS - 'Firebreak: '.length,
        ),
        cloudTrail.pattern,
        target,
      );
      if (cloudTrail.readOnly) {
        // Without this state a rule never sees read-only management events (Get*/List*/Describe*).
        (rule.node.defaultChild as events.CfnRule).addPropertyOverride('State', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      }
    }

    // A rule that constrains neither eventSource nor eventName sends every management event of the account to the
    // detector: a cost the deployer should choose knowingly, not discover on the bill.
    const unfiltered = [...new Set(cloudTrailPatterns.flatMap((pattern) => pattern.unfilteredRules ?? []))];
    if (unfiltered.length > 0) {
      Annotations.of(this).addWarningV2(
        'firebreak:cloudtrail-unfiltered',
        `Detection rule(s) ${unfiltered.join(', ')} constrain neither eventSource nor eventName: every CloudTrail management event will invoke the detect function. Add them to detection.disabledRules in firebreak.config.json unless that volume is intended.`,
      );
    }

    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1' && cloudTrailPatterns.some((pattern) => pattern.globalServices)) {
      Annotations.of(this).addInfo(
        `IAM, STS and console sign-in events reach EventBridge only in us-east-1; this stack is in ${region}. Deploy Firebreak in us-east-1 too, or forward those events here.`,
      );
    }
  }

  private addRule(id: string, description: string, pattern: Readonly<Record<string, unknown>>, target: events.IRuleTarget): events.Rule {
    const length = JSON.stringify(pattern).length;
    if (length > EVENT_PATTERN_MAX_CHARS) {
      throw new Error(`EventBridge rule ${id}: event pattern is ${length} characters, over the ${EVENT_PATTERN_MAX_CHARS}-character limit; split it across rules`);
    }
    const rule = new events.Rule(this, id, {
      description: `Firebreak: ${description}`,
      eventPattern: toEventPattern(pattern),
      targets: [target],
    });
    this.rules.push(rule);
    return rule;
  }
}

/** CDK's EventPattern renames `detail-type` and `detail` fields; everything else passes through as written. */
function toEventPattern(pattern: Readonly<Record<string, unknown>>): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern as Record<string, unknown>;
  return { ...rest, ...(detailType !== undefined ? { detailType } : {}) } as events.EventPattern;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
