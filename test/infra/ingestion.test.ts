import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../lib/local/event-pattern-matcher.js';
import { detectionCloudTrailPatterns, EVENT_PATTERN_MAX_CHARS, Ingestion } from '../../lib/ingestion.js';
import { synthFirebreak } from './support/synth-firebreak.js';
import { eventBridgeEventFor, loadCloudTrailCorpus } from '../../bench/cloudtrail-corpus.js';
import { generateCloudTrailPatterns } from '../../lambdas/core/rules/eventbridge-patterns.js';
import { activeRules } from '../../lambdas/core/rules/rule-pack.js';

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
/** Construct ids (logical id without the hash) of the synthesized rules an event matches. */
function matchingRules(event: unknown): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => compileEventPattern(rule.Properties.EventPattern)(event))
    .map(([logicalId]) => logicalId.replace(/^Ingestion/, '').replace(/[0-9A-F]{8}$/, ''));
}

beforeAll(() => {
  // The rules that feed the detector (the SLA schedule is a rule too, without a pattern).
  const all = synthFirebreak().template.findResources('AWS::Events::Rule') as Record<string, RuleResource>;
  rules = Object.fromEntries(Object.entries(all).filter(([id]) => id.startsWith('Ingestion')));
});

describe('EventBridge rules of the synthesized stack', () => {
  it('route a real GuardDuty finding envelope to the GuardDuty rule only', () => {
    expect(matchingRules(fixture('integration/guardduty-iam-credential-finding.json'))).toEqual(['GuardDutyFindings']);
  });

  it('route a new, active Security Hub control finding (no ProductName, older ASFF) to the Security Hub rule', () => {
    expect(matchingRules(fixture('infra/CIS-1.3.json'))).toEqual(['SecurityHubFindings']);
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
    expect(matchingRules(ours)).toEqual(['SecurityHubCustomAction']);
  });

  it('route CloudTrail write events the detection rules use (StopLogging, CreateUser) to write-event rules', () => {
    const stopLogging = cloudTrailEnvelope(pantherRecord('infra/aws_cloudtrail_stopped.tests.json', 'StopLogging'));
    const createUser = (fixture('infra/aws-cloudtrail-user-guide__examples.json') as { examples: { content: { Records?: Record<string, unknown>[] } }[] }).examples
      .flatMap((example) => example.content.Records ?? [])
      .find((record) => record.eventName === 'CreateUser');

    for (const event of [stopLogging, cloudTrailEnvelope(createUser!)]) {
      const matched = matchingRules(event);
      // A write event needs no read-only state: at least one rule in the plain state must carry it.
      expect(matched.some((id) => id.startsWith('CloudTrailWrite')), JSON.stringify(matched)).toBe(true);
    }
  });

  it('route read-only secret reads only through rules whose state admits read-only management events', () => {
    const getSecretValue = cloudTrailEnvelope(pantherRecord('infra/aws_secretsmanager_retrieve_secrets.tests.json', 'GetSecretValue'));

    const matched = Object.values(rules).filter((rule) => compileEventPattern(rule.Properties.EventPattern)(getSecretValue));

    expect(matched.length).toBeGreaterThan(0);
    // A read-only event reaches only rules in this state; a match by a write-state rule would be a rule that never fires.
    expect(new Set(matched.map((rule) => rule.Properties.State))).toEqual(new Set(['ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']));
  });

  it('route console sign-ins (the CloudTrail guide’s ConsoleLogin example)', () => {
    const consoleLogin = (fixture('infra/aws-cloudtrail-user-guide__examples.json') as { examples: { content: Record<string, unknown> }[] }).examples
      .map((example) => example.content)
      .find((content) => content.eventName === 'ConsoleLogin');

    expect(matchingRules(cloudTrailEnvelope(consoleLogin!, 'AWS Console Sign In via CloudTrail')).length).toBeGreaterThan(0);
  });

  it('synthesize exactly the CloudTrail patterns the detection rule set generates, read-only ones in the read-only state', () => {
    const generated = detectionCloudTrailPatterns();
    const cloudTrailRules = Object.entries(rules).filter(([id]) => id.startsWith('IngestionCloudTrail'));

    expect(cloudTrailRules).toHaveLength(generated.length);
    for (const pattern of generated) {
      const [, rule] = cloudTrailRules.find(([id]) => id.startsWith(`Ingestion${pattern.name}`))!;
      expect(rule.Properties.EventPattern).toEqual(pattern.pattern);
      expect(rule.Properties.State).toBe(pattern.readOnly ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED');
      expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    }
    expect(generated.some((pattern) => pattern.readOnly)).toBe(true);
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
    expect(Object.keys(rules).length).toBe(3 + detectionCloudTrailPatterns().length);
  });
});

describe('CloudTrail rules deliver each event once', () => {
  /** Every CloudTrail record of the fixtures (corpus and synthetic), as the bus would carry it. */
  function fixtureEvents(): Record<string, unknown>[] {
    const synthetic = fixture('cloudtrail/firebreak-synthetic/synthetic-records.json') as Record<string, { record: Record<string, unknown> }>;
    return [...loadCloudTrailCorpus(), ...Object.values(synthetic).map((entry) => entry.record)].map(eventBridgeEventFor);
  }

  function assertDisjoint(cloudTrailRules: [string, RuleResource][]) {
    const compiled = cloudTrailRules.map(([id, rule]) => ({ id, state: rule.Properties.State, match: compileEventPattern(rule.Properties.EventPattern) }));
    const events = fixtureEvents();
    const matchedBy = events.map((event) => compiled.filter(({ match }) => match(event)));
    // As replay routes them: a read-only call only reaches rules in the read-only state.
    const delivered = events.map((event, i) =>
      matchedBy[i]!.filter(({ state }) => !(event.detail as { readOnly?: unknown }).readOnly || state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'),
    );
    expect(events.length).toBeGreaterThan(400);
    expect(matchedBy.map((rules, i) => (rules.length > 1 ? `${i}: ${rules.map((r) => r.id).join(', ')}` : '')).filter(Boolean)).toEqual([]);
    expect(delivered.filter((rules) => rules.length === 1).length).toBeGreaterThan(300);
    for (const [, rule] of cloudTrailRules) expect(JSON.stringify(rule.Properties.EventPattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  }

  it('no two CloudTrail rules of the default stack match the same fixture event, and every pattern fits in 4096 characters', () => {
    assertDisjoint(Object.entries(rules).filter(([id]) => id.startsWith('IngestionCloudTrail')));
  });

  it('the same with the SigmaHQ pack on (its rules that take every event disabled, so the partition is not one catch-all)', () => {
    // Prepare
    const unfiltered = generateCloudTrailPatterns(activeRules(['builtin', 'sigmahq'])).unfiltered;
    const { template } = synthFirebreak({ config: { detection: { packs: ['builtin', 'sigmahq'], disabledRules: unfiltered } } });
    // Act
    const synthesized = Object.entries(template.findResources('AWS::Events::Rule') as Record<string, RuleResource>).filter(([id]) => id.startsWith('IngestionCloudTrail'));
    // Assert
    expect(unfiltered.length).toBeGreaterThan(0);
    expect(synthesized.length).toBeGreaterThan(3);
    assertDisjoint(synthesized);
  });

  it('warns at synth when a rule needs every CloudTrail event (SigmaHQ pack on), naming the rule; silent by default', () => {
    // Prepare / Act
    const withSigma = synthFirebreak({ config: { detection: { packs: ['builtin', 'sigmahq'] } } });
    const byDefault = synthFirebreak();
    // Assert
    const warnings = Annotations.fromStack(withSigma.stack).findWarning('*', Match.stringLikeRegexp('every CloudTrail management event'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.entry.data)).toContain('aws-cloudtrail-imds-malicious-usage');
    expect(Annotations.fromStack(byDefault.stack).findWarning('*', Match.stringLikeRegexp('every CloudTrail management event'))).toEqual([]);
  });

  it('route iam:CreateAccessKey (mutating prefix and IAM rules both want it) through one write rule', () => {
    const createAccessKey = cloudTrailEnvelope(pantherRecord('cloudtrail/panther-analysis-tests/aws_iam_user_key_created.tests.json', 'CreateAccessKey'));
    expect(matchingRules(createAccessKey)).toEqual([expect.stringMatching(/^CloudTrailWrite\d+$/)]);
  });
});

describe('CloudTrail rules follow the detection config', () => {
  it('drop the read-only rule (and its costly state) when the rules that need read-only events are disabled', () => {
    const readOnlyRules = [...new Set(detectionCloudTrailPatterns().filter((p) => p.readOnly).flatMap((p) => p.rules ?? []))];
    const detection = { packs: ['builtin'] as const, disabledRules: readOnlyRules };
    expect(readOnlyRules.length).toBeGreaterThan(0);

    const { template } = synthFirebreak({ config: { detection } });

    const synthesized = Object.entries(template.findResources('AWS::Events::Rule')).filter(([id]) => id.startsWith('IngestionCloudTrail'));
    expect(synthesized.map(([, rule]) => (rule as RuleResource).Properties.EventPattern)).toEqual(
      detectionCloudTrailPatterns({ packs: ['builtin'], disabledRules: readOnlyRules }).map((p) => p.pattern),
    );
    expect(synthesized.map(([, rule]) => (rule as RuleResource).Properties.State)).not.toContain('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    const getSecretValue = cloudTrailEnvelope(pantherRecord('infra/aws_secretsmanager_retrieve_secrets.tests.json', 'GetSecretValue'));
    expect(synthesized.some(([, rule]) => compileEventPattern((rule as RuleResource).Properties.EventPattern)(getSecretValue))).toBe(false);
  });
});

describe('global services', () => {
  it('note on synth that IAM, STS and sign-in events reach EventBridge only in us-east-1 when deployed elsewhere', () => {
    const elsewhere = synthFirebreak({ props: { env: { account: '123456789012', region: 'eu-west-1' } } }).stack;
    const home = synthFirebreak({ props: { env: { account: '123456789012', region: 'us-east-1' } } }).stack;

    const notes = (stack: typeof home) => Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('us-east-1'));
    expect(notes(elsewhere).map((note) => String(note.entry.data))).toEqual([
      'IAM, STS and console sign-in events reach EventBridge only in us-east-1; this stack is in eu-west-1. Deploy Firebreak in us-east-1 too, or forward those events here.',
    ]);
    expect(notes(home)).toEqual([]);
  });
});

describe('Ingestion', () => {
  const manyNames = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}SomeRatherLongApiOperationName${i}`);

  it('fails synth naming the rule when a given pattern is over the limit', () => {
    const stack = new Stack(new App(), 'Test');
    const detector = new lambda.Function(stack, 'Detector', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    const huge = { name: 'Huge', readOnly: false, pattern: { source: ['aws.iam'], detail: { eventName: manyNames('X', 200) } } };

    expect(() => new Ingestion(stack, 'Ingestion', { detector, cloudTrailPatterns: [huge] })).toThrow(
      /EventBridge rule Huge: event pattern is \d+ characters, over the 4096-character limit; split it across rules/,
    );
  });
});
