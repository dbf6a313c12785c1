import { DeleteFunctionConcurrencyCommand, GetFunctionConcurrencyCommand, ListTagsCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { parseOrThrow } from '../../core/zod-issues.js';
import { isNotFoundError } from '../aws-errors.js';
import { awsCall } from '../aws-session.js';
import { defineAction, refused } from '../define-action.js';
import { findResource } from '../safety/finding-resources.js';
import { refusalReason } from '../safety/protection.js';

const ParamsSchema = z.strictObject({
  /** Name or ARN. */
  functionName: z.string().min(1),
  tags: z.record(z.string(), z.string()).default({}),
});
type Params = z.infer<typeof ParamsSchema>;
const PriorStateSchema = z.object({ functionName: z.string(), reservedConcurrency: z.number().int().nullable() });

function functionFromFinding(finding: Finding): Params | undefined {
  const resource = findResource(finding, 'AWS::Lambda::Function');
  if (!resource) return undefined;
  return { functionName: resource.arn ?? resource.id, tags: resource.tags };
}

/** Reserved concurrency 0: no new invocation runs (callers get throttled), the code and configuration stay for the investigation. */
export const throttleFunction = defineAction<Params>({
  id: 'lambda/throttle-function',
  description: 'set the Lambda function\'s reserved concurrency to 0 (no invocation runs)',
  params: ParamsSchema,
  destructive: true,
  permissions: [
    { actions: ['lambda:ListTags', 'lambda:GetFunctionConcurrency', 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency'], resources: ['arn:*:lambda:*:*:function:*'] },
  ],

  paramsFromFinding: functionFromFinding,
  target: (p) => `function/${p.functionName}/concurrency`,
  protection: (p) => ({ tags: p.tags }),
  plan: (p) => [awsCall('lambda', 'PutFunctionConcurrency', { FunctionName: p.functionName, ReservedConcurrentExecutions: 0 })],

  async apply(p, ctx, aws) {
    const lambda = aws.client('lambda');
    let reserved: number | null;
    try {
      const arn = p.functionName.startsWith('arn:') ? p.functionName : `arn:aws:lambda:${ctx.target.region}:${ctx.target.accountId}:function:${p.functionName}`;
      const reason = refusalReason({ tags: (await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags ?? {} }, ctx.allowlists);
      if (reason) return refused(`function ${p.functionName}: ${reason}`);
      reserved = (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: p.functionName }))).ReservedConcurrentExecutions ?? null;
    } catch (error) {
      if (isNotFoundError(error)) return { status: 'skipped', reason: `function ${p.functionName} does not exist (ResourceNotFoundException): nothing to contain` };
      throw error;
    }
    const prior = { functionName: p.functionName, reservedConcurrency: reserved };
    if (reserved === 0) return { status: 'done', summary: `already contained: ${p.functionName} has reserved concurrency 0`, priorState: prior, appliedState: { reservedConcurrency: 0 } };
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: p.functionName, ReservedConcurrentExecutions: 0 }));
    return { status: 'done', summary: `throttled ${p.functionName} (reserved concurrency ${reserved ?? 'none'} → 0)`, priorState: prior, appliedState: { reservedConcurrency: 0 } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.reservedConcurrency === 0) return [];
    return prior.reservedConcurrency === null
      ? [awsCall('lambda', 'DeleteFunctionConcurrency', { FunctionName: prior.functionName })]
      : [awsCall('lambda', 'PutFunctionConcurrency', { FunctionName: prior.functionName, ReservedConcurrentExecutions: prior.reservedConcurrency })];
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.reservedConcurrency === 0) return { status: 'skipped', reason: 'the function was already throttled before Firebreak acted: nothing to restore' };
    const lambda = aws.client('lambda');
    const now = (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: prior.functionName }))).ReservedConcurrentExecutions;
    if (now !== 0) return { status: 'skipped', reason: `changed since containment: ${prior.functionName} has reserved concurrency ${now ?? 'none'}, not 0; not touched` };
    if (prior.reservedConcurrency === null) await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: prior.functionName }));
    else await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: prior.functionName, ReservedConcurrentExecutions: prior.reservedConcurrency }));
    return { status: 'done', summary: `restored the concurrency of ${prior.functionName} (${prior.reservedConcurrency ?? 'unreserved'})` };
  },
});
