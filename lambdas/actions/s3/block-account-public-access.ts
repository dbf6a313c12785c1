import { DeletePublicAccessBlockCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand, type PublicAccessBlockConfiguration, type S3ControlClient } from '@aws-sdk/client-s3-control';
import { z } from 'zod';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';
import { BLOCK_ALL, blocksAll } from './public-access-block-settings.js';

const ParamsSchema = z.strictObject({ accountId: z.string().regex(/^\d{12}$/) });
type Params = z.infer<typeof ParamsSchema>;
const ConfigurationSchema = z.object({ BlockPublicAcls: z.boolean().optional(), IgnorePublicAcls: z.boolean().optional(), BlockPublicPolicy: z.boolean().optional(), RestrictPublicBuckets: z.boolean().optional() });
const PriorStateSchema = z.object({ accountId: z.string(), configuration: ConfigurationSchema.nullable() });

async function currentConfiguration(s3Control: S3ControlClient, accountId: string): Promise<PublicAccessBlockConfiguration | null> {
  try {
    return (await s3Control.send(new GetPublicAccessBlockCommand({ AccountId: accountId }))).PublicAccessBlockConfiguration ?? null;
  } catch (error) {
    if ((error as Error).name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw error;
  }
}

/**
 * Account-wide Block Public Access, for the finding that says it was switched off. Every public bucket of the account stops
 * being public (static websites too), which is why playbooks ask a responder first.
 */
export const blockAccountPublicAccess = defineAction<Params>({
  id: 's3/block-account-public-access',
  description: 'turn on all four S3 Block Public Access settings for the whole account',
  params: ParamsSchema,
  destructive: true,
  permissions: [{ actions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'], resources: ['*'] }],

  paramsFromFinding(finding) {
    const accountLevel = /AccountBlockPublicAccessDisabled$/.test(finding.type) || /(^|\/)S3\.1$/.test(finding.type);
    return accountLevel ? { accountId: finding.accountId } : undefined;
  },
  target: (p) => `account/${p.accountId}/s3-public-access-block`,
  plan: (p) => [awsCall('s3Control', 'PutPublicAccessBlock', { AccountId: p.accountId, PublicAccessBlockConfiguration: BLOCK_ALL })],

  async apply(p, _ctx, aws) {
    const s3Control = aws.client('s3Control');
    const configuration = await currentConfiguration(s3Control, p.accountId);
    if (blocksAll(configuration)) {
      return { status: 'done', summary: `already contained: account ${p.accountId} blocks all public access`, priorState: { accountId: p.accountId, configuration }, appliedState: { configuration: BLOCK_ALL } };
    }
    await s3Control.send(new PutPublicAccessBlockCommand({ AccountId: p.accountId, PublicAccessBlockConfiguration: BLOCK_ALL }));
    return { status: 'done', summary: `blocked all S3 public access in account ${p.accountId}`, priorState: { accountId: p.accountId, configuration }, appliedState: { configuration: BLOCK_ALL } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (blocksAll(prior.configuration)) return [];
    return prior.configuration
      ? [awsCall('s3Control', 'PutPublicAccessBlock', { AccountId: prior.accountId, PublicAccessBlockConfiguration: prior.configuration })]
      : [awsCall('s3Control', 'DeletePublicAccessBlock', { AccountId: prior.accountId })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (blocksAll(prior.configuration)) return { status: 'skipped', reason: 'the account already blocked all public access before Firebreak acted' };
    const s3Control = aws.client('s3Control');
    if (!blocksAll(await currentConfiguration(s3Control, prior.accountId))) return { status: 'skipped', reason: 'changed since containment: the account no longer blocks all public access; not touched' };
    if (prior.configuration) await s3Control.send(new PutPublicAccessBlockCommand({ AccountId: prior.accountId, PublicAccessBlockConfiguration: prior.configuration }));
    else await s3Control.send(new DeletePublicAccessBlockCommand({ AccountId: prior.accountId }));
    return { status: 'done', summary: `restored the account's previous Block Public Access settings` };
  },
});
