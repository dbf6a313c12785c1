import {
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { isNotFoundError } from '../aws-errors.js';
import { defineAction, refused } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';
import { AccessKeyIdSchema, AWS_QUARANTINE_POLICY_NAMES, IamUserNameSchema, partitionOf, TagsSchema } from './iam-names.js';

export const DeactivateAccessKeyParamsSchema = z.strictObject({
  userName: IamUserNameSchema,
  accessKeyId: AccessKeyIdSchema,
  /** As the finding names it; the live ARN (with its path) is checked again before acting. */
  userArn: z.string().optional(),
  tags: TagsSchema,
});
export type DeactivateAccessKeyParams = z.infer<typeof DeactivateAccessKeyParamsSchema>;

const KeyStateSchema = z.object({
  userName: z.string(),
  accessKeyId: z.string(),
  status: z.enum(['Active', 'Inactive', 'Expired']),
  awsQuarantinePolicies: z.array(z.string()).default([]),
});
type KeyState = z.infer<typeof KeyStateSchema>;

function updateCall(p: { userName: string; accessKeyId: string }, status: 'Active' | 'Inactive') {
  return { UserName: p.userName, AccessKeyId: p.accessKeyId, Status: status } as const;
}

/**
 * A leaked long-term user key: set it Inactive (never delete it: the investigation needs it, and it is reversible).
 * A deny on aws:TokenIssueTime would not stop this key, only the sessions minted from it.
 */
export const deactivateAccessKey = defineAction<DeactivateAccessKeyParams>({
  id: 'iam/deactivate-access-key',
  description: 'set the IAM user access key Inactive',
  params: DeactivateAccessKeyParamsSchema,
  destructive: true,
  permissions: [
    {
      actions: ['iam:GetUser', 'iam:ListAccessKeys', 'iam:ListAttachedUserPolicies', 'iam:UpdateAccessKey'],
      resources: ['arn:*:iam::*:user/*'],
    },
  ],

  paramsFromFinding(finding) {
    const principal = finding.principal;
    // Temporary keys (ASIA...) cannot be deactivated; their sessions are revoked instead.
    if (principal?.type !== 'IAMUser' || !principal.userName || !principal.accessKeyId) return undefined;
    if (principal.accessKeyId.startsWith('ASIA')) return undefined;
    const userResource = finding.resources.find((r) => r.type === 'AWS::IAM::User' || r.type === 'AWS::IAM::AccessKey');
    return {
      userName: principal.userName,
      accessKeyId: principal.accessKeyId,
      userArn: principal.arn ?? `arn:${partitionOf(finding.region)}:iam::${finding.accountId}:user/${principal.userName}`,
      tags: userResource?.tags ?? {},
    };
  },

  target: (p) => `user/${p.userName}/access-key/${p.accessKeyId}`,
  protection: (p) => ({ principalArns: [p.userArn], tags: p.tags }),
  plan: (p) => [awsCall('iam', 'UpdateAccessKey', updateCall(p, 'Inactive'))],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    let user;
    try {
      user = (await iam.send(new GetUserCommand({ UserName: p.userName }))).User;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `user ${p.userName} does not exist (NoSuchEntity): nothing to contain` };
      throw error;
    }
    const liveRefusal = refusalReason({ principalArns: [user?.Arn], tags: tagRecord(user?.Tags) }, ctx.allowlists);
    if (liveRefusal) return refused(liveRefusal);

    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: p.userName }))).AccessKeyMetadata ?? [];
    const key = keys.find((k) => k.AccessKeyId === p.accessKeyId);
    if (!key) return { status: 'skipped', reason: `access key ${p.accessKeyId} is not a key of ${p.userName} (deleted?): nothing to contain` };

    const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: p.userName }))).AttachedPolicies ?? [];
    const awsQuarantinePolicies = attached
      .map((policy) => policy.PolicyName ?? '')
      .filter((name) => AWS_QUARANTINE_POLICY_NAMES.includes(name));
    const quarantineNote = awsQuarantinePolicies.length > 0 ? ` (AWS already attached ${awsQuarantinePolicies.join(', ')}; left in place)` : '';

    const prior: KeyState = { userName: p.userName, accessKeyId: p.accessKeyId, status: key.Status ?? 'Active', awsQuarantinePolicies };
    if (key.Status === 'Inactive') {
      return { status: 'done', summary: `already contained: access key ${p.accessKeyId} of ${p.userName} is Inactive${quarantineNote}`, priorState: prior, appliedState: { status: 'Inactive' } };
    }
    try {
      await iam.send(new UpdateAccessKeyCommand(updateCall(p, 'Inactive')));
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `access key ${p.accessKeyId} disappeared before it could be deactivated (NoSuchEntity)` };
      throw error;
    }
    return { status: 'done', summary: `deactivated access key ${p.accessKeyId} of ${p.userName}${quarantineNote}`, priorState: prior, appliedState: { status: 'Inactive' } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(KeyStateSchema, record.priorState, 'recorded prior state');
    return prior.status === 'Inactive' ? [] : [awsCall('iam', 'UpdateAccessKey', updateCall(prior, 'Active'))];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(KeyStateSchema, record.priorState, 'recorded prior state');
    if (prior.status !== 'Active') return { status: 'skipped', reason: `the key was already ${prior.status} before Firebreak acted: nothing to restore` };
    const iam = aws.client('iam');
    let keys;
    try {
      keys = (await iam.send(new ListAccessKeysCommand({ UserName: prior.userName }))).AccessKeyMetadata ?? [];
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `user ${prior.userName} no longer exists: nothing to restore` };
      throw error;
    }
    const key = keys.find((k) => k.AccessKeyId === prior.accessKeyId);
    if (!key) return { status: 'skipped', reason: `access key ${prior.accessKeyId} no longer exists: nothing to restore` };
    if (key.Status !== 'Inactive') {
      return { status: 'skipped', reason: `changed since containment: access key ${prior.accessKeyId} is ${key.Status ?? 'unknown'}, not Inactive as Firebreak left it; not touched` };
    }
    await iam.send(new UpdateAccessKeyCommand(updateCall(prior, 'Active')));
    return { status: 'done', summary: `re-activated access key ${prior.accessKeyId} of ${prior.userName}`, priorState: { status: 'Inactive' }, appliedState: { status: 'Active' } };
  },
});
