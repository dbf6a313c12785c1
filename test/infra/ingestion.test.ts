import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../lib/local/event-pattern-matcher.js';
import {
  cloudTrailPatterns,
  DEFAULT_CLOUDTRAIL_SELECTIONS,
  EVENT_PATTERN_MAX_CHARS,
  Ingestion,
  type CloudTrailSelection,
} from '../../lib/ingestion.js';
import { synthFirebreak } from './support/synth-firebreak.js';

type RuleResource = { Properties: { EventPattern: unknown; State: string; Description: string; Targets: Record<string, unknown>[] } };

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** What EventBridge delivers for a CloudTrail record: the record as `detail` of an envelope. */
function cloudTrailEnvelope(record: Record<string, unknown>, detailType = 'AWS API Call via CloudTrail'): Record<string, unknown> {
  const service = String(record.eventSource).replace(/\.amazonaws\.com$/, '');
  return {
    version: '0',
    id: 'test',
    'detail-type': detailType,
    source: `aws.${service}`,
    account: '123456789012',
    time: record.eventTime,
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}

function pantherRecord(file: string, eventName: string): Record<string, unknown> {
  const tests = (fixture(file) as { Tests: { Log: Record<string, unknown> }[] }).Tests;
  const found = tests.find((test) => test.Log.eventName === eventName);
  expect(found, `${file} ${eventName}`).toBeDefined();
  return found!.Log;
}

let rules: Record<string, RuleResource>;
/** Descriptions of the synthesized rules an event matches. */
function matchingRules(event: unknown): string[] {
  return Object.values(rules)
    .filter((rule) => compileEventPattern(rule.Properties.EventPattern)(event))
    .map((rule) => rule.Properties.Description);
}

beforeAll(() => {
  rules = synthFirebreak().template.findResources('AWS::Events::Rule') as Record<string, RuleResource>;
});

describe('EventBridge rules of the synthesized stack', () => {
  it('route a real GuardDuty finding envelope to the GuardDuty rule only', () => {
    expect(matchingRules(fixture('integration/guardduty-iam-credential-finding.json'))).toEqual(['Firebreak: GuardDuty findings']);
  });

  it('route a new, active Security Hub control finding (no ProductName, older ASFF) to the Security Hub rule', () => {
    expect(matchingRules(fixture('infra/CIS-1.3.json'))).toEqual(['Firebreak: Security Hub findings: new and active, not GuardDuty copies']);
  });

  it('skip Security Hub findings Firebreak already moved on, and GuardDuty copies in Security Hub', () => {
    const envelope = fixture('infra/CIS-1.3.json') as { detail: { findings: Record<string, unknown>[] } };
    const notified = structuredClone(envelope);
    notified.detail.findings[0]!.Workflow = { Status: 'NOTIFIED' };
    const guardDutyCopy = structuredClone(envelope);
    guardDutyCopy.detail.findings[0]!.ProductArn = 'arn:aws:securityhub:us-east-1::product/aws/guardduty';

    expect(matchingRules(notified)).toEqual([]);
    expect(matchingRules(guardDutyCopy)).toEqual([]);
  });

  it('take Security Hub custom actions named Firebreak only', () => {
    const otherTool = fixture('infra/event-securityhub-iamkey-finding-action.json');
    const ours = { ...otherTool, resources: ['arn:aws:securityhub:us-east-1:644160558196:action/custom/Firebreak'] };

    expect(matchingRules(otherTool)).toEqual([]);
    expect(matchingRules(ours)).toEqual(['Firebreak: Security Hub custom action Firebreak']);
  });

  it('route CloudTrail write events of the credential and defence-tampering flow, and ignore benign ones', () => {
    const stopLogging = cloudTrailEnvelope(pantherRecord('infra/aws_cloudtrail_stopped.tests.json', 'StopLogging'));
    const startLogging = cloudTrailEnvelope(pantherRecord('infra/aws_cloudtrail_stopped.tests.json', 'StartLogging'));
    const createUser = (fixture('infra/aws-cloudtrail-user-guide__examples.json') as { examples: { content: { Records?: Record<string, unknown>[] } }[] }).examples
      .flatMap((example) => example.content.Records ?? [])
      .find((record) => record.eventName === 'CreateUser');

    expect(matchingRules(stopLogging)).toEqual(['Firebreak: CloudTrail write management events used by detection']);
    expect(matchingRules(cloudTrailEnvelope(createUser!))).toEqual(['Firebreak: CloudTrail write management events used by detection']);
    expect(matchingRules(startLogging)).toEqual([]);
    expect(matchingRules(fixture('infra/event-cloud-trail-s3.json'))).toEqual([]);
  });

  it('route read-only secret reads through a rule whose state admits read-only management events', () => {
    const getSecretValue = cloudTrailEnvelope(pantherRecord('infra/aws_secretsmanager_retrieve_secrets.tests.json', 'GetSecretValue'));

    const matched = Object.values(rules).filter((rule) => compileEventPattern(rule.Properties.EventPattern)(getSecretValue));

    expect(matched.map((rule) => rule.Properties.State)).toEqual(['ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);
    const writeRules = Object.values(rules).filter((rule) => rule.Properties.Description.includes('write'));
    expect(writeRules.map((rule) => rule.Properties.State)).toEqual(['ENABLED']);
  });

  it('route console sign-ins (the CloudTrail guide’s ConsoleLogin example)', () => {
    const consoleLogin = (fixture('infra/aws-cloudtrail-user-guide__examples.json') as { examples: { content: Record<string, unknown> }[] }).examples
      .map((example) => example.content)
      .find((content) => content.eventName === 'ConsoleLogin');

    expect(matchingRules(cloudTrailEnvelope(consoleLogin!, 'AWS Console Sign In via CloudTrail'))).toEqual(['Firebreak: Console sign-ins (us-east-1 only)']);
  });

  it('deliver every event to the detect function with retries, a maximum age and an encrypted DLQ', () => {
    for (const rule of Object.values(rules)) {
      expect(rule.Properties.Targets).toEqual([
        {
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DetectFunction/), 'Arn'] },
          Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^IngestionDeadLetterQueue/), 'Arn'] } },
        },
      ]);
    }
    expect(Object.keys(rules)).toHaveLength(6);
  });
});

describe('cloudTrailPatterns', () => {
  const manyNames = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}SomeRatherLongApiOperationName${i}`);

  it('splits a selection too long for one pattern into rules that each fit 4,096 characters and together keep every name', () => {
    const selections: CloudTrailSelection[] = [
      { eventSource: 'iam.amazonaws.com', readOnly: false, eventNames: manyNames('Iam', 120) },
      { eventSource: 'ec2.amazonaws.com', readOnly: false, eventNames: manyNames('Ec2', 40) },
      { eventSource: 'ssm.amazonaws.com', readOnly: true, eventNames: manyNames('Ssm', 10) },
    ];

    const patterns = cloudTrailPatterns(selections);

    expect(patterns.length).toBeGreaterThan(2);
    for (const pattern of patterns) expect(JSON.stringify(pattern.pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    const names = (readOnly: boolean) =>
      patterns.filter((p) => p.readOnly === readOnly).flatMap((p) => (p.pattern.detail as { eventName: string[] }).eventName).sort();
    expect(names(false)).toEqual([...manyNames('Iam', 120), ...manyNames('Ec2', 40)].sort());
    expect(names(true)).toEqual(manyNames('Ssm', 10).sort());
    expect(patterns.filter((p) => p.readOnly).map((p) => p.name)).toEqual(['ReadOnly1']);
  });

  it('keeps read-only and write events in separate rules, sources derived from event sources', () => {
    const patterns = cloudTrailPatterns(DEFAULT_CLOUDTRAIL_SELECTIONS);

    expect(patterns.map((p) => [p.name, p.readOnly])).toEqual([
      ['Write1', false],
      ['ReadOnly1', true],
    ]);
    expect(patterns[1]!.pattern).toEqual({
      source: ['aws.ec2', 'aws.secretsmanager', 'aws.ssm'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['ec2.amazonaws.com', 'secretsmanager.amazonaws.com', 'ssm.amazonaws.com'],
        eventName: ['GetParameter', 'GetParameters', 'GetPasswordData', 'GetSecretValue'],
      },
    });
  });

  it('fails synth naming the rule when a given pattern is over the limit', () => {
    const stack = new Stack(new App(), 'Test');
    const detector = new lambda.Function(stack, 'Detector', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const huge = { name: 'Huge', readOnly: false, pattern: { source: ['aws.iam'], detail: { eventName: manyNames('X', 200) } } };

    expect(() => new Ingestion(stack, 'Ingestion', { detector, cloudTrailPatterns: [huge] })).toThrow(
      /EventBridge rule CloudTrailHuge: event pattern is \d+ characters, over the 4096-character limit; split it across rules/,
    );
  });
});
