import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, ModifyInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';

const PriorStateSchema = z.object({
  instanceId: z.string(),
  disableApiTermination: z.boolean(),
  /** Devices whose EBS volume was set to be deleted with the instance. */
  deleteOnTerminationDevices: z.array(z.string()),
});

/**
 * Keeps the evidence: the instance cannot be terminated through the API, and its EBS volumes survive a termination anyway
 * (DeleteOnTermination=false), so an attacker or an Auto Scaling group cannot destroy the disks.
 */
export const enableTerminationProtection = defineAction<InstanceParams>({
  id: 'ec2/enable-termination-protection',
  description: 'set DisableApiTermination and EBS DeleteOnTermination=false on the instance',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [{ actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceAttribute', 'ec2:ModifyInstanceAttribute'], resources: ['*'] }],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/termination`,
  protection: instanceProtection,
  plan: (p) => [
    awsCall('ec2', 'ModifyInstanceAttribute', { InstanceId: p.instanceId, DisableApiTermination: { Value: true } }),
    awsCall('ec2', 'ModifyInstanceAttribute', { InstanceId: p.instanceId, BlockDeviceMappings: [{ DeviceName: '{each EBS device with DeleteOnTermination=true}', Ebs: { DeleteOnTermination: false } }] }),
  ],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const protectedNow = (await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: p.instanceId, Attribute: 'disableApiTermination' }))).DisableApiTermination?.Value ?? false;
    const devices = (live.instance.BlockDeviceMappings ?? []).filter((m) => m.Ebs?.DeleteOnTermination === true).map((m) => m.DeviceName ?? '').filter(Boolean);
    const prior = { instanceId: p.instanceId, disableApiTermination: protectedNow, deleteOnTerminationDevices: devices };
    if (protectedNow && devices.length === 0) {
      return { status: 'done', summary: `already contained: ${p.instanceId} is termination-protected and keeps its volumes`, priorState: prior, appliedState: { disableApiTermination: true } };
    }
    if (!protectedNow) await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: p.instanceId, DisableApiTermination: { Value: true } }));
    if (devices.length > 0) {
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: p.instanceId, BlockDeviceMappings: devices.map((DeviceName) => ({ DeviceName, Ebs: { DeleteOnTermination: false } })) }));
    }
    return { status: 'done', summary: `termination protection on ${p.instanceId}; ${devices.length} volume(s) kept on termination`, priorState: prior, appliedState: { disableApiTermination: true } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return [
      ...(prior.disableApiTermination ? [] : [awsCall('ec2', 'ModifyInstanceAttribute', { InstanceId: prior.instanceId, DisableApiTermination: { Value: false } })]),
      ...(prior.deleteOnTerminationDevices.length > 0
        ? [awsCall('ec2', 'ModifyInstanceAttribute', { InstanceId: prior.instanceId, BlockDeviceMappings: prior.deleteOnTerminationDevices.map((DeviceName) => ({ DeviceName, Ebs: { DeleteOnTermination: true } })) })]
        : []),
    ];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const ec2 = aws.client('ec2');
    const protectedNow = (await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: prior.instanceId, Attribute: 'disableApiTermination' }))).DisableApiTermination?.Value ?? false;
    const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [prior.instanceId] }))).Reservations?.[0]?.Instances?.[0];
    const keptDevices = prior.deleteOnTerminationDevices.filter((device) =>
      (instance?.BlockDeviceMappings ?? []).some((m) => m.DeviceName === device && m.Ebs?.DeleteOnTermination === false),
    );
    const restoreProtection = !prior.disableApiTermination && protectedNow;
    if (!restoreProtection && keptDevices.length === 0) return { status: 'skipped', reason: 'changed since containment (or nothing was changed): not touched' };
    if (restoreProtection) await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: prior.instanceId, DisableApiTermination: { Value: false } }));
    if (keptDevices.length > 0) {
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: prior.instanceId, BlockDeviceMappings: keptDevices.map((DeviceName) => ({ DeviceName, Ebs: { DeleteOnTermination: true } })) }));
    }
    return { status: 'done', summary: `restored termination settings of ${prior.instanceId}` };
  },
});
