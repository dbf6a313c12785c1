import {
  AssociateIamInstanceProfileCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeTagsCommand,
  DisassociateIamInstanceProfileCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { enableTerminationProtection } from '../../../../lambdas/actions/ec2/enable-termination-protection.js';
import { removeInstanceProfile } from '../../../../lambdas/actions/ec2/remove-instance-profile.js';
import { snapshotVolumes } from '../../../../lambdas/actions/ec2/snapshot-volumes.js';
import { stopInstance } from '../../../../lambdas/actions/ec2/stop-instance.js';
import { tagInstance } from '../../../../lambdas/actions/ec2/tag-instance.js';
import { actionContext, doneRecord, sentRequests } from '../action-test-kit.js';
import { INSTANCE_ID, instanceFinding, liveInstance } from './ec2-fixtures.js';

const ec2 = mockClient(EC2Client);
const INCIDENT = 'inc-0123456789abcdef0123';
const params = () => enableTerminationProtection.paramsFromFinding(instanceFinding)!;
const describeReturns = (...instances: ReturnType<typeof liveInstance>[]) => {
  let stub = ec2.on(DescribeInstancesCommand);
  for (const instance of instances.slice(0, -1)) stub = stub.resolvesOnce({ Reservations: [{ Instances: [instance] }] });
  stub.resolves({ Reservations: [{ Instances: [instances.at(-1)!] }] });
};

describe('EC2 instance actions', () => {
  beforeEach(() => ec2.reset());

  describe('ec2/enable-termination-protection', () => {
    it('sets DisableApiTermination and keeps the volumes that would be deleted; second run already contained', async () => {
      // Prepare
      describeReturns(liveInstance(), liveInstance({ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0aaa1111bbbb2222c', DeleteOnTermination: false } }] }));
      ec2.on(DescribeInstanceAttributeCommand).resolvesOnce({ DisableApiTermination: { Value: false } }).resolves({ DisableApiTermination: { Value: true } });
      // Act
      const first = await enableTerminationProtection.execute(params(), actionContext());
      const second = await enableTerminationProtection.execute(params(), actionContext());
      // Assert
      expect(ec2.commandCalls(ModifyInstanceAttributeCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceId: INSTANCE_ID, DisableApiTermination: { Value: true } },
        { InstanceId: INSTANCE_ID, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } }] },
      ]);
      expect(first).toMatchObject({ status: 'done', priorState: { disableApiTermination: false, deleteOnTerminationDevices: ['/dev/xvda'] } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('rollback restores both settings when unchanged', async () => {
      // Prepare
      ec2.on(DescribeInstanceAttributeCommand).resolves({ DisableApiTermination: { Value: true } });
      describeReturns(liveInstance({ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } }] }));
      const record = doneRecord('ec2/enable-termination-protection', `instance/${INSTANCE_ID}/termination`, { instanceId: INSTANCE_ID, disableApiTermination: false, deleteOnTerminationDevices: ['/dev/xvda'] }, { disableApiTermination: true });
      // Act
      const result = await enableTerminationProtection.rollback(record, actionContext());
      // Assert
      expect(ec2.commandCalls(ModifyInstanceAttributeCommand).map((c) => c.args[0].input)).toEqual([
        { InstanceId: INSTANCE_ID, DisableApiTermination: { Value: false } },
        { InstanceId: INSTANCE_ID, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true } }] },
      ]);
      expect(result.status).toBe('done');
    });
  });

  describe('ec2/tag-instance', () => {
    it('tags once; rollback removes only our tags while they still name this incident', async () => {
      // Prepare
      describeReturns(liveInstance(), liveInstance({ Tags: [{ Key: 'firebreak:incident', Value: INCIDENT }, { Key: 'firebreak:status', Value: 'quarantined' }] }));
      ec2.on(DescribeTagsCommand).resolves({ Tags: [{ Key: 'firebreak:incident', Value: INCIDENT, ResourceId: INSTANCE_ID }] });
      // Act
      const first = await tagInstance.execute(params(), actionContext());
      const second = await tagInstance.execute(params(), actionContext());
      const rollback = await tagInstance.rollback(doneRecord('ec2/tag-instance', 't', { instanceId: INSTANCE_ID, previous: {} }, {}), actionContext());
      // Assert
      expect(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input)).toEqual([
        { Resources: [INSTANCE_ID], Tags: [{ Key: 'firebreak:incident', Value: INCIDENT }, { Key: 'firebreak:status', Value: 'quarantined' }] },
      ]);
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(ec2.commandCalls(DeleteTagsCommand).map((c) => c.args[0].input)).toEqual([{ Resources: [INSTANCE_ID], Tags: [{ Key: 'firebreak:incident' }, { Key: 'firebreak:status' }] }]);
      expect(first.status).toBe('done');
      expect(rollback.status).toBe('done');
    });
  });

  describe('ec2/snapshot-volumes', () => {
    it('snapshots each volume once per incident, tagged with it', async () => {
      // Prepare
      describeReturns(liveInstance());
      ec2.on(DescribeSnapshotsCommand)
        .resolvesOnce({ Snapshots: [{ SnapshotId: 'snap-0existing000000', VolumeId: 'vol-0ddd3333eeee4444f' }] })
        .resolves({ Snapshots: [{ SnapshotId: 'snap-0existing000000', VolumeId: 'vol-0ddd3333eeee4444f' }, { SnapshotId: 'snap-0new00000000000', VolumeId: 'vol-0aaa1111bbbb2222c' }] });
      ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: 'snap-0new00000000000' });
      // Act
      const first = await snapshotVolumes.execute(params(), actionContext());
      const second = await snapshotVolumes.execute(params(), actionContext());
      // Assert
      expect(ec2.commandCalls(DescribeSnapshotsCommand)[0]?.args[0].input).toEqual({
        OwnerIds: ['self'],
        Filters: [{ Name: 'tag:firebreak:incident', Values: [INCIDENT] }, { Name: 'volume-id', Values: ['vol-0aaa1111bbbb2222c', 'vol-0ddd3333eeee4444f'] }],
      });
      expect(ec2.commandCalls(CreateSnapshotCommand).map((c) => c.args[0].input)).toEqual([
        {
          VolumeId: 'vol-0aaa1111bbbb2222c',
          Description: `Firebreak evidence for ${INCIDENT}: vol-0aaa1111bbbb2222c of ${INSTANCE_ID}`,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'firebreak:incident', Value: INCIDENT }, { Key: 'firebreak:instance', Value: INSTANCE_ID }, { Key: 'firebreak:volume', Value: 'vol-0aaa1111bbbb2222c' }] }],
        },
      ]);
      expect(first).toMatchObject({ status: 'done', evidence: { snapshots: expect.arrayContaining([{ volumeId: 'vol-0aaa1111bbbb2222c', snapshotId: 'snap-0new00000000000' }]) } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
    });

    it('rollback keeps the evidence', async () => {
      const result = await snapshotVolumes.rollback(doneRecord('ec2/snapshot-volumes', 't', undefined, {}), actionContext());
      expect(ec2.calls()).toHaveLength(0);
      expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('kept') });
    });
  });

  describe('ec2/remove-instance-profile', () => {
    const PROFILE = 'arn:aws:iam::123456789012:instance-profile/web';
    it('disassociates the profile, is idempotent, and rollback re-associates only if none is there', async () => {
      // Prepare
      describeReturns(liveInstance());
      ec2.on(DescribeIamInstanceProfileAssociationsCommand)
        .resolvesOnce({ IamInstanceProfileAssociations: [{ AssociationId: 'iip-assoc-0123', InstanceId: INSTANCE_ID, IamInstanceProfile: { Arn: PROFILE, Id: 'AIPA' }, State: 'associated' }] })
        .resolves({ IamInstanceProfileAssociations: [] });
      // Act
      const first = await removeInstanceProfile.execute(params(), actionContext());
      const second = await removeInstanceProfile.execute(params(), actionContext());
      const rollback = await removeInstanceProfile.rollback(
        doneRecord('ec2/remove-instance-profile', 't', { instanceId: INSTANCE_ID, instanceProfileArn: PROFILE, associationId: 'iip-assoc-0123' }, { instanceProfileArn: null }),
        actionContext(),
      );
      // Assert
      expect(ec2.commandCalls(DisassociateIamInstanceProfileCommand).map((c) => c.args[0].input)).toEqual([{ AssociationId: 'iip-assoc-0123' }]);
      expect(first).toMatchObject({ status: 'done', priorState: { instanceProfileArn: PROFILE } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(ec2.commandCalls(AssociateIamInstanceProfileCommand).map((c) => c.args[0].input)).toEqual([{ InstanceId: INSTANCE_ID, IamInstanceProfile: { Arn: PROFILE } }]);
      expect(rollback.status).toBe('done');
    });
  });

  describe('ec2/stop-instance', () => {
    it('stops a running instance; a stopped one is already contained; rollback starts it only if still stopped', async () => {
      // Prepare
      describeReturns(liveInstance(), liveInstance({ State: { Name: 'stopped', Code: 80 } }));
      // Act
      const first = await stopInstance.execute(params(), actionContext());
      const second = await stopInstance.execute(params(), actionContext());
      const rollback = await stopInstance.rollback(doneRecord('ec2/stop-instance', 't', { instanceId: INSTANCE_ID, state: 'running' }, { state: 'stopped' }), actionContext());
      // Assert
      expect(sentRequests(ec2).filter(([op]) => op !== 'DescribeInstances')).toEqual([
        ['StopInstances', { InstanceIds: [INSTANCE_ID] }],
        ['StartInstances', { InstanceIds: [INSTANCE_ID] }],
      ]);
      expect(first.status).toBe('done');
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(rollback.status).toBe('done');
    });

    it('dry-run returns StopInstances and calls nothing', async () => {
      const result = await stopInstance.execute(params(), actionContext({ dryRun: true }));
      expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(0);
      expect(ec2.commandCalls(StartInstancesCommand)).toHaveLength(0);
      expect(result.calls).toEqual([{ service: 'ec2', operation: 'StopInstances', params: { InstanceIds: [INSTANCE_ID] } }]);
    });
  });
});
