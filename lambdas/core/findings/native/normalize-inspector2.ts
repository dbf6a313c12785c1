import { z } from 'zod';
import { FindingSchema, SeverityLabelSchema, type ResourceClass } from '../finding.js';
import { NORMALIZED_FOR_LABEL } from '../severity.js';
import { toIsoTimestamp } from '../timestamps.js';
import { formatZodIssues } from '../../zod-issues.js';
import type { NormalizeResult } from '../normalize-result.js';

const timestamp = z.union([z.string(), z.number()]);

/** Inspector v2 finding: the `detail` of an `Inspector2 Finding` event (same shape as ListFindings). */
export const Inspector2FindingSchema = z.object({
  findingArn: z.string().min(1),
  awsAccountId: z.string().min(1),
  type: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  severity: z.string(),
  status: z.string().nullish(),
  inspectorScore: z.number().nullish(),
  epss: z.object({ score: z.number().min(0).max(1) }).nullish(),
  fixAvailable: z.enum(['YES', 'NO', 'PARTIAL']).nullish(),
  exploitAvailable: z.enum(['YES', 'NO']).nullish(),
  firstObservedAt: timestamp,
  lastObservedAt: timestamp.nullish(),
  updatedAt: timestamp.nullish(),
  packageVulnerabilityDetails: z
    .object({
      vulnerabilityId: z.string(),
      cvss: z.array(z.object({ baseScore: z.number(), scoringVector: z.string().nullish(), version: z.string().nullish(), source: z.string().nullish() })).nullish(),
      vulnerablePackages: z.array(z.object({ name: z.string(), version: z.string().nullish() })).nullish(),
    })
    .nullish(),
  resources: z
    .array(z.object({ type: z.string(), id: z.string(), region: z.string().nullish(), tags: z.record(z.string(), z.string()).nullish() }))
    .min(1),
});

const RESOURCE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  AWS_EC2_INSTANCE: 'Instance',
  AWS_ECR_CONTAINER_IMAGE: 'Container',
  AWS_ECR_REPOSITORY: 'Container',
  AWS_LAMBDA_FUNCTION: 'Lambda',
};

const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  AWS_EC2_INSTANCE: 'AWS::EC2::Instance',
  AWS_ECR_CONTAINER_IMAGE: 'AWS::ECR::ContainerImage',
  AWS_ECR_REPOSITORY: 'AWS::ECR::Repository',
  AWS_LAMBDA_FUNCTION: 'AWS::Lambda::Function',
};

/** Same identity as Inspector's Security Hub copy (its ASFF Id is the finding ARN). */
export function inspectorDedupKey(findingArn: string): string {
  return `inspector:${findingArn}`;
}

export function normalizeInspector2Finding(raw: unknown, context: { eventId?: string } = {}): NormalizeResult {
  const parsed = Inspector2FindingSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `Inspector finding: ${formatZodIssues(parsed.error).join('; ')}` };
  const f = parsed.data;
  // UNTRIAGED (no score yet) is treated as informational until Inspector scores it.
  const label = SeverityLabelSchema.safeParse(f.severity.toUpperCase()).data ?? 'INFORMATIONAL';
  const region = f.resources[0]!.region ?? /^arn:[\w-]+:inspector2:([\w-]+):/.exec(f.findingArn)?.[1];
  if (!region) return { ok: false, reason: `Inspector finding ${f.findingArn}: no region in its resources or ARN` };
  const firstSeen = toIsoTimestamp(f.firstObservedAt);
  const lastSeen = toIsoTimestamp(f.lastObservedAt) ?? toIsoTimestamp(f.updatedAt) ?? firstSeen;
  if (!firstSeen || !lastSeen) return { ok: false, reason: `Inspector finding ${f.findingArn}: firstObservedAt is not a timestamp` };
  const pkg = f.packageVulnerabilityDetails;
  const cvss = pkg?.cvss?.find((c) => c.source === 'NVD') ?? pkg?.cvss?.[0];
  const candidate = {
    dedupKey: inspectorDedupKey(f.findingArn),
    source: 'other',
    product: 'Inspector',
    type: pkg ? `${f.type}/${pkg.vulnerabilityId}` : f.type,
    title: f.title,
    description: (f.description ?? '').trim(),
    severity: { label, normalized: f.inspectorScore != null ? Math.round(f.inspectorScore * 10) : NORMALIZED_FOR_LABEL[label], original: f.severity },
    accountId: f.awsAccountId,
    region,
    firstSeen,
    lastSeen,
    resourceClass: RESOURCE_CLASSES[f.resources[0]!.type] ?? 'Other',
    resources: f.resources.map((r) => ({ type: RESOURCE_TYPES[r.type] ?? r.type, id: r.id, region: r.region ?? region, tags: r.tags ?? {}, details: {} })),
    attack: { tactics: [], techniques: [] },
    sourceEventIds: [f.findingArn, ...(context.eventId ? [context.eventId] : [])],
    ...(pkg
      ? {
          vulnerability: {
            id: pkg.vulnerabilityId,
            ...(cvss ? { cvssScore: cvss.baseScore } : {}),
            ...(cvss?.scoringVector ? { cvssVector: cvss.scoringVector } : {}),
            ...(cvss?.version ? { cvssVersion: cvss.version } : {}),
            ...(f.epss ? { epssScore: f.epss.score } : {}),
            ...(f.fixAvailable ? { fixAvailable: f.fixAvailable } : {}),
            ...(f.exploitAvailable ? { exploitAvailable: f.exploitAvailable } : {}),
            packages: (pkg.vulnerablePackages ?? []).map((p) => (p.version ? `${p.name}@${p.version}` : p.name)),
          },
        }
      : {}),
  };
  // The inspector score already folds in severity; a normalized value outside the label's band would mislead: clamp.
  const finding = FindingSchema.safeParse(candidate);
  if (!finding.success) return { ok: false, reason: `Inspector finding ${f.findingArn}: ${formatZodIssues(finding.error).join('; ')}` };
  return { ok: true, findings: [finding.data] };
}
