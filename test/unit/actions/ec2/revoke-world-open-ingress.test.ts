import { readFileSync } from 'node:fs';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand, EC2Client, RevokeSecurityGroupIngressCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { revokeWorldOpenIngress } from '../../../../lambdas/actions/ec2/revoke-world-open-ingress.js';
import { parseFirebreakConfig } from '../../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../../lambdas/core/detection/detect-events.js';
import { actionContext, doneRecord, finding, sentRequests } from '../action-test-kit.js';
import { instanceFinding } from './ec2-fixtures.js';

const ec2 = mockClient(EC2Client);
const cloudTrail = mockClient(CloudTrailClient);
/** Panther's test event "Go Script Authorize Ingress": 0.0.0.0/0 on port 22 (test/fixtures/SOURCES.md). */
const AUTHORIZE_RECORD = (
  JSON.parse(readFileSync(new URL('../../../fixtures/cloudtrail/panther-analysis-tests/aws_ec2_manual_security_group_changes.tests.json', import.meta.url), 'utf8')) as {
    Tests: { Name: string; Log: Record<string, unknown> }[];
  }
).Tests.find((t) => t.Name === 'Go Script Authorize Ingress')!.Log;
const GROUP = 'sg-0123456789abcdef0';
/** As CloudTrail records AuthorizeSecurityGroupIngress (requestParameters.ipPermissions.items). */
const cloudTrailFinding = finding({
  type: 'firebreak.ec2.security-group-opened-to-world',
  source: 'cloudtrail',
  product: 'Firebreak',
  resourceClass: 'SecurityGroup',
  resources: [
    {
      type: 'AWS::EC2::SecurityGroup',
      id: GROUP,
      tags: {},
      details: { requestParameters: { groupId: GROUP, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } } },
    },
  ],
});

const group = (permissions: SecurityGroup['IpPermissions']): SecurityGroup => ({ GroupId: GROUP, GroupName: 'web', VpcId: 'vpc-1', IpPermissions: permissions, Tags: [] });
const SSH_WORLD = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp' }, { CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
const HTTPS_WORLD = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('ec2/revoke-world-open-ingress', () => {
  beforeEach(() => {
    ec2.reset();
    cloudTrail.reset();
  });

  it('from a Firebreak rule finding: reads the group and rule from the CloudTrail event itself, then revokes exactly that', async () => {
    // Prepare: the real detection path turns the record into a finding that names the event, not its request.
    const detection = await detectEvents(AUTHORIZE_RECORD, { config: parseFirebreakConfig({}), now: new Date('2026-11-25T15:00:00Z') });
    const ruleFinding = detection.kind === 'detected' ? detection.findings.map((f) => f.finding).find((f) => f.ruleId === 'security-group-opened-to-world') : undefined;
    const eventId = String(AUTHORIZE_RECORD.eventID);
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [{ EventId: eventId, EventName: 'AuthorizeSecurityGroupIngress', CloudTrailEvent: JSON.stringify(AUTHORIZE_RECORD) }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ GroupId: 'sg-0d921df5d84f7270a', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, HTTPS_WORLD], Tags: [] }],
    });
    const params = revokeWorldOpenIngress.paramsFromFinding(ruleFinding!)!;
    // Act
    const result = await revokeWorldOpenIngress.execute(revokeWorldOpenIngress.params.parse(params), actionContext());
    // Assert
    expect(params).toMatchObject({ groupIds: [], cloudTrailEventId: eventId });
    expect(cloudTrail.commandCalls(LookupEventsCommand)[0]?.args[0].input).toEqual({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: eventId }] });
    expect(sentRequests(ec2)).toEqual([
      ['DescribeSecurityGroups', { GroupIds: ['sg-0d921df5d84f7270a'] }],
      ['RevokeSecurityGroupIngress', { GroupId: 'sg-0d921df5d84f7270a', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }],
    ]);
    expect(result.status).toBe('done');
  });

  it('fails loudly when CloudTrail cannot find the event yet', async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });
    const result = await revokeWorldOpenIngress.execute(revokeWorldOpenIngress.params.parse({ cloudTrailEventId: 'e-1' }), actionContext());
    expect(result).toMatchObject({ status: 'failed', errorName: 'CloudTrailEventNotFound' });
    expect(ec2.calls()).toHaveLength(0);
  });

  it('derives the group and port from the CloudTrail event, and from a GuardDuty port probe', () => {
    expect(revokeWorldOpenIngress.paramsFromFinding(cloudTrailFinding)).toEqual({ groupIds: [GROUP], match: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }], tags: {} });
    const probe = { ...instanceFinding, type: 'Recon:EC2/PortProbeUnprotectedPort', network: { localPort: 3389 } };
    expect(revokeWorldOpenIngress.paramsFromFinding(probe)).toMatchObject({ groupIds: ['sg-9918a123'], match: [{ ipProtocol: 'tcp', fromPort: 3389, toPort: 3389 }] });
  });

  it('revokes only the world ranges of the matching rule (the 10/8 source and port 443 stay)', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group([SSH_WORLD, HTTPS_WORLD])] });
    // Act
    const result = await revokeWorldOpenIngress.execute(revokeWorldOpenIngress.paramsFromFinding(cloudTrailFinding)!, actionContext());
    // Assert
    expect(sentRequests(ec2)).toEqual([
      ['DescribeSecurityGroups', { GroupIds: [GROUP] }],
      ['RevokeSecurityGroupIngress', { GroupId: GROUP, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }],
    ]);
    expect(result.status).toBe('done');
  });

  it('second run (rule gone) is already contained; a protected group is refused', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group([HTTPS_WORLD])] });
    const params = revokeWorldOpenIngress.paramsFromFinding(cloudTrailFinding)!;
    // Act
    const second = await revokeWorldOpenIngress.execute(params, actionContext());
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ ...group([SSH_WORLD]), Tags: [{ Key: 'exposure', Value: 'intended' }] }] });
    const refused = await revokeWorldOpenIngress.execute(params, actionContext({ allowlists: { principals: [], cidrs: [], resourceTags: [{ key: 'exposure', value: 'intended' }] } }));
    // Assert
    expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    expect(refused).toMatchObject({ status: 'skipped', refused: true });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('rollback re-authorizes what is missing, and nothing if someone re-added it', async () => {
    // Prepare
    const revoked = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temp' }] };
    ec2.on(DescribeSecurityGroupsCommand).resolvesOnce({ SecurityGroups: [group([])] }).resolves({ SecurityGroups: [group([SSH_WORLD])] });
    const record = doneRecord('ec2/revoke-world-open-ingress', 't', { revoked: [{ groupId: GROUP, permissions: [revoked] }] }, { revoked: [GROUP] });
    // Act
    const restored = await revokeWorldOpenIngress.rollback(record, actionContext());
    const changed = await revokeWorldOpenIngress.rollback(record, actionContext());
    // Assert
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand).map((c) => c.args[0].input)).toEqual([{ GroupId: GROUP, IpPermissions: [revoked] }]);
    expect(restored.status).toBe('done');
    expect(changed).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
  });

  it('dry-run names the exact revocation for a known port and calls nothing', async () => {
    const result = await revokeWorldOpenIngress.execute(revokeWorldOpenIngress.paramsFromFinding(cloudTrailFinding)!, actionContext({ dryRun: true }));
    expect(ec2.calls()).toHaveLength(0);
    expect(result.calls).toEqual([
      { service: 'ec2', operation: 'RevokeSecurityGroupIngress', params: { GroupId: GROUP, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] } },
    ]);
  });
});
