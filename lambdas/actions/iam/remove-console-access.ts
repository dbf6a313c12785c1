import { DeleteLoginProfileCommand, GetLoginProfileCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { isNotFoundError } from '../aws-errors.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { liveUserOrOutcome } from './live-user.js';
import { iamUserFromFinding, IamUserParamsSchema, type IamUserParams } from './user-params.js';

const PriorStateSchema = z.object({ userName: z.string(), hadConsolePassword: z.boolean(), createDate: z.string().optional() });

/**
 * Deletes the user's console password (login profile): the attacker who knows it can no longer sign in. A password cannot
 * be restored, so rollback hands this one to a human (create a new login profile) rather than pretending.
 */
export const removeConsoleAccess = defineAction<IamUserParams>({
  id: 'iam/remove-console-access',
  description: 'delete the IAM user\'s console password (login profile)',
  params: IamUserParamsSchema,
  destructive: true,
  permissions: [{ actions: ['iam:GetUser', 'iam:GetLoginProfile', 'iam:DeleteLoginProfile'], resources: ['arn:*:iam::*:user/*'] }],

  paramsFromFinding: iamUserFromFinding,
  target: (p) => `user/${p.userName}/login-profile`,
  protection: (p) => ({ principalArns: [p.userArn], tags: p.tags }),
  plan: (p) => [awsCall('iam', 'DeleteLoginProfile', { UserName: p.userName })],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    const live = await liveUserOrOutcome(iam, p.userName, ctx);
    if ('outcome' in live) return live.outcome;
    let createDate: string | undefined;
    try {
      createDate = (await iam.send(new GetLoginProfileCommand({ UserName: p.userName }))).LoginProfile?.CreateDate?.toISOString();
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
      return {
        status: 'done',
        summary: `already contained: ${p.userName} has no console password`,
        priorState: { userName: p.userName, hadConsolePassword: false },
        appliedState: { hasConsolePassword: false },
      };
    }
    try {
      await iam.send(new DeleteLoginProfileCommand({ UserName: p.userName }));
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
    return {
      status: 'done',
      summary: `deleted the console password of ${p.userName}`,
      priorState: { userName: p.userName, hadConsolePassword: true, ...(createDate ? { createDate } : {}) },
      appliedState: { hasConsolePassword: false },
    };
  },

  rollbackPlan: () => [],
  async revert(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (!prior.hadConsolePassword) return { status: 'skipped', reason: `${prior.userName} had no console password before Firebreak acted: nothing to restore` };
    return {
      status: 'skipped',
      reason: `a deleted console password cannot be restored automatically`,
      refused: true,
      escalation: `create a new console password for ${prior.userName} (IAM CreateLoginProfile with PasswordResetRequired) once the investigation allows`,
    };
  },
});
