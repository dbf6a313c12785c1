import { DeleteUserPolicyCommand, GetUserPolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { isNotFoundError } from '../aws-errors.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { liveUserOrOutcome } from './live-user.js';
import { decodedPolicy, REVOKE_POLICY_NAME, revocationPolicy, revocationTimeIn } from './session-revocation-policy.js';
import { iamUserFromFinding, IamUserParamsSchema, type IamUserParams } from './user-params.js';

const PriorStateSchema = z.object({ userName: z.string(), policyName: z.string(), previousDocument: z.string().optional() });
const AppliedStateSchema = z.object({ sid: z.string(), tokenIssueTime: z.string() });

/**
 * Deactivating a leaked user key does not end the temporary credentials already minted from it (GetSessionToken,
 * AssumeRole with the key): this inline deny on aws:TokenIssueTime does. Requests signed with the long-term key itself
 * carry no token issue time and are not affected — that is what iam/deactivate-access-key is for.
 */
export const revokeUserSessions = defineAction<IamUserParams>({
  id: 'iam/revoke-user-sessions',
  description: 'deny every temporary session of the IAM user issued before now (inline policy on aws:TokenIssueTime)',
  params: IamUserParamsSchema,
  destructive: true,
  permissions: [{ actions: ['iam:GetUser', 'iam:GetUserPolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy'], resources: ['arn:*:iam::*:user/*'] }],

  paramsFromFinding: iamUserFromFinding,
  target: (p) => `user/${p.userName}/sessions`,
  protection: (p) => ({ principalArns: [p.userArn], tags: p.tags }),
  plan: (p, ctx) => [awsCall('iam', 'PutUserPolicy', { UserName: p.userName, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: revocationPolicy(ctx).json })],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    const live = await liveUserOrOutcome(iam, p.userName, ctx);
    if ('outcome' in live) return live.outcome;
    let previousDocument: string | undefined;
    try {
      previousDocument = (await iam.send(new GetUserPolicyCommand({ UserName: p.userName, PolicyName: REVOKE_POLICY_NAME }))).PolicyDocument;
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
    const document = revocationPolicy(ctx);
    const since = revocationTimeIn(previousDocument, document.sid);
    if (since) {
      return {
        status: 'done',
        summary: `already contained: sessions of ${p.userName} issued before ${since} are denied for this incident`,
        priorState: { userName: p.userName, policyName: REVOKE_POLICY_NAME },
        appliedState: { sid: document.sid, tokenIssueTime: since },
      };
    }
    await iam.send(new PutUserPolicyCommand({ UserName: p.userName, PolicyName: REVOKE_POLICY_NAME, PolicyDocument: document.json }));
    return {
      status: 'done',
      summary: `denied every temporary session of ${p.userName} issued before ${document.tokenIssueTime}`,
      priorState: { userName: p.userName, policyName: REVOKE_POLICY_NAME, ...(previousDocument ? { previousDocument: decodedPolicy(previousDocument) } : {}) },
      appliedState: { sid: document.sid, tokenIssueTime: document.tokenIssueTime },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.previousDocument
      ? [awsCall('iam', 'PutUserPolicy', { UserName: prior.userName, PolicyName: prior.policyName, PolicyDocument: prior.previousDocument })]
      : [awsCall('iam', 'DeleteUserPolicy', { UserName: prior.userName, PolicyName: prior.policyName })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const applied = parseOrThrow(AppliedStateSchema, record.appliedState, 'recorded applied state');
    const iam = aws.client('iam');
    let current: string | undefined;
    try {
      current = (await iam.send(new GetUserPolicyCommand({ UserName: prior.userName, PolicyName: prior.policyName }))).PolicyDocument;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `policy ${prior.policyName} is no longer on ${prior.userName}: nothing to remove` };
      throw error;
    }
    if (revocationTimeIn(current, applied.sid) !== applied.tokenIssueTime) {
      return { status: 'skipped', reason: `changed since containment: ${prior.policyName} on ${prior.userName} is not the document Firebreak wrote; not touched` };
    }
    if (prior.previousDocument) {
      await iam.send(new PutUserPolicyCommand({ UserName: prior.userName, PolicyName: prior.policyName, PolicyDocument: prior.previousDocument }));
      return { status: 'done', summary: `restored the previous ${prior.policyName} on ${prior.userName}` };
    }
    await iam.send(new DeleteUserPolicyCommand({ UserName: prior.userName, PolicyName: prior.policyName }));
    return { status: 'done', summary: `removed ${prior.policyName} from ${prior.userName}` };
  },
});
