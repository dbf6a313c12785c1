import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import type { ActionContext } from '../action.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';

import { INCIDENT_TAG, STATUS_TAG } from './incident-tags.js';

export { INCIDENT_TAG, STATUS_TAG } from './incident-tags.js';

const PriorStateSchema = z.object({ instanceId: z.string(), previous: z.record(z.string(), z.string()) });

function tags(ctx: ActionContext) {
  return [
    { Key: INCIDENT_TAG, Value: ctx.incidentId },
    { Key: STATUS_TAG, Value: 'quarantined' },
  ];
}

/** Tags that existed before get their old values back; ours that did not are removed. */
function restoration(previous: Record<string, string>) {
  return {
    restore: Object.entries(previous).map(([Key, Value]) => ({ Key, Value })),
    remove: [INCIDENT_TAG, STATUS_TAG].filter((key) => !(key in previous)).map((Key) => ({ Key })),
  };
}

/** Marks the instance for everyone who looks at it (and for automation that must keep its hands off). */
export const tagInstance = defineAction<InstanceParams>({
  id: 'ec2/tag-instance',
  description: 'tag the instance with the incident id and firebreak:status=quarantined',
  params: InstanceParamsSchema,
  destructive: false,
  permissions: [{ actions: ['ec2:DescribeInstances', 'ec2:DescribeTags', 'ec2:CreateTags', 'ec2:DeleteTags'], resources: ['*'] }],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/tags`,
  protection: instanceProtection,
  plan: (p, ctx) => [awsCall('ec2', 'CreateTags', { Resources: [p.instanceId], Tags: tags(ctx) })],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const wanted = tags(ctx);
    const previous: Record<string, string> = {};
    for (const tag of live.instance.Tags ?? []) if (tag.Key && wanted.some((w) => w.Key === tag.Key)) previous[tag.Key] = tag.Value ?? '';
    if (wanted.every((w) => previous[w.Key] === w.Value)) {
      return { status: 'done', summary: `already contained: ${p.instanceId} is tagged for ${ctx.incidentId}`, priorState: { instanceId: p.instanceId, previous }, appliedState: { tags: wanted } };
    }
    await ec2.send(new CreateTagsCommand({ Resources: [p.instanceId], Tags: wanted }));
    return { status: 'done', summary: `tagged ${p.instanceId} ${INCIDENT_TAG}=${ctx.incidentId}`, priorState: { instanceId: p.instanceId, previous }, appliedState: { tags: wanted } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const { restore, remove } = restoration(prior.previous);
    return [
      ...(remove.length > 0 ? [awsCall('ec2', 'DeleteTags', { Resources: [prior.instanceId], Tags: remove })] : []),
      ...(restore.length > 0 ? [awsCall('ec2', 'CreateTags', { Resources: [prior.instanceId], Tags: restore })] : []),
    ];
  },

  async revert(record, ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const ec2 = aws.client('ec2');
    const current = (
      await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [prior.instanceId] }, { Name: 'key', Values: [INCIDENT_TAG, STATUS_TAG] }] }))
    ).Tags ?? [];
    if (!current.some((t) => t.Key === INCIDENT_TAG && t.Value === ctx.incidentId)) {
      return { status: 'skipped', reason: `changed since containment: ${prior.instanceId} no longer carries ${INCIDENT_TAG}=${ctx.incidentId}; not touched` };
    }
    const { restore, remove } = restoration(prior.previous);
    if (remove.length > 0) await ec2.send(new DeleteTagsCommand({ Resources: [prior.instanceId], Tags: remove }));
    if (restore.length > 0) await ec2.send(new CreateTagsCommand({ Resources: [prior.instanceId], Tags: restore }));
    return { status: 'done', summary: `removed the incident tags from ${prior.instanceId}` };
  },
});
