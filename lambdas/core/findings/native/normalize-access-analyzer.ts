import { z } from 'zod';
import { FindingSchema, type ResourceClass, type SeverityLabel } from '../finding.js';
import { NORMALIZED_FOR_LABEL } from '../severity.js';
import { toIsoTimestamp } from '../timestamps.js';
import { formatZodIssues } from '../../zod-issues.js';
import type { NormalizeResult } from '../normalize-result.js';

/** IAM Access Analyzer finding: the `detail` of an `Access Analyzer Finding` event (ListFindings items are the same shape). */
export const AccessAnalyzerFindingSchema = z.object({
  id: z.string().min(1),
  accountId: z.string().nullish(),
  resourceOwnerAccount: z.string().nullish(),
  region: z.string().nullish(),
  resource: z.string().min(1),
  resourceType: z.string().min(1),
  principal: z.record(z.string(), z.string()).nullish(),
  action: z.array(z.string()).nullish(),
  isPublic: z.boolean().nullish(),
  status: z.string().nullish(),
  error: z.string().nullish(),
  createdAt: z.union([z.string(), z.number()]),
  updatedAt: z.union([z.string(), z.number()]).nullish(),
  analyzedAt: z.union([z.string(), z.number()]).nullish(),
});

const RESOURCE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  'AWS::S3::Bucket': 'S3Bucket',
  'AWS::IAM::Role': 'IAMRole',
  'AWS::Lambda::Function': 'Lambda',
  'AWS::RDS::DBSnapshot': 'RDS',
  'AWS::RDS::DBClusterSnapshot': 'RDS',
};

/**
 * Public access is HIGH, cross-account access MEDIUM; archived/resolved findings and analysis errors (the analyzer could
 * not read the policy) are kept, as INFORMATIONAL and LOW, so a revoked grant or a blind spot is still recorded.
 */
function severityOf(f: z.infer<typeof AccessAnalyzerFindingSchema>): SeverityLabel {
  if (f.error) return 'LOW';
  if (f.status && f.status !== 'ACTIVE') return 'INFORMATIONAL';
  return f.isPublic ? 'HIGH' : 'MEDIUM';
}

export function normalizeAccessAnalyzerFinding(raw: unknown, context: { region?: string; accountId?: string; eventId?: string } = {}): NormalizeResult {
  const parsed = AccessAnalyzerFindingSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `Access Analyzer finding: ${formatZodIssues(parsed.error).join('; ')}` };
  const f = parsed.data;
  const accountId = f.accountId ?? f.resourceOwnerAccount ?? context.accountId;
  if (!accountId) return { ok: false, reason: `Access Analyzer finding ${f.id}: no accountId or resourceOwnerAccount` };
  const region = f.region ?? context.region ?? /^arn:[\w-]+:[\w-]+:([\w-]+):/.exec(f.resource)?.[1];
  if (!region) return { ok: false, reason: `Access Analyzer finding ${f.id}: no region (neither in the finding, its resource ARN nor an envelope)` };
  const firstSeen = toIsoTimestamp(f.createdAt);
  const lastSeen = toIsoTimestamp(f.updatedAt) ?? toIsoTimestamp(f.analyzedAt) ?? firstSeen;
  if (!firstSeen || !lastSeen) return { ok: false, reason: `Access Analyzer finding ${f.id}: createdAt is not a timestamp` };
  const label = severityOf(f);
  const kind = f.error ? 'AnalysisError' : f.isPublic ? 'PublicAccess' : 'ExternalAccess';
  const grantee = Object.values(f.principal ?? {}).join(', ');
  const candidate = {
    dedupKey: `access-analyzer:${accountId}:${region}:${f.id}`,
    source: 'other',
    product: 'IAM Access Analyzer',
    type: `AccessAnalyzer:${f.resourceType}/${kind}`,
    title: f.error
      ? `Access Analyzer could not analyze ${f.resource} (${f.error})`
      : `${f.resource} grants ${f.isPublic ? 'public' : 'external'} access${grantee ? ` to ${grantee}` : ''}${f.action?.length ? ` (${f.action.join(', ')})` : ''}`,
    description: `status ${f.status ?? 'unknown'}`,
    severity: { label, normalized: NORMALIZED_FOR_LABEL[label], original: f.status ?? undefined },
    accountId,
    region,
    firstSeen,
    lastSeen,
    resourceClass: RESOURCE_CLASSES[f.resourceType] ?? 'Other',
    resources: [{ type: f.resourceType, id: f.resource, ...(f.resource.startsWith('arn:') ? { arn: f.resource } : {}), region, tags: {}, details: {} }],
    attack: { tactics: [], techniques: [] },
    sourceEventIds: [f.id, ...(context.eventId ? [context.eventId] : [])],
  };
  const finding = FindingSchema.safeParse(candidate);
  if (!finding.success) return { ok: false, reason: `Access Analyzer finding ${f.id}: ${formatZodIssues(finding.error).join('; ')}` };
  return { ok: true, findings: [finding.data] };
}
