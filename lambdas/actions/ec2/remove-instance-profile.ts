import { AssociateIamInstanceProfileCommand, DescribeIamInstanceProfileAssociationsCommand, DisassociateIamInstanceProfileCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { instanceFromFinding, InstanceParamsSchema, instanceProtection, type InstanceParams } from './instance-params.js';
import { liveInstanceOrOutcome } from './live-instance.js';

const PriorStateSchema = z.object({ instanceId: z.string(), instanceProfileArn: z.string().optional(), associationId: z.string().optional() });

/**
 * Takes the role away from the instance so new credentials cannot be fetched from its metadata service. Credentials it
 * already holds stay valid until they expire: revoking the role's sessions would cut every other instance sharing the role,
 * so that is a separate, human decision.
 */
export const removeInstanceProfile = defineAction<InstanceParams>({
  id: 'ec2/remove-instance-profile',
  description: 'disassociate the IAM instance profile from the instance',
  params: InstanceParamsSchema,
  destructive: true,
  permissions: [
    { actions: ['ec2:DescribeInstances', 'ec2:DescribeIamInstanceProfileAssociations', 'ec2:DisassociateIamInstanceProfile', 'ec2:AssociateIamInstanceProfile'], resources: ['*'] },
    // AssociateIamInstanceProfile (rollback) passes the recorded role to EC2.
    { actions: ['iam:PassRole'], resources: ['arn:*:iam::*:role/*'], conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
  ],

  paramsFromFinding: instanceFromFinding,
  target: (p) => `instance/${p.instanceId}/instance-profile`,
  protection: instanceProtection,
  plan: (p) => [awsCall('ec2', 'DisassociateIamInstanceProfile', { AssociationId: `{association of ${p.instanceId}}` })],

  async apply(p, ctx, aws) {
    const ec2 = aws.client('ec2');
    const live = await liveInstanceOrOutcome(ec2, p.instanceId, ctx);
    if ('outcome' in live) return live.outcome;
    const associations = (
      await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [p.instanceId] }, { Name: 'state', Values: ['associated', 'associating'] }] }))
    ).IamInstanceProfileAssociations ?? [];
    const association = associations[0];
    if (!association?.AssociationId) {
      return { status: 'done', summary: `already contained: ${p.instanceId} has no instance profile`, priorState: { instanceId: p.instanceId }, appliedState: { instanceProfileArn: null } };
    }
    await ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: association.AssociationId }));
    return {
      status: 'done',
      summary: `removed instance profile ${association.IamInstanceProfile?.Arn ?? ''} from ${p.instanceId}`,
      priorState: { instanceId: p.instanceId, instanceProfileArn: association.IamInstanceProfile?.Arn, associationId: association.AssociationId },
      appliedState: { instanceProfileArn: null },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.instanceProfileArn ? [awsCall('ec2', 'AssociateIamInstanceProfile', { InstanceId: prior.instanceId, IamInstanceProfile: { Arn: prior.instanceProfileArn } })] : [];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (!prior.instanceProfileArn) return { status: 'skipped', reason: 'the instance had no profile before Firebreak acted: nothing to restore' };
    const ec2 = aws.client('ec2');
    const current = (
      await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [prior.instanceId] }, { Name: 'state', Values: ['associated', 'associating'] }] }))
    ).IamInstanceProfileAssociations ?? [];
    if (current.length > 0) return { status: 'skipped', reason: `changed since containment: ${prior.instanceId} has a profile again (${current[0]?.IamInstanceProfile?.Arn ?? 'unknown'}); not touched` };
    await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: prior.instanceId, IamInstanceProfile: { Arn: prior.instanceProfileArn } }));
    return { status: 'done', summary: `re-associated ${prior.instanceProfileArn} with ${prior.instanceId}` };
  },
});
