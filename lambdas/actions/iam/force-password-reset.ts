import { GetLoginProfileCommand, UpdateLoginProfileCommand } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { isNotFoundError } from '../aws-errors.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { liveUserOrOutcome } from './live-user.js';
import { iamUserFromFinding, IamUserParamsSchema, type IamUserParams } from './user-params.js';

const PriorStateSchema = z.object({ userName: z.string(), passwordResetRequired: z.boolean() });

/**
 * Requires a new console password at the next sign-in. A remediation step (it runs after approval): whoever knows the
 * current password can still choose the new one, so the containment of console access is iam/remove-console-access.
 */
export const forcePasswordReset = defineAction<IamUserParams>({
  id: 'iam/force-password-reset',
  description: 'require the IAM user to set a new console password at the next sign-in',
  params: IamUserParamsSchema,
  destructive: true,
  permissions: [{ actions: ['iam:GetUser', 'iam:GetLoginProfile', 'iam:UpdateLoginProfile'], resources: ['arn:*:iam::*:user/*'] }],

  paramsFromFinding: iamUserFromFinding,
  target: (p) => `user/${p.userName}/login-profile`,
  protection: (p) => ({ principalArns: [p.userArn], tags: p.tags }),
  plan: (p) => [awsCall('iam', 'UpdateLoginProfile', { UserName: p.userName, PasswordResetRequired: true })],

  async apply(p, ctx, aws) {
    const iam = aws.client('iam');
    const live = await liveUserOrOutcome(iam, p.userName, ctx);
    if ('outcome' in live) return live.outcome;
    let profile;
    try {
      profile = (await iam.send(new GetLoginProfileCommand({ UserName: p.userName }))).LoginProfile;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `${p.userName} has no console password (NoSuchEntity): nothing to reset` };
      throw error;
    }
    const prior = { userName: p.userName, passwordResetRequired: profile?.PasswordResetRequired ?? false };
    if (prior.passwordResetRequired) {
      return { status: 'done', summary: `already contained: ${p.userName} must already set a new password`, priorState: prior, appliedState: { passwordResetRequired: true } };
    }
    await iam.send(new UpdateLoginProfileCommand({ UserName: p.userName, PasswordResetRequired: true }));
    return { status: 'done', summary: `${p.userName} must set a new console password at the next sign-in`, priorState: prior, appliedState: { passwordResetRequired: true } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.passwordResetRequired ? [] : [awsCall('iam', 'UpdateLoginProfile', { UserName: prior.userName, PasswordResetRequired: false })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.passwordResetRequired) return { status: 'skipped', reason: 'a reset was already required before Firebreak acted: nothing to restore' };
    const iam = aws.client('iam');
    let profile;
    try {
      profile = (await iam.send(new GetLoginProfileCommand({ UserName: prior.userName }))).LoginProfile;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `${prior.userName} no longer has a console password: nothing to restore` };
      throw error;
    }
    if (!profile?.PasswordResetRequired) {
      return { status: 'skipped', reason: `changed since containment: ${prior.userName} already set a new password (or someone cleared the requirement); not touched` };
    }
    await iam.send(new UpdateLoginProfileCommand({ UserName: prior.userName, PasswordResetRequired: false }));
    return { status: 'done', summary: `${prior.userName} no longer has to reset the console password` };
  },
});
