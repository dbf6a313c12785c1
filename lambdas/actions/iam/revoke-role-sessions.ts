import { DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { isNotFoundError } from '../aws-errors.js';
import { defineAction, refused } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';
import { decodedPolicy, REVOKE_POLICY_NAME, revocationPolicy, revocationTimeIn } from './session-revocation-policy.js';
import {
  IamRoleNameSchema,
  isIdentityCenterRole,
  isServiceLinkedRole,
  partitionOf,
  roleNameFromArn,
  roleNameFromSessionArn,
  TagsSchema,
} from './iam-names.js';

export { REVOKE_POLICY_NAME } from './session-revocation-policy.js';

export const RevokeRoleSessionsParamsSchema = z.strictObject({
  roleName: IamRoleNameSchema,
  roleArn: z.string().optional(),
  /** The session ARN the finding saw, also checked against the allowlist. */
  sessionArn: z.string().optional(),
  tags: TagsSchema,
});
export type RevokeRoleSessionsParams = z.infer<typeof RevokeRoleSessionsParamsSchema>;

const PriorStateSchema = z.object({ roleName: z.string(), policyName: z.string(), previousDocument: z.string().optional() });
const AppliedStateSchema = z.object({ sid: z.string(), tokenIssueTime: z.string() });

function escalationFor(roleName: string, pathOrArn?: string): { reason: string; escalation: string } | undefined {
  if (isIdentityCenterRole(roleName, pathOrArn)) {
    return {
      reason: `${roleName} is an IAM Identity Center role (AWSReservedSSO_*): IAM changes to it are not supported`,
      escalation: 'revoke the user\'s sessions and permission-set assignment in IAM Identity Center',
    };
  }
  if (isServiceLinkedRole(pathOrArn)) {
    return {
      reason: `${roleName} is a service-linked role: its policies cannot be changed`,
      escalation: 'contain the resource that uses the service-linked role (or the service) instead',
    };
  }
  return undefined;
}

/**
 * Cuts every session of a role issued before now: an inline deny `*` conditioned on aws:TokenIssueTime. New sessions (a
 * workload refreshing its credentials) keep working, so the blast radius is "re-authenticate", not an outage.
 * A role shared by several instances is cut for all of them.
 */
export const revokeRoleSessions = defineAction<RevokeRoleSessionsParams>({
  id: 'iam/revoke-role-sessions',
  description: 'deny every session of the IAM role issued before now (inline policy on aws:TokenIssueTime)',
  params: RevokeRoleSessionsParamsSchema,
  destructive: true,
  permissions: [
    {
      actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
      resources: ['arn:*:iam::*:role/*'],
    },
  ],

  paramsFromFinding(finding) {
    const principal = finding.principal;
    if (principal?.type !== 'AssumedRole') return undefined;
    const roleName = principal.roleName ?? roleNameFromArn(principal.arn) ?? roleNameFromSessionArn(principal.arn);
    if (!roleName) return undefined;
    const roleResource = finding.resources.find((r) => r.type === 'AWS::IAM::Role');
    const roleArn = principal.arn?.includes(':role/') ? principal.arn : `arn:${partitionOf(finding.region)}:iam::${finding.accountId}:role/${roleName}`;
    return {
      roleName,
      roleArn,
      ...(principal.arn?.includes(':assumed-role/') ? { sessionArn: principal.arn } : {}),
      tags: roleResource?.tags ?? {},
    };
  },

  target: (p) => `role/${p.roleName}`,
  protection: (p) => ({ principalArns: [p.roleArn, p.sessionArn], tags: p.tags }),
  precheck(p) {
    const escalation = escalationFor(p.roleName, p.roleArn);
    return escalation ? refused(escalation.reason, escalation.escalation) : undefined;
  },
  plan: (p, ctx) => [
    awsCall('iam', 'PutRolePolicy', { RoleName: p.roleName, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: revocationPolicy(ctx).json }),
  ],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    let role;
    try {
      role = (await iam.send(new GetRoleCommand({ RoleName: p.roleName }))).Role;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `role ${p.roleName} does not exist (NoSuchEntity): nothing to revoke` };
      throw error;
    }
    const escalation = escalationFor(p.roleName, role?.Path ?? role?.Arn);
    if (escalation) return refused(escalation.reason, escalation.escalation);
    const liveRefusal = refusalReason({ principalArns: [role?.Arn], tags: tagRecord(role?.Tags) }, ctx.allowlists);
    if (liveRefusal) return refused(liveRefusal);

    let previousDocument: string | undefined;
    try {
      previousDocument = (await iam.send(new GetRolePolicyCommand({ RoleName: p.roleName, PolicyName: REVOKE_POLICY_NAME }))).PolicyDocument;
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
    const document = revocationPolicy(ctx);
    const since = revocationTimeIn(previousDocument, document.sid);
    if (since) {
      return {
        status: 'done',
        summary: `already contained: sessions of ${p.roleName} issued before ${since} are denied for this incident`,
        priorState: { roleName: p.roleName, policyName: REVOKE_POLICY_NAME },
        appliedState: { sid: document.sid, tokenIssueTime: since },
      };
    }
    await iam.send(new PutRolePolicyCommand({ RoleName: p.roleName, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: document.json }));
    return {
      status: 'done',
      summary: `denied every session of ${p.roleName} issued before ${document.tokenIssueTime}`,
      priorState: { roleName: p.roleName, policyName: REVOKE_POLICY_NAME, ...(previousDocument ? { previousDocument: decodedPolicy(previousDocument) } : {}) },
      appliedState: { sid: document.sid, tokenIssueTime: document.tokenIssueTime },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.previousDocument
      ? [awsCall('iam', 'PutRolePolicy', { RoleName: prior.roleName, PolicyName: prior.policyName, PolicyDocument: prior.previousDocument })]
      : [awsCall('iam', 'DeleteRolePolicy', { RoleName: prior.roleName, PolicyName: prior.policyName })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const applied = parseOrThrow(AppliedStateSchema, record.appliedState, 'recorded applied state');
    const iam = aws.client('iam');
    let current: string | undefined;
    try {
      current = (await iam.send(new GetRolePolicyCommand({ RoleName: prior.roleName, PolicyName: prior.policyName }))).PolicyDocument;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `policy ${prior.policyName} is no longer on ${prior.roleName}: nothing to remove` };
      throw error;
    }
    if (revocationTimeIn(current, applied.sid) !== applied.tokenIssueTime) {
      return { status: 'skipped', reason: `changed since containment: ${prior.policyName} on ${prior.roleName} is not the document Firebreak wrote; not touched` };
    }
    if (prior.previousDocument) {
      await iam.send(new PutRolePolicyCommand({ RoleName: prior.roleName, PolicyName: prior.policyName, PolicyDocument: prior.previousDocument }));
      return { status: 'done', summary: `restored the previous ${prior.policyName} on ${prior.roleName}` };
    }
    await iam.send(new DeleteRolePolicyCommand({ RoleName: prior.roleName, PolicyName: prior.policyName }));
    return { status: 'done', summary: `removed ${prior.policyName} from ${prior.roleName}: older sessions are no longer denied` };
  },
});
