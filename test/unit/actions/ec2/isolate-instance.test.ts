import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ISOLATION_GROUP_NAME, isolateInstance, TRANSIT_GROUP_NAME } from '../../../../lambdas/actions/ec2/isolate-instance.js';
import { actionContext, doneRecord, sentRequests } from '../action-test-kit.js';
import { ENI_ID, INSTANCE_ID, instanceFinding, liveInstance, ORIGINAL_GROUP, VPC_ID } from './ec2-fixtures.js';

const ec2 = mockClient(EC2Client);
const ISOLATION = 'sg-0150150150150150a';
const TRANSIT = 'sg-0777777777777777b';
const groupQuery = (name: string) => ({ Filters: [{ Name: 'vpc-id', Values: [VPC_ID] }, { Name: 'group-name', Values: [name] }] });

describe('ec2/isolate-instance', () => {
  beforeEach(() => ec2.reset());

  it('first run in a VPC: creates both groups, moves the ENI through transit (untracks flows) into isolation', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [liveInstance()] }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2.on(CreateSecurityGroupCommand, { GroupName: ISOLATION_GROUP_NAME }).resolves({ GroupId: ISOLATION });
    ec2.on(CreateSecurityGroupCommand, { GroupName: TRANSIT_GROUP_NAME }).resolves({ GroupId: TRANSIT });
    const params = isolateInstance.paramsFromFinding(instanceFinding)!;
    // Act
    const result = await isolateInstance.execute(params, actionContext());
    // Assert
    const requests = sentRequests(ec2);
    expect(requests.map(([op]) => op)).toEqual([
      'DescribeInstances',
      'DescribeSecurityGroups',
      'CreateSecurityGroup',
      'RevokeSecurityGroupEgress',
      'DescribeSecurityGroups',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'ModifyNetworkInterfaceAttribute',
      'ModifyNetworkInterfaceAttribute',
    ]);
    expect(requests[1]).toEqual(['DescribeSecurityGroups', groupQuery(ISOLATION_GROUP_NAME)]);
    expect(requests[2]?.[1]).toMatchObject({ GroupName: ISOLATION_GROUP_NAME, VpcId: VPC_ID });
    expect(requests[3]).toEqual(['RevokeSecurityGroupEgress', { GroupId: ISOLATION, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }]);
    expect(requests[6]).toEqual([
      'AuthorizeSecurityGroupIngress',
      { GroupId: TRANSIT, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] },
    ]);
    expect(requests.slice(8)).toEqual([
      ['ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: ENI_ID, Groups: [TRANSIT] }],
      ['ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: ENI_ID, Groups: [ISOLATION] }],
    ]);
    expect(result).toMatchObject({
      status: 'done',
      priorState: { instanceId: INSTANCE_ID, vpcId: VPC_ID, networkInterfaces: [{ id: ENI_ID, groups: [ORIGINAL_GROUP] }] },
      appliedState: { isolationGroupId: ISOLATION },
    });
  });

  it('reuses the VPC\'s existing groups and is already contained on the second run', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand, groupQuery(ISOLATION_GROUP_NAME)).resolves({ SecurityGroups: [{ GroupId: ISOLATION }] });
    ec2.on(DescribeSecurityGroupsCommand, groupQuery(TRANSIT_GROUP_NAME)).resolves({ SecurityGroups: [{ GroupId: TRANSIT }] });
    ec2.on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [{ Instances: [liveInstance()] }] })
      .resolves({ Reservations: [{ Instances: [liveInstance({ NetworkInterfaces: [{ NetworkInterfaceId: ENI_ID, Groups: [{ GroupId: ISOLATION }] }] })] }] });
    const params = isolateInstance.paramsFromFinding(instanceFinding)!;
    // Act
    const first = await isolateInstance.execute(params, actionContext());
    const second = await isolateInstance.execute(params, actionContext());
    // Assert
    expect(ec2.commandCalls(CreateSecurityGroupCommand)).toHaveLength(0);
    expect(ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand)).toHaveLength(2);
    expect(first.status).toBe('done');
    expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
  });

  it('a concurrent creation of the group (InvalidGroup.Duplicate) is re-read, not failed', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [liveInstance()] }] });
    ec2.on(DescribeSecurityGroupsCommand, groupQuery(ISOLATION_GROUP_NAME)).resolvesOnce({ SecurityGroups: [] }).resolves({ SecurityGroups: [{ GroupId: ISOLATION }] });
    ec2.on(DescribeSecurityGroupsCommand, groupQuery(TRANSIT_GROUP_NAME)).resolves({ SecurityGroups: [{ GroupId: TRANSIT }] });
    ec2.on(CreateSecurityGroupCommand).rejects(Object.assign(new Error('already exists'), { name: 'InvalidGroup.Duplicate' }));
    // Act
    const result = await isolateInstance.execute(isolateInstance.paramsFromFinding(instanceFinding)!, actionContext());
    // Assert
    expect(result.status).toBe('done');
    expect(ec2.commandCalls(RevokeSecurityGroupEgressCommand)).toHaveLength(0);
  });

  it('refuses an instance with a protected tag (from the finding, before any call; or live)', async () => {
    // Prepare
    const allowlists = { principals: [], cidrs: [], resourceTags: [{ key: 'Name', value: 'ssh-*' }] };
    // Act
    const result = await isolateInstance.execute(isolateInstance.paramsFromFinding(instanceFinding)!, actionContext({ allowlists }));
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [liveInstance({ Tags: [{ Key: 'Name', Value: 'ssh-bastion' }] })] }] });
    const live = await isolateInstance.execute({ ...isolateInstance.paramsFromFinding(instanceFinding)!, tags: {} }, actionContext({ allowlists }));
    // Assert
    expect(result).toMatchObject({ status: 'skipped', refused: true, calls: [] });
    expect(live).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringContaining('Name=ssh-bastion') });
    expect(ec2.commandCalls(ModifyNetworkInterfaceAttributeCommand)).toHaveLength(0);
  });

  it('dry-run plans group creation and both ENI moves, and calls nothing', async () => {
    const result = await isolateInstance.execute(isolateInstance.paramsFromFinding(instanceFinding)!, actionContext({ dryRun: true }));
    expect(ec2.calls()).toHaveLength(0);
    expect(result.calls.slice(-2)).toEqual([
      { service: 'ec2', operation: 'ModifyNetworkInterfaceAttribute', params: { NetworkInterfaceId: ENI_ID, Groups: [`{${TRANSIT_GROUP_NAME}:${VPC_ID}}`] } },
      { service: 'ec2', operation: 'ModifyNetworkInterfaceAttribute', params: { NetworkInterfaceId: ENI_ID, Groups: [`{${ISOLATION_GROUP_NAME}:${VPC_ID}}`] } },
    ]);
  });

  it('a terminated instance is skipped', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [liveInstance({ State: { Name: 'terminated', Code: 48 } })] }] });
    const result = await isolateInstance.execute(isolateInstance.paramsFromFinding(instanceFinding)!, actionContext());
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('terminated') });
  });

  it('rollback restores the recorded groups of ENIs still isolated, and leaves changed ones alone', async () => {
    // Prepare
    const other = 'eni-0ffffffffffffffff';
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: ENI_ID, Groups: [{ GroupId: ISOLATION }] },
        { NetworkInterfaceId: other, Groups: [{ GroupId: 'sg-0somebodyelse00000' }] },
      ],
    });
    const record = doneRecord(
      'ec2/isolate-instance',
      `instance/${INSTANCE_ID}/network`,
      { instanceId: INSTANCE_ID, vpcId: VPC_ID, networkInterfaces: [{ id: ENI_ID, groups: [ORIGINAL_GROUP] }, { id: other, groups: ['sg-0original000000000'] }] },
      { isolationGroupId: ISOLATION },
    );
    // Act
    const result = await isolateInstance.rollback(record, actionContext());
    // Assert
    expect(sentRequests(ec2)).toEqual([
      ['DescribeNetworkInterfaces', { NetworkInterfaceIds: [ENI_ID, other] }],
      ['ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: ENI_ID, Groups: [ORIGINAL_GROUP] }],
    ]);
    expect(result).toMatchObject({ status: 'done', summary: expect.stringContaining(`left ${other}`) });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2.commandCalls(AuthorizeSecurityGroupEgressCommand)).toHaveLength(0);
  });
});
