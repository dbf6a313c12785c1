import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** EventBridge refuses an event pattern longer than this (characters of its JSON). */
export const EVENT_PATTERN_MAX_CHARS = 4096;

/** A CloudTrail event pattern for one rule, and whether it needs read-only management events (`Get*`, `List*`, `Describe*`). */
export interface CloudTrailPattern {
  /** Short PascalCase name; becomes part of the rule's construct id. */
  readonly name: string;
  readonly readOnly: boolean;
  readonly pattern: Readonly<Record<string, unknown>>;
}

/** CloudTrail event names a detector can use, by event source; `readOnly` ones need the rule state for read-only events. */
export interface CloudTrailSelection {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  readonly readOnly: boolean;
}

/**
 * The fixed selection used until the detection rule set generates its own: the IAM credential flow (new keys, logins and
 * policies for a foothold), defence tampering, and the read-only secret reads that credential theft depends on.
 */
export const DEFAULT_CLOUDTRAIL_SELECTIONS: readonly CloudTrailSelection[] = [
  {
    eventSource: 'iam.amazonaws.com',
    readOnly: false,
    eventNames: [
      'CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateUser', 'AttachUserPolicy', 'PutUserPolicy',
      'AttachRolePolicy', 'PutRolePolicy', 'UpdateAssumeRolePolicy', 'AddUserToGroup', 'DeactivateMFADevice', 'DeleteVirtualMFADevice',
    ],
  },
  { eventSource: 'cloudtrail.amazonaws.com', readOnly: false, eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] },
  { eventSource: 'guardduty.amazonaws.com', readOnly: false, eventNames: ['DeleteDetector', 'UpdateDetector', 'DisassociateFromMasterAccount'] },
  { eventSource: 'secretsmanager.amazonaws.com', readOnly: true, eventNames: ['GetSecretValue'] },
  { eventSource: 'ssm.amazonaws.com', readOnly: true, eventNames: ['GetParameter', 'GetParameters'] },
  { eventSource: 'ec2.amazonaws.com', readOnly: true, eventNames: ['GetPasswordData'] },
];

/** `iam.amazonaws.com` → `aws.iam`: the `source` EventBridge gives CloudTrail events of that service. */
function sourceOf(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

function patternOf(selections: readonly { eventSource: string; eventNames: readonly string[] }[]): Record<string, unknown> {
  return {
    source: [...new Set(selections.map((selection) => sourceOf(selection.eventSource)))].sort(),
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: [...new Set(selections.map((selection) => selection.eventSource))].sort(),
      eventName: [...new Set(selections.flatMap((selection) => selection.eventNames))].sort(),
    },
  };
}

/**
 * Turns selections into as few patterns as fit EventBridge's 4,096-character limit: write events and read-only events apart
 * (they need different rule states), event names chunked when one service lists too many. Combining services in one pattern
 * over-matches harmlessly (an event name of one service under another's source does not exist).
 */
export function cloudTrailPatterns(selections: readonly CloudTrailSelection[], maxChars = EVENT_PATTERN_MAX_CHARS): CloudTrailPattern[] {
  const result: CloudTrailPattern[] = [];
  for (const readOnly of [false, true]) {
    // Each service's names split into pieces that fit alone, then pieces packed greedily into patterns.
    const pieces = selections
      .filter((selection) => selection.readOnly === readOnly && selection.eventNames.length > 0)
      .flatMap((selection) => chunkNames(selection, maxChars));
    let current: { eventSource: string; eventNames: readonly string[] }[] = [];
    const flush = () => {
      if (current.length === 0) return;
      result.push({ name: `${readOnly ? 'ReadOnly' : 'Write'}${result.filter((p) => p.readOnly === readOnly).length + 1}`, readOnly, pattern: patternOf(current) });
      current = [];
    };
    for (const piece of pieces) {
      if (current.length > 0 && JSON.stringify(patternOf([...current, piece])).length > maxChars) flush();
      current.push(piece);
    }
    flush();
  }
  return result;
}

function chunkNames(selection: CloudTrailSelection, maxChars: number): { eventSource: string; eventNames: string[] }[] {
  const chunks: { eventSource: string; eventNames: string[] }[] = [];
  let names: string[] = [];
  for (const name of selection.eventNames) {
    const candidate = { eventSource: selection.eventSource, eventNames: [...names, name] };
    if (names.length > 0 && JSON.stringify(patternOf([candidate])).length > maxChars) {
      chunks.push({ eventSource: selection.eventSource, eventNames: names });
      names = [name];
    } else {
      names = candidate.eventNames;
    }
  }
  if (names.length > 0) chunks.push({ eventSource: selection.eventSource, eventNames: names });
  return chunks;
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
  consoleSignIn: { source: ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'] },
} as const;

export interface IngestionProps {
  /** The detect function every rule targets. */
  readonly detector: lambda.IFunction;
  /** CloudTrail patterns (from the detection rule set); @default cloudTrailPatterns(DEFAULT_CLOUDTRAIL_SELECTIONS) */
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
    this.addRule('ConsoleSignIn', 'Console sign-ins (us-east-1 only)', FINDING_PATTERNS.consoleSignIn, target);

    for (const cloudTrail of props.cloudTrailPatterns ?? cloudTrailPatterns(DEFAULT_CLOUDTRAIL_SELECTIONS)) {
      const rule = this.addRule(
        `CloudTrail${cloudTrail.name}`,
        `CloudTrail ${cloudTrail.readOnly ? 'read-only' : 'write'} management events used by detection`,
        cloudTrail.pattern,
        target,
      );
      if (cloudTrail.readOnly) {
        // Without this state a rule never sees read-only management events (Get*/List*/Describe*).
        (rule.node.defaultChild as events.CfnRule).addPropertyOverride('State', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      }
    }

    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
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
