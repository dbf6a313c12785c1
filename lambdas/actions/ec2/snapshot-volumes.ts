import { CreateSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';
import { INCIDENT_TAG } from './incident-tags.js';

function snapshotRequest(volumeId: string, instanceId: string, incidentId: string) {
  return {
    VolumeId: volumeId,
    Description: `Firebreak evidence for ${incidentId}: ${volumeId} of ${instanceId}`,
    TagSpecifications: [
      {
        ResourceType: 'snapshot' as const,
        Tags: [
          { Key: INCIDENT_TAG, Value: incidentId },
          { Key: 'firebreak:instance', Value: instanceId },
          { Key: 'firebreak:volume', Value: volumeId },
        ],
      },
    ],
  };
}

/** Forensic copies of every attached EBS volume, tagged with the incident; one per volume per incident, kept on rollback. */
export const snapshotVolumes = defineAction<InstanceParams>({
  id: 'ec2/snapshot-volumes',
  description: 'snapshot every EBS volume of the instance, tagged with the incident',
  params: InstanceParamsSchema,
  destructive: false,
  permissions: [{ actions: ['ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:CreateSnapshot', 'ec2:CreateTags'], resources: ['*'] }],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/snapshots`,
  protection: instanceProtection,
  plan: (p, ctx) => [awsCall('ec2', 'CreateSnapshot', snapshotRequest(`{each EBS volume of ${p.instanceId}}`, p.instanceId, ctx.incidentId))],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const volumes = (live.instance.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter((v): v is string => Boolean(v));
    if (volumes.length === 0) return { status: 'skipped', reason: `${p.instanceId} has no EBS volumes to snapshot` };
    const existing = (
      await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: `tag:${INCIDENT_TAG}`, Values: [ctx.incidentId] }, { Name: 'volume-id', Values: volumes }] }))
    ).Snapshots ?? [];
    const snapshots: { volumeId: string; snapshotId: string }[] = existing.map((s) => ({ volumeId: s.VolumeId ?? '', snapshotId: s.SnapshotId ?? '' }));
    const missing = volumes.filter((v) => !snapshots.some((s) => s.volumeId === v));
    for (const volumeId of missing) {
      const created = await ec2.send(new CreateSnapshotCommand(snapshotRequest(volumeId, p.instanceId, ctx.incidentId)));
      snapshots.push({ volumeId, snapshotId: created.SnapshotId ?? '' });
    }
    const summary = missing.length === 0 ? `already contained: every volume of ${p.instanceId} has a snapshot for this incident` : `snapshotted ${missing.length} volume(s) of ${p.instanceId}`;
    return { status: 'done', summary, appliedState: { snapshots }, evidence: { snapshots } };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'evidence snapshots are kept: delete them by hand when the investigation is closed' };
  },
});
