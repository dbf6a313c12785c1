import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../lib/local/local-runtime.js';
import { toReplayEnvelopes } from '../../lib/local/replay-event.js';

// `firebreak replay` routes an event through the synthesized EventBridge rules as the bus does (one delivery per matching
// rule, read-only calls only to rules in the read-only state): each CloudTrail event must reach the detector once.
// Records are corpus records (test/fixtures/SOURCES.md), some with one field changed to hit an overlap case.

const panther = (file: string, name: string) =>
  (JSON.parse(readFileSync(new URL(`../fixtures/cloudtrail/panther-analysis-tests/${file}`, import.meta.url), 'utf8')) as { Tests: { Name: string; Log: Record<string, unknown> }[] }).Tests.find(
    (test) => test.Name === name,
  )!.Log;
const CREATE_ACCESS_KEY = panther('aws_iam_user_key_created.tests.json', 'user1 create keys for user2');

let local: LocalRuntime;

beforeAll(async () => {
  local = await createLocalRuntime({ accountId: '123456789012', region: 'us-east-1' });
});

afterAll(async () => {
  await local?.close();
});

/** The CloudTrail rules of the stack that would receive the record. */
function rulesFor(record: Record<string, unknown>): string[] {
  const [envelope] = toReplayEnvelopes(record);
  return local.matchRules(envelope!.event).map((rule) => rule.name);
}

describe('replay delivers a CloudTrail event to the detector once', () => {
  it('iam:CreateAccessKey for another user (the mutating-call prefixes and the IAM rules both want it): one rule, one delivery', async () => {
    // Act
    const result = await local.replay(CREATE_ACCESS_KEY);
    // Assert
    expect(result.matchedRules.map((rule) => rule.logicalId)).toEqual([expect.stringMatching(/^IngestionCloudTrailWrite\d+/)]);
    expect(result.deliveries).toHaveLength(1);
    expect(result.deliveries[0]!.findings.map((finding) => finding.type)).toContain('iam-access-key-created-for-other-user');
  });

  it('read-only calls, root activity and console sign-ins each reach exactly one rule', () => {
    // Prepare
    const base = { ...CREATE_ACCESS_KEY, requestParameters: {}, responseElements: null };
    const cases = {
      listUsers: { ...base, eventName: 'ListUsers', readOnly: true },
      rootCreateUser: { ...base, eventName: 'CreateUser', userIdentity: { type: 'Root', accountId: '123456789012' } },
      rootSecretRead: { ...base, eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', readOnly: true, userIdentity: { type: 'Root' } },
      consoleLogin: { ...base, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', readOnly: false },
      otherServiceDelete: { ...base, eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable' },
    };
    // Act
    const routed = Object.fromEntries(Object.entries(cases).map(([name, record]) => [name, rulesFor(record)]));
    // Assert
    for (const [name, matched] of Object.entries(routed)) expect(matched, name).toHaveLength(1);
    expect(routed.listUsers![0]).toMatch(/^IngestionCloudTrailReadOnly/);
    expect(routed.rootSecretRead![0]).toMatch(/^IngestionCloudTrailReadOnly/);
    expect(routed.rootCreateUser![0]).toMatch(/^IngestionCloudTrailWrite/);
  });
});
