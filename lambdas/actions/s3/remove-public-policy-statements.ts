import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { bucketFromFinding, BucketParamsSchema, bucketRefusal, type BucketParams } from './bucket-params.js';

/** Condition keys that tie a `*` principal to a network, an organization or an account: such a statement is not public. */
const RESTRICTING_KEYS = ['aws:sourceip', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:principalaccount', 'aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:principalarn', 'aws:userid', 'aws:username'];

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object' && 'AWS' in principal) {
    const aws = (principal as { AWS: unknown }).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

/** An Allow to everyone without a condition that narrows who or where: what S3 itself treats as public. */
export function isPublicStatement(statement: Statement): boolean {
  if (statement.Effect !== 'Allow' || !isEveryone(statement.Principal)) return false;
  const keys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}).map((k) => k.toLowerCase()));
  return !keys.some((key) => RESTRICTING_KEYS.includes(key));
}

function statementsOf(policy: string): { document: Record<string, unknown>; statements: Statement[] } {
  const document = JSON.parse(policy) as Record<string, unknown>;
  const raw = document.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Statement[];
  return { document, statements };
}

async function currentPolicy(s3: S3Client, bucketName: string): Promise<string | undefined> {
  try {
    return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucketName }))).Policy;
  } catch (error) {
    if ((error as Error).name === 'NoSuchBucketPolicy') return undefined;
    throw error;
  }
}

const canonical = (policy: string | undefined | null) => (policy ? JSON.stringify(JSON.parse(policy)) : null);

const PriorStateSchema = z.object({ bucketName: z.string(), policy: z.string(), removedSids: z.array(z.string()) });
const AppliedStateSchema = z.object({ policy: z.string().nullable() });

/** Removes only the statements that make the bucket public; every other statement of the policy stays as it was. */
export const removePublicPolicyStatements = defineAction<BucketParams>({
  id: 's3/remove-public-policy-statements',
  description: 'remove the bucket-policy statements that allow access to everyone',
  params: BucketParamsSchema,
  destructive: true,
  permissions: [{ actions: ['s3:GetBucketTagging', 's3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'], resources: ['arn:*:s3:::*'] }],

  paramsFromFinding: bucketFromFinding,
  target: (p) => `bucket/${p.bucketName}/policy`,
  protection: (p) => ({ tags: p.tags }),
  plan: (p) => [awsCall('s3', 'PutBucketPolicy', { Bucket: p.bucketName, Policy: '{the current policy without its public statements; DeleteBucketPolicy if none remain}' })],

  async apply(p, ctx, aws) {
    const s3 = aws.client('s3');
    const refusal = await bucketRefusal(s3, p.bucketName, ctx);
    if (refusal) return refusal;
    const policy = await currentPolicy(s3, p.bucketName);
    if (!policy) return { status: 'done', summary: `already contained: ${p.bucketName} has no bucket policy`, priorState: { bucketName: p.bucketName, policy: '', removedSids: [] }, appliedState: { policy: null } };
    const { document, statements } = statementsOf(policy);
    const publicOnes = statements.filter(isPublicStatement);
    if (publicOnes.length === 0) {
      return { status: 'done', summary: `already contained: no statement of ${p.bucketName}'s policy is public`, priorState: { bucketName: p.bucketName, policy, removedSids: [] }, appliedState: { policy } };
    }
    const kept = statements.filter((s) => !isPublicStatement(s));
    const removedSids = publicOnes.map((s) => s.Sid ?? `statement #${statements.indexOf(s)}`);
    let newPolicy: string | null = null;
    if (kept.length === 0) {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: p.bucketName }));
    } else {
      newPolicy = JSON.stringify({ ...document, Statement: kept });
      await s3.send(new PutBucketPolicyCommand({ Bucket: p.bucketName, Policy: newPolicy }));
    }
    return {
      status: 'done',
      summary: `removed ${publicOnes.length} public statement(s) (${removedSids.join(', ')}) from the policy of ${p.bucketName}`,
      priorState: { bucketName: p.bucketName, policy, removedSids },
      appliedState: { policy: newPolicy },
    };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.removedSids.length > 0 ? [awsCall('s3', 'PutBucketPolicy', { Bucket: prior.bucketName, Policy: prior.policy })] : [];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    const applied = parseOrThrow(AppliedStateSchema, record.appliedState, 'recorded applied state');
    if (prior.removedSids.length === 0) return { status: 'skipped', reason: 'no statement was removed: nothing to restore' };
    const s3 = aws.client('s3');
    const current = await currentPolicy(s3, prior.bucketName);
    if (canonical(current) !== canonical(applied.policy)) {
      return { status: 'skipped', reason: `changed since containment: the policy of ${prior.bucketName} is not the one Firebreak left; not touched` };
    }
    // With Block Public Access on (s3/block-public-access), S3 refuses a public policy: roll that action back first.
    await s3.send(new PutBucketPolicyCommand({ Bucket: prior.bucketName, Policy: prior.policy }));
    return { status: 'done', summary: `restored the previous policy of ${prior.bucketName}` };
  },
});
