import { DeletePublicAccessBlockCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, type PublicAccessBlockConfiguration, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { BLOCK_ALL, blocksAll } from './public-access-block-settings.js';
import { bucketFromFinding, BucketParamsSchema, bucketRefusal, type BucketParams } from './bucket-params.js';

export { BLOCK_ALL, blocksAll } from './public-access-block-settings.js';

const ConfigurationSchema = z.object({ BlockPublicAcls: z.boolean().optional(), IgnorePublicAcls: z.boolean().optional(), BlockPublicPolicy: z.boolean().optional(), RestrictPublicBuckets: z.boolean().optional() });
const PriorStateSchema = z.object({ bucketName: z.string(), configuration: ConfigurationSchema.nullable() });


/** The bucket's Block Public Access configuration, or null when it has none. */
async function currentConfiguration(s3: S3Client, bucketName: string): Promise<PublicAccessBlockConfiguration | null> {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucketName }))).PublicAccessBlockConfiguration ?? null;
  } catch (error) {
    if ((error as Error).name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}

/** Turns on all four bucket-level Block Public Access settings: public ACLs and public policies stop working at once. */
export const blockBucketPublicAccess = defineAction<BucketParams>({
  id: 's3/block-public-access',
  description: 'turn on all four S3 Block Public Access settings of the bucket',
  params: BucketParamsSchema,
  destructive: true,
  permissions: [{ actions: ['s3:GetBucketTagging', 's3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'], resources: ['arn:*:s3:::*'] }],

  paramsFromFinding: bucketFromFinding,
  target: (p) => `bucket/${p.bucketName}/public-access-block`,
  protection: (p) => ({ tags: p.tags }),
  plan: (p) => [awsCall('s3', 'PutPublicAccessBlock', { Bucket: p.bucketName, PublicAccessBlockConfiguration: BLOCK_ALL })],

  async apply(p, ctx, aws) {
    const s3 = aws.client('s3');
    const refusal = await bucketRefusal(s3, p.bucketName, ctx);
    if (refusal) return refusal;
    const configuration = await currentConfiguration(s3, p.bucketName);
    if (blocksAll(configuration)) {
      return { status: 'done', summary: `already contained: ${p.bucketName} blocks all public access`, priorState: { bucketName: p.bucketName, configuration }, appliedState: { configuration: BLOCK_ALL } };
    }
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: p.bucketName, PublicAccessBlockConfiguration: BLOCK_ALL }));
    return { status: 'done', summary: `blocked all public access to ${p.bucketName}`, priorState: { bucketName: p.bucketName, configuration }, appliedState: { configuration: BLOCK_ALL } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (blocksAll(prior.configuration)) return [];
    return prior.configuration
      ? [awsCall('s3', 'PutPublicAccessBlock', { Bucket: prior.bucketName, PublicAccessBlockConfiguration: prior.configuration })]
      : [awsCall('s3', 'DeletePublicAccessBlock', { Bucket: prior.bucketName })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (blocksAll(prior.configuration)) return { status: 'skipped', reason: 'the bucket already blocked all public access before Firebreak acted: nothing to restore' };
    const s3 = aws.client('s3');
    const current = await currentConfiguration(s3, prior.bucketName);
    if (!blocksAll(current)) return { status: 'skipped', reason: `changed since containment: ${prior.bucketName} no longer blocks all public access; not touched` };
    if (prior.configuration) {
      await s3.send(new PutPublicAccessBlockCommand({ Bucket: prior.bucketName, PublicAccessBlockConfiguration: prior.configuration }));
    } else {
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: prior.bucketName }));
    }
    return { status: 'done', summary: `restored the previous Block Public Access settings of ${prior.bucketName}` };
  },
});
