import { GetBucketTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import type { ActionContext } from '../action.js';
import { isNotFoundError } from '../aws-errors.js';
import { refused, type Outcome } from '../define-action.js';
import { findResource } from '../safety/finding-resources.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

export const BucketParamsSchema = z.strictObject({
  bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' }),
  tags: z.record(z.string(), z.string()).default({}),
});
export type BucketParams = z.infer<typeof BucketParamsSchema>;

export function bucketFromFinding(finding: Finding): BucketParams | undefined {
  const resource = findResource(finding, 'AWS::S3::Bucket');
  if (!resource) return undefined;
  const fromDetails = typeof resource.details.bucketName === 'string' ? resource.details.bucketName : undefined;
  const bucketName = fromDetails ?? resource.plainId;
  return BucketParamsSchema.safeParse({ bucketName, tags: resource.tags }).success ? { bucketName, tags: resource.tags } : undefined;
}

/**
 * Whether the bucket's actions must stop before changing anything: a protected tag on the live bucket refuses them, and a
 * bucket that no longer exists (NoSuchBucket) leaves nothing to contain. Undefined: go on.
 */
export async function bucketRefusal(s3: S3Client, bucketName: string, ctx: ActionContext): Promise<Outcome | undefined> {
  let tags: Record<string, string> = {};
  try {
    tags = tagRecord((await s3.send(new GetBucketTaggingCommand({ Bucket: bucketName }))).TagSet);
  } catch (error) {
    if (isNotFoundError(error)) return { status: 'skipped', reason: `bucket ${bucketName} does not exist (NoSuchBucket): nothing to contain` };
    if ((error as Error).name !== 'NoSuchTagSet') throw error;
  }
  const reason = refusalReason({ tags }, ctx.allowlists);
  return reason ? refused(`bucket ${bucketName}: ${reason}`) : undefined;
}
