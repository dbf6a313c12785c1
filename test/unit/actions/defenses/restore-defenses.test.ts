import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand, StartConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDetectorCommand, GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { DescribeHubCommand, EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { startLogging } from '../../../../lambdas/actions/cloudtrail/start-logging.js';
import { startRecorder } from '../../../../lambdas/actions/config/start-recorder.js';
import { enableFlowLogs } from '../../../../lambdas/actions/ec2/enable-flow-logs.js';
import { enableDetector } from '../../../../lambdas/actions/guardduty/enable-detector.js';
import { enableHub } from '../../../../lambdas/actions/securityhub/enable-hub.js';
import { actionContext, doneRecord, finding, sentRequests } from '../action-test-kit.js';

const cloudTrail = mockClient(CloudTrailClient);
const guardDuty = mockClient(GuardDutyClient);
const securityHub = mockClient(SecurityHubClient);
const config = mockClient(ConfigServiceClient);
const ec2 = mockClient(EC2Client);
const TRAIL = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events';
const ruleFinding = (ruleId: string) => finding({ type: ruleId, ruleId, source: 'cloudtrail', product: 'Firebreak', resourceClass: 'Logging' });

describe('defense-restoring actions', () => {
  beforeEach(() => {
    for (const stub of [cloudTrail, guardDuty, securityHub, config, ec2]) stub.reset();
  });

  it('each applies only to the finding about its defense', () => {
    expect(startLogging.paramsFromFinding(ruleFinding('cloudtrail-logging-stopped'))).toEqual({ trailNames: [] });
    expect(startLogging.paramsFromFinding(finding({ type: 'Stealth:IAMUser/CloudTrailLoggingDisabled', resourceClass: 'AccessKey' }))).toEqual({ trailNames: [] });
    expect(enableDetector.paramsFromFinding(ruleFinding('guardduty-disabled'))).toEqual({});
    expect(enableHub.paramsFromFinding(ruleFinding('securityhub-disabled'))).toEqual({});
    expect(startRecorder.paramsFromFinding(finding({ type: 'security-control/Config.1', source: 'securityhub', product: 'Security Hub', resourceClass: 'Account' }))).toEqual({});
    expect(enableFlowLogs.paramsFromFinding(ruleFinding('vpc-flow-logs-deleted'))).toEqual({ vpcIds: [] });
    for (const action of [startLogging, enableDetector, enableHub, startRecorder, enableFlowLogs]) {
      expect(action.paramsFromFinding(ruleFinding('iam-user-created'))).toBeUndefined();
    }
  });

  it('cloudtrail/start-logging restarts only the trails that are not logging; second run already contained; rollback never stops logging', async () => {
    // Prepare
    cloudTrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'management-events', TrailARN: TRAIL, HomeRegion: 'us-east-1' }, { Name: 'eu', TrailARN: 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/eu', HomeRegion: 'eu-west-1' }] });
    cloudTrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    // Act
    const first = await startLogging.execute({ trailNames: [] }, actionContext());
    const second = await startLogging.execute({ trailNames: [] }, actionContext());
    const rollback = await startLogging.rollback(doneRecord('cloudtrail/start-logging', 't', { stopped: [TRAIL] }, {}), actionContext());
    // Assert
    expect(sentRequests(cloudTrail)).toEqual([
      ['DescribeTrails', { includeShadowTrails: false }],
      ['GetTrailStatus', { Name: TRAIL }],
      ['StartLogging', { Name: TRAIL }],
      ['DescribeTrails', { includeShadowTrails: false }],
      ['GetTrailStatus', { Name: TRAIL }],
    ]);
    expect(first).toMatchObject({ status: 'done', priorState: { stopped: [TRAIL] } });
    expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    expect(rollback.status).toBe('skipped');
  });

  it('cloudtrail/start-logging restarts the trail the event names, and escalates a deleted one instead of failing', async () => {
    // Prepare: a StopLogging finding names its trail; a DeleteTrail finding names one that is gone.
    const named = ruleFinding('cloudtrail-logging-stopped');
    named.resources = [{ type: 'AWS::CloudTrail::Trail', id: TRAIL, arn: TRAIL, region: 'us-east-1', tags: {}, details: {} }];
    cloudTrail.on(GetTrailStatusCommand, { Name: TRAIL }).resolves({ IsLogging: false });
    cloudTrail.on(GetTrailStatusCommand, { Name: 'deleted-trail' }).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    // Act
    const params = startLogging.paramsFromFinding(named)!;
    const restarted = await startLogging.execute(params, actionContext());
    const deleted = await startLogging.execute({ trailNames: ['deleted-trail'] }, actionContext());
    // Assert: no DescribeTrails (the trail is known), exactly that trail restarted; the deleted one skipped with its reason.
    expect(params).toEqual({ trailNames: [TRAIL] });
    expect(sentRequests(cloudTrail)).toEqual([
      ['GetTrailStatus', { Name: TRAIL }],
      ['StartLogging', { Name: TRAIL }],
      ['GetTrailStatus', { Name: 'deleted-trail' }],
    ]);
    expect(restarted).toMatchObject({ status: 'done', summary: `restarted logging on ${TRAIL}` });
    expect(deleted).toMatchObject({ status: 'skipped', reason: 'trail deleted-trail no longer exists (deleted)', escalation: expect.stringContaining('recreate the trail') });
  });

  it('guardduty/enable-detector updates a disabled detector, or creates a deleted one', async () => {
    // Prepare
    guardDuty.on(ListDetectorsCommand).resolvesOnce({ DetectorIds: ['d-1'] }).resolvesOnce({ DetectorIds: [] }).resolves({ DetectorIds: ['d-2'] });
    guardDuty.on(GetDetectorCommand).resolvesOnce({ Status: 'DISABLED', ServiceRole: 'r', CreatedAt: 'c' }).resolves({ Status: 'ENABLED', ServiceRole: 'r', CreatedAt: 'c' });
    guardDuty.on(CreateDetectorCommand).resolves({ DetectorId: 'd-2' });
    // Act
    const updated = await enableDetector.execute({}, actionContext());
    const created = await enableDetector.execute({}, actionContext());
    const already = await enableDetector.execute({}, actionContext());
    // Assert
    expect(guardDuty.commandCalls(UpdateDetectorCommand).map((c) => c.args[0].input)).toEqual([{ DetectorId: 'd-1', Enable: true }]);
    expect(guardDuty.commandCalls(CreateDetectorCommand).map((c) => c.args[0].input)).toEqual([{ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' }]);
    expect(updated.status).toBe('done');
    expect(created).toMatchObject({ status: 'done', priorState: { detector: null } });
    expect(already).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
  });

  it('securityhub/enable-hub enables a hub that is off, and leaves an enabled one alone', async () => {
    // Prepare
    securityHub.on(DescribeHubCommand).rejectsOnce(Object.assign(new Error('not subscribed'), { name: 'InvalidAccessException' })).resolves({ HubArn: 'arn:aws:securityhub:us-east-1:123456789012:hub/default' });
    // Act
    const first = await enableHub.execute({}, actionContext());
    const second = await enableHub.execute({}, actionContext());
    // Assert
    expect(securityHub.commandCalls(EnableSecurityHubCommand).map((c) => c.args[0].input)).toEqual([{ EnableDefaultStandards: true }]);
    expect(first.status).toBe('done');
    expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
  });

  it('config/start-recorder restarts stopped recorders and escalates when none exists', async () => {
    // Prepare
    config.on(DescribeConfigurationRecorderStatusCommand)
      .resolvesOnce({ ConfigurationRecordersStatus: [{ name: 'default', recording: false }] })
      .resolves({ ConfigurationRecordersStatus: [] });
    // Act
    const first = await startRecorder.execute({}, actionContext());
    const none = await startRecorder.execute({}, actionContext());
    // Assert
    expect(config.commandCalls(StartConfigurationRecorderCommand).map((c) => c.args[0].input)).toEqual([{ ConfigurationRecorderName: 'default' }]);
    expect(first).toMatchObject({ status: 'done', priorState: { stopped: ['default'] } });
    expect(none).toMatchObject({ status: 'skipped', escalation: expect.stringContaining('recorder') });
  });

  it('ec2/enable-flow-logs recreates flow logs for uncovered VPCs to the destination the account already uses', async () => {
    // Prepare
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0aaaaaaaaaaaaaaaa' }, { VpcId: 'vpc-0bbbbbbbbbbbbbbbb' }] });
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-0aaaaaaaaaaaaaaaa', FlowLogStatus: 'ACTIVE', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::central-flow-logs' }] });
    ec2.on(CreateFlowLogsCommand).resolves({ FlowLogIds: ['fl-2'], Unsuccessful: [] });
    // Act
    const result = await enableFlowLogs.execute({ vpcIds: [] }, actionContext());
    // Assert
    expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
      {
        ResourceIds: ['vpc-0bbbbbbbbbbbbbbbb'],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 's3',
        LogDestination: 'arn:aws:s3:::central-flow-logs',
        TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'firebreak:incident', Value: 'inc-0123456789abcdef0123' }] }],
      },
    ]);
    expect(result).toMatchObject({ status: 'done', appliedState: { flowLogIds: ['fl-2'] } });
  });

  it('ec2/enable-flow-logs escalates when there is no destination to copy', async () => {
    ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] });
    const result = await enableFlowLogs.execute({ vpcIds: ['vpc-0aaaaaaaaaaaaaaaa'] }, actionContext());
    expect(ec2.commandCalls(CreateFlowLogsCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: 'skipped', escalation: expect.any(String) });
  });

  it('in dry-run none of them calls AWS', async () => {
    for (const [action, params] of [[startLogging, { trailNames: [TRAIL] }], [enableDetector, {}], [enableHub, {}], [startRecorder, {}], [enableFlowLogs, { vpcIds: [] }]] as const) {
      const result = await (action as typeof enableHub).execute(params as never, actionContext({ dryRun: true }));
      expect(result.status).toBe('done');
      expect(result.calls.length).toBeGreaterThan(0);
    }
    for (const stub of [cloudTrail, guardDuty, securityHub, config, ec2]) expect(stub.calls()).toHaveLength(0);
    expect(cloudTrail.commandCalls(StartLoggingCommand)).toHaveLength(0);
  });
});
