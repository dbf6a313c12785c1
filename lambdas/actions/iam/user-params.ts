import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { IamUserNameSchema, partitionOf, TagsSchema } from './iam-names.js';

/** Params of the actions that act on an IAM user as a whole (not on one key). */
export const IamUserParamsSchema = z.strictObject({
  userName: IamUserNameSchema,
  userArn: z.string().optional(),
  tags: TagsSchema,
});
export type IamUserParams = z.infer<typeof IamUserParamsSchema>;

export function iamUserFromFinding(finding: Finding): IamUserParams | undefined {
  const principal = finding.principal;
  if (principal?.type !== 'IAMUser' || !principal.userName) return undefined;
  const userResource = finding.resources.find((r) => r.type === 'AWS::IAM::User');
  return {
    userName: principal.userName,
    userArn: principal.arn ?? `arn:${partitionOf(finding.region)}:iam::${finding.accountId}:user/${principal.userName}`,
    tags: userResource?.tags ?? {},
  };
}
