import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { toReplayEnvelopes } from '../../../lib/local/replay-event.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/integration/${name}`, import.meta.url), 'utf8'));
const GUARDDUTY_EVENT = fixture('guardduty-iam-credential-finding.json');
const STOP_LOGGING = fixture('cloudtrail-stop-logging.json');
const PARTIAL_ENVELOPE = fixture('guardduty-ssh-bruteforce-not-sample.json');

describe('toReplayEnvelopes', () => {
  it('passes an EventBridge event through unchanged', () => {
    // Act
    const [envelope] = toReplayEnvelopes(GUARDDUTY_EVENT);
    // Assert
    expect(envelope).toEqual({ recognizedAs: 'eventbridge', event: GUARDDUTY_EVENT });
  });

  it('wraps a bare GuardDuty finding in the GuardDuty Finding envelope of its account and region, deterministically', () => {
    // Act
    const [first] = toReplayEnvelopes(GUARDDUTY_EVENT.detail);
    const [again] = toReplayEnvelopes(GUARDDUTY_EVENT.detail);
    // Assert
    expect(first?.recognizedAs).toBe('guardduty-finding');
    expect(first?.event).toMatchObject({
      source: 'aws.guardduty',
      'detail-type': 'GuardDuty Finding',
      account: '883606788610',
      region: 'us-east-1',
      time: GUARDDUTY_EVENT.detail.updatedAt,
      detail: GUARDDUTY_EVENT.detail,
    });
    expect(again?.event.id).toBe(first?.event.id);
  });

  it('completes a partial {region, detail} envelope', () => {
    const [envelope] = toReplayEnvelopes(PARTIAL_ENVELOPE);
    expect(envelope?.recognizedAs).toBe('guardduty-finding');
    expect(envelope?.event).toMatchObject({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', region: 'us-east-1' });
  });

  it('wraps a CloudTrail API call under aws.<service>, a console sign-in under aws.signin', () => {
    // Prepare
    const signIn = { ...STOP_LOGGING, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin' };
    // Act
    const [api] = toReplayEnvelopes(STOP_LOGGING);
    const [login] = toReplayEnvelopes(signIn);
    // Assert
    expect(api?.event).toMatchObject({ source: 'aws.cloudtrail', 'detail-type': 'AWS API Call via CloudTrail', region: STOP_LOGGING.awsRegion });
    expect(login?.event).toMatchObject({ source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail' });
  });

  it('wraps a service event and every record of a CloudTrail log file', () => {
    const service = { ...STOP_LOGGING, eventSource: 'kms.amazonaws.com', eventName: 'RotateKey', eventType: 'AwsServiceEvent' };
    const envelopes = toReplayEnvelopes({ Records: [STOP_LOGGING, service] });
    expect(envelopes.map((envelope) => [envelope.event.source, envelope.event['detail-type']])).toEqual([
      ['aws.cloudtrail', 'AWS API Call via CloudTrail'],
      ['aws.kms', 'AWS Service Event via CloudTrail'],
    ]);
  });

  it('wraps a bare ASFF finding as Security Hub Findings - Imported', () => {
    // Prepare
    const asff = { SchemaVersion: '2018-10-08', Id: 'arn:finding/1', ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub', AwsAccountId: '111111111111', Region: 'eu-west-1', UpdatedAt: '2026-01-01T00:00:00Z' };
    // Act
    const [envelope] = toReplayEnvelopes(asff);
    // Assert
    expect(envelope?.event).toMatchObject({
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Imported',
      account: '111111111111',
      region: 'eu-west-1',
      detail: { findings: [asff] },
    });
  });

  it.each([
    [null, 'expected a JSON object (an event or a finding), got null'],
    [[], 'the input is an empty array: nothing to replay'],
    [{ Records: [] }, 'the CloudTrail log has no Records'],
    [{ Records: [{ foo: 1 }] }, 'Records[0] is not a CloudTrail record'],
    [{ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding' }, 'the EventBridge event has no detail object'],
    [{ hello: 'world' }, 'unrecognized input (keys: hello)'],
  ])('refuses %j with a message naming the problem', (input, message) => {
    // Act
    const wrap = () => toReplayEnvelopes(input);
    // Assert
    expect(wrap).toThrow(ValidationError);
    expect(wrap).toThrow(message);
  });
});
