import { GetUserCommand, type IAMClient, type User } from '@aws-sdk/client-iam';
import type { ActionContext } from '../action.js';
import { isNotFoundError } from '../aws-errors.js';
import { refused, type Outcome } from '../define-action.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

/**
 * Reads the user before changing it: a user that is gone is skipped; the live ARN (with its path) and tags are checked
 * against the allowlists again, because the finding may not carry either.
 */
export async function liveUserOrOutcome(iam: IAMClient, userName: string, ctx: ActionContext): Promise<{ user: User } | { outcome: Outcome }> {
  let user: User | undefined;
  try {
    user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (error) {
    if (isNotFoundError(error)) return { outcome: { status: 'skipped', reason: `user ${userName} does not exist (NoSuchEntity): nothing to contain` } };
    throw error;
  }
  if (!user) return { outcome: { status: 'skipped', reason: `user ${userName} does not exist: nothing to contain` } };
  const reason = refusalReason({ principalArns: [user.Arn], tags: tagRecord(user.Tags) }, ctx.allowlists);
  return reason ? { outcome: refused(reason) } : { user };
}
