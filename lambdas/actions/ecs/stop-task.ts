import { DescribeTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { awsCall } from '../aws-session.js';
import { defineAction, refused } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

const ParamsSchema = z.strictObject({
  cluster: z.string().min(1),
  taskArn: z.string().regex(/^arn:[\w-]+:ecs:/, { message: 'expected an ECS task ARN' }),
  tags: z.record(z.string(), z.string()).default({}),
});
type Params = z.infer<typeof ParamsSchema>;

function taskFromFinding(finding: Finding): Params | undefined {
  const cluster = finding.resources.find((r) => r.type === 'AWS::ECS::Cluster');
  const taskArn = cluster?.details.taskArn;
  if (!cluster || typeof taskArn !== 'string') return undefined;
  return { cluster: cluster.arn ?? cluster.id, taskArn, tags: cluster.tags };
}

/**
 * Stops the task. A task cannot be resumed, and a service starts a fresh one from the same task definition (which may
 * carry the same compromised image): playbooks put this behind an approval, and rollback hands it to a human.
 */
export const stopTask = defineAction<Params>({
  id: 'ecs/stop-task',
  description: 'stop the ECS task (its service, if any, starts a replacement)',
  params: ParamsSchema,
  destructive: true,
  permissions: [{ actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: ['*'] }],

  paramsFromFinding: taskFromFinding,
  target: (p) => `task/${p.taskArn}`,
  protection: (p) => ({ tags: p.tags }),
  plan: (p, ctx) => [awsCall('ecs', 'StopTask', { cluster: p.cluster, task: p.taskArn, reason: `Firebreak incident ${ctx.incidentId}` })],

  async apply(p, ctx, aws) {
    const ecs = aws.client('ecs');
    const described = await ecs.send(new DescribeTasksCommand({ cluster: p.cluster, tasks: [p.taskArn], include: ['TAGS'] }));
    const task = described.tasks?.[0];
    if (!task) return { status: 'skipped', reason: `task ${p.taskArn} not found (${described.failures?.[0]?.reason ?? 'MISSING'}): nothing to contain` };
    const reason = refusalReason({ tags: tagRecord(task.tags?.map((t) => ({ Key: t.key, Value: t.value }))) }, ctx.allowlists);
    if (reason) return refused(`task ${p.taskArn}: ${reason}`);
    if (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') {
      return { status: 'done', summary: `already contained: task ${p.taskArn} is ${task.lastStatus === 'STOPPED' ? 'stopped' : 'stopping'}`, priorState: { taskArn: p.taskArn, lastStatus: task.lastStatus }, appliedState: { desiredStatus: 'STOPPED' } };
    }
    await ecs.send(new StopTaskCommand({ cluster: p.cluster, task: p.taskArn, reason: `Firebreak incident ${ctx.incidentId}` }));
    return {
      status: 'done',
      summary: `stopped task ${p.taskArn}${task.group?.startsWith('service:') ? ` (service ${task.group.slice(8)} will start a replacement)` : ''}`,
      priorState: { taskArn: p.taskArn, lastStatus: task.lastStatus, group: task.group, taskDefinitionArn: task.taskDefinitionArn },
      appliedState: { desiredStatus: 'STOPPED' },
    };
  },

  rollbackPlan: () => [],
  async revert(record) {
    return {
      status: 'skipped',
      reason: 'a stopped task cannot be resumed',
      refused: true,
      escalation: `run a new task from ${(record.priorState as { taskDefinitionArn?: string } | undefined)?.taskDefinitionArn ?? 'its task definition'} once the image is known to be clean`,
    };
  },
});
