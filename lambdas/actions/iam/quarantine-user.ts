import { DeleteUserPolicyCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import type { ActionContext } from '../action.js';
import { isNotFoundError } from '../aws-errors.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { AWS_QUARANTINE_POLICY_NAMES } from './iam-names.js';
import { liveUserOrOutcome } from './live-user.js';
import { decodedPolicy, policyStatements } from './session-revocation-policy.js';
import { iamUserFromFinding, IamUserParamsSchema, type IamUserParams } from './user-params.js';

export const QUARANTINE_POLICY_NAME = 'FirebreakQuarantine';

const PriorStateSchema = z.object({ userName: z.string(), previousDocument: z.string().optional(), awsQuarantinePolicies: z.array(z.string()).default([]) });
const AppliedStateSchema = z.object({ sid: z.string() });

function quarantineSid(ctx: ActionContext): string {
  return `FirebreakQuarantine${ctx.incidentId.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100);
}

function quarantineDocument(ctx: ActionContext): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: quarantineSid(ctx), Effect: 'Deny', Action: ['*'], Resource: ['*'] }] });
}

/** An explicit deny of everything on the user: stops every credential of it, long-term or temporary, until removed. */
export const quarantineUser = defineAction<IamUserParams>({
  id: 'iam/quarantine-user',
  description: 'attach a deny-all inline policy to the IAM user',
  params: IamUserParamsSchema,
  destructive: true,
  permissions: [
    {
      actions: ['iam:GetUser', 'iam:ListAttachedUserPolicies', 'iam:GetUserPolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy'],
      resources: ['arn:*:iam::*:user/*'],
    },
  ],

  paramsFromFinding: iamUserFromFinding,
  target: (p) => `user/${p.userName}/quarantine`,
  protection: (p) => ({ principalArns: [p.userArn], tags: p.tags }),
  plan: (p, ctx) => [awsCall('iam', 'PutUserPolicy', { UserName: p.userName, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: quarantineDocument(ctx) })],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    const live = await liveUserOrOutcome(iam, p.userName, ctx);
    if ('outcome' in live) return live.outcome;
    const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: p.userName }))).AttachedPolicies ?? [];
    const awsQuarantinePolicies = attached.map((a) => a.PolicyName ?? '').filter((name) => AWS_QUARANTINE_POLICY_NAMES.includes(name));
    const note = awsQuarantinePolicies.length > 0 ? ` (AWS already attached ${awsQuarantinePolicies.join(', ')}; left in place)` : '';
    let previousDocument: string | undefined;
    try {
      previousDocument = (await iam.send(new GetUserPolicyCommand({ UserName: p.userName, PolicyName: QUARANTINE_POLICY_NAME }))).PolicyDocument;
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
    const sid = quarantineSid(ctx);
    if (policyStatements(previousDocument).some((s) => s.Sid === sid)) {
      return { status: 'done', summary: `already contained: ${p.userName} is quarantined for this incident${note}`, priorState: { userName: p.userName, awsQuarantinePolicies }, appliedState: { sid } };
    }
    await iam.send(new PutUserPolicyCommand({ UserName: p.userName, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: quarantineDocument(ctx) }));
    return {
      status: 'done',
      summary: `quarantined ${p.userName}: every action is denied${note}`,
      priorState: { userName: p.userName, awsQuarantinePolicies, ...(previousDocument ? { previousDocument: decodedPolicy(previousDocument) } : {}) },
      appliedState: { sid },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.previousDocument
      ? [awsCall('iam', 'PutUserPolicy', { UserName: prior.userName, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: prior.previousDocument })]
      : [awsCall('iam', 'DeleteUserPolicy', { UserName: prior.userName, PolicyName: QUARANTINE_POLICY_NAME })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const applied = parseOrThrow(AppliedStateSchema, record.appliedState, 'recorded applied state');
    const iam = aws.client('iam');
    let current: string | undefined;
    try {
      current = (await iam.send(new GetUserPolicyCommand({ UserName: prior.userName, PolicyName: QUARANTINE_POLICY_NAME }))).PolicyDocument;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `${QUARANTINE_POLICY_NAME} is no longer on ${prior.userName}: nothing to remove` };
      throw error;
    }
    if (!policyStatements(current).some((s) => s.Sid === applied.sid)) {
      return { status: 'skipped', reason: `changed since containment: ${QUARANTINE_POLICY_NAME} on ${prior.userName} is not the document Firebreak wrote; not touched` };
    }
    if (prior.previousDocument) {
      await iam.send(new PutUserPolicyCommand({ UserName: prior.userName, PolicyName: QUARANTINE_POLICY_NAME, PolicyDocument: prior.previousDocument }));
      return { status: 'done', summary: `restored the previous ${QUARANTINE_POLICY_NAME} on ${prior.userName}` };
    }
    await iam.send(new DeleteUserPolicyCommand({ UserName: prior.userName, PolicyName: QUARANTINE_POLICY_NAME }));
    return { status: 'done', summary: `lifted the quarantine of ${prior.userName}` };
  },
});
