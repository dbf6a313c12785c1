import { readFileSync } from 'node:fs';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { gatherPrincipalActivity } from '../../../../lambdas/actions/cloudtrail/gather-principal-activity.js';
import { ACCOUNT, actionContext, finding, NOW } from '../action-test-kit.js';

const cloudTrail = mockClient(CloudTrailClient);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/containment/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
// Real CloudTrail records from the CloudTrail user guide: a console sign-in of `anaya`, and API calls made with Alice's key.
const login = fixture('cloudtrail-console-login-success.json').record as Record<string, unknown>;
const apiRecords = fixture('cloudtrail-iam-user-api-records.json').Records as Record<string, unknown>[];

const asLookupEvent = (record: Record<string, unknown>, username: string) => ({
  EventId: String(record.eventID ?? 'id'),
  EventName: String(record.eventName),
  EventTime: new Date(String(record.eventTime)),
  Username: username,
  CloudTrailEvent: JSON.stringify(record),
});

const keyFinding = finding({
  type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
  resourceClass: 'AccessKey',
  principal: { type: 'IAMUser', userName: 'anaya', accessKeyId: 'EXAMPLE_KEY_ID', arn: `arn:aws:iam::${ACCOUNT}:user/anaya` },
  network: { remoteIp: '198.51.100.7' },
});

describe('cloudtrail/gather-principal-activity', () => {
  beforeEach(() => cloudTrail.reset());

  it('asks for 7 days of ConsoleLogin and 24 hours of the key\'s calls, and reports anomalous source IPs', async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] })
      .resolves({ Events: [asLookupEvent(login, 'anaya'), asLookupEvent({ ...login, sourceIPAddress: '203.0.113.9' }, 'someone-else')] });
    cloudTrail
      .on(LookupEventsCommand, { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'EXAMPLE_KEY_ID' }] })
      .resolves({ Events: apiRecords.map((r) => asLookupEvent(r, 'anaya')) });
    const params = gatherPrincipalActivity.paramsFromFinding(keyFinding)!;
    // Act
    const result = await gatherPrincipalActivity.execute(params, actionContext({ allowlists: { principals: [], cidrs: ['127.0.0.0/8'], resourceTags: [] } }));
    // Assert
    expect(cloudTrail.calls().map((c) => c.args[0].input)).toEqual([
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }], StartTime: new Date(NOW.getTime() - 7 * 86400_000), EndTime: NOW, MaxResults: 50 },
      { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'EXAMPLE_KEY_ID' }], StartTime: new Date(NOW.getTime() - 86400_000), EndTime: NOW, MaxResults: 50 },
    ]);
    expect(result.status).toBe('done');
    const evidence = result.status === 'done' ? (result.evidence as Record<string, any>) : {};
    expect(evidence.logins).toMatchObject({ count: 1, withoutMfa: 0, recent: [{ eventName: 'ConsoleLogin', sourceIp: '192.0.2.0', mfaUsed: 'Yes', outcome: 'Success' }] });
    expect(evidence.activity.count).toBe(6);
    expect(evidence.activity.sourceIps).toEqual([
      { value: '127.0.0.1', count: 2 },
      { value: '205.251.233.176', count: 2 },
      { value: '205.251.233.182', count: 1 },
      { value: '72.21.198.64', count: 1 },
    ]);
    // 127.0.0.1 is in allowlists.cidrs; the finding's own IP is always listed.
    expect(evidence.anomalousIps).toEqual(['205.251.233.176', '205.251.233.182', '72.21.198.64', '198.51.100.7']);
  });

  it('follows NextToken up to its page bound and says the result is truncated', async () => {
    // Prepare
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [], NextToken: 'more' });
    // Act
    const result = await gatherPrincipalActivity.execute(gatherPrincipalActivity.paramsFromFinding(keyFinding)!, actionContext());
    // Assert
    expect(cloudTrail.calls()).toHaveLength(4 + 6);
    expect(cloudTrail.calls()[1]?.args[0].input).toMatchObject({ NextToken: 'more' });
    expect(result).toMatchObject({ status: 'done', evidence: { truncated: ['logins', 'activity'] } });
  });

  it('in dry-run it calls nothing and returns the lookups it would make', async () => {
    const result = await gatherPrincipalActivity.execute(gatherPrincipalActivity.paramsFromFinding(keyFinding)!, actionContext({ dryRun: true }));
    expect(cloudTrail.calls()).toHaveLength(0);
    expect(result.calls.map((c) => [c.operation, c.params.LookupAttributes])).toEqual([
      ['LookupEvents', [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }]],
      ['LookupEvents', [{ AttributeKey: 'AccessKeyId', AttributeValue: 'EXAMPLE_KEY_ID' }]],
    ]);
  });

  it('uses the role session name for an assumed role', () => {
    const params = gatherPrincipalActivity.paramsFromFinding(
      finding({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', resourceClass: 'AccessKey', principal: { type: 'AssumedRole', roleName: 'web', sessionName: 'i-0abc' } }),
    );
    expect(params).toEqual({ principalType: 'AssumedRole', lookupUsername: 'i-0abc' });
  });
});
