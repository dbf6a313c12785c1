import { AttachInstancesCommand, AutoScalingClient, DescribeAutoScalingInstancesCommand, DetachInstancesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { detachFromAutoScaling } from '../../../../lambdas/actions/autoscaling/detach-instance.js';
import { deregisterTargets } from '../../../../lambdas/actions/elbv2/deregister-targets.js';
import { actionContext, doneRecord, sentRequests } from '../action-test-kit.js';
import { INSTANCE_ID, instanceFinding, liveInstance, PRIVATE_IP, VPC_ID } from './ec2-fixtures.js';

const ec2 = mockClient(EC2Client);
const autoScaling = mockClient(AutoScalingClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const TG_INSTANCE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
const TG_IP = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/fedcba9876543210';
const TG_OTHER_VPC = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/1111111111111111';

describe('fleet membership actions', () => {
  beforeEach(() => {
    ec2.reset();
    autoScaling.reset();
    elbv2.reset();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [liveInstance()] }] });
  });

  describe('autoscaling/detach-instance', () => {
    it('detaches without decrementing desired capacity; second run already contained; rollback re-attaches', async () => {
      // Prepare
      autoScaling.on(DescribeAutoScalingInstancesCommand)
        .resolvesOnce({ AutoScalingInstances: [{ InstanceId: INSTANCE_ID, AutoScalingGroupName: 'web-asg', LifecycleState: 'InService', AvailabilityZone: 'us-east-1b', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }] })
        .resolves({ AutoScalingInstances: [] });
      const params = detachFromAutoScaling.paramsFromFinding(instanceFinding)!;
      // Act
      const first = await detachFromAutoScaling.execute(params, actionContext());
      const second = await detachFromAutoScaling.execute(params, actionContext());
      const rollback = await detachFromAutoScaling.rollback(doneRecord('autoscaling/detach-instance', 't', { instanceId: INSTANCE_ID, autoScalingGroupName: 'web-asg' }, {}), actionContext());
      // Assert
      expect(sentRequests(autoScaling)).toEqual([
        ['DescribeAutoScalingInstances', { InstanceIds: [INSTANCE_ID] }],
        ['DetachInstances', { InstanceIds: [INSTANCE_ID], AutoScalingGroupName: 'web-asg', ShouldDecrementDesiredCapacity: false }],
        ['DescribeAutoScalingInstances', { InstanceIds: [INSTANCE_ID] }],
        ['DescribeAutoScalingInstances', { InstanceIds: [INSTANCE_ID] }],
        ['AttachInstances', { InstanceIds: [INSTANCE_ID], AutoScalingGroupName: 'web-asg' }],
      ]);
      expect(first).toMatchObject({ status: 'done', priorState: { autoScalingGroupName: 'web-asg' } });
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(rollback.status).toBe('done');
    });

    it('rollback does not attach an instance that is in a group again', async () => {
      autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [{ InstanceId: INSTANCE_ID, AutoScalingGroupName: 'web-asg', LifecycleState: 'InService', AvailabilityZone: 'a', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }] });
      const result = await detachFromAutoScaling.rollback(doneRecord('autoscaling/detach-instance', 't', { instanceId: INSTANCE_ID, autoScalingGroupName: 'web-asg' }, {}), actionContext());
      expect(autoScaling.commandCalls(AttachInstancesCommand)).toHaveLength(0);
      expect(autoScaling.commandCalls(DetachInstancesCommand)).toHaveLength(0);
      expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('changed since containment') });
    });
  });

  describe('elbv2/deregister-targets', () => {
    it('deregisters the instance by id and by private IP from the target groups of its VPC only', async () => {
      // Prepare
      elbv2.on(DescribeTargetGroupsCommand).resolves({
        TargetGroups: [
          { TargetGroupArn: TG_INSTANCE, VpcId: VPC_ID, TargetType: 'instance' },
          { TargetGroupArn: TG_IP, VpcId: VPC_ID, TargetType: 'ip' },
          { TargetGroupArn: TG_OTHER_VPC, VpcId: 'vpc-0other', TargetType: 'instance' },
        ],
      });
      elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_INSTANCE }).resolves({ TargetHealthDescriptions: [{ Target: { Id: INSTANCE_ID, Port: 80 }, TargetHealth: { State: 'healthy' } }, { Target: { Id: 'i-0another000000000', Port: 80 }, TargetHealth: { State: 'healthy' } }] });
      elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG_IP }).resolves({ TargetHealthDescriptions: [{ Target: { Id: PRIVATE_IP, Port: 8080, AvailabilityZone: 'us-east-1b' }, TargetHealth: { State: 'healthy' } }] });
      // Act
      const result = await deregisterTargets.execute(deregisterTargets.paramsFromFinding(instanceFinding)!, actionContext());
      // Assert
      expect(sentRequests(elbv2).filter(([op]) => op === 'DeregisterTargets')).toEqual([
        ['DeregisterTargets', { TargetGroupArn: TG_INSTANCE, Targets: [{ Id: INSTANCE_ID, Port: 80 }] }],
        ['DeregisterTargets', { TargetGroupArn: TG_IP, Targets: [{ Id: PRIVATE_IP, Port: 8080, AvailabilityZone: 'us-east-1b' }] }],
      ]);
      expect(elbv2.commandCalls(DescribeTargetHealthCommand).map((c) => c.args[0].input.TargetGroupArn)).not.toContain(TG_OTHER_VPC);
      expect(result).toMatchObject({ status: 'done', priorState: { targets: [{ targetGroupArn: TG_INSTANCE, id: INSTANCE_ID, port: 80 }, { targetGroupArn: TG_IP, id: PRIVATE_IP, port: 8080 }] } });
    });

    it('second run (targets draining or gone) is already contained; rollback registers what is missing', async () => {
      // Prepare
      elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: TG_INSTANCE, VpcId: VPC_ID, TargetType: 'instance' }] });
      elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: INSTANCE_ID, Port: 80 }, TargetHealth: { State: 'draining' } }] });
      // Act
      const second = await deregisterTargets.execute(deregisterTargets.paramsFromFinding(instanceFinding)!, actionContext());
      const rollback = await deregisterTargets.rollback(doneRecord('elbv2/deregister-targets', 't', { instanceId: INSTANCE_ID, targets: [{ targetGroupArn: TG_INSTANCE, id: INSTANCE_ID, port: 80 }] }, { targets: [] }), actionContext());
      // Assert
      expect(second).toMatchObject({ status: 'done', summary: expect.stringMatching(/^already contained/) });
      expect(elbv2.commandCalls(DeregisterTargetsCommand)).toHaveLength(0);
      expect(elbv2.commandCalls(RegisterTargetsCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG_INSTANCE, Targets: [{ Id: INSTANCE_ID, Port: 80 }] }]);
      expect(rollback.status).toBe('done');
    });
  });
});
