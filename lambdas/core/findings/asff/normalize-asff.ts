import { FindingSchema, type Finding, type Principal, type Resource, type ResourceClass, type SeverityLabel } from '../finding.js';
import { labelForNormalized, NORMALIZED_FOR_LABEL, SEVERITY_ORDER } from '../severity.js';
import { ATTACK_TACTICS, tacticsForGuardDutyType } from '../attack-tactics.js';
import { toIsoTimestamp } from '../timestamps.js';
import { guardDutyDedupKey, resourceClassFor, resourceRoleOf } from '../guardduty/normalize-guardduty.js';
import { formatZodIssues } from '../../zod-issues.js';
import type { NormalizeResult } from '../normalize-result.js';
import { inspectorDedupKey } from '../native/normalize-inspector2.js';
import { AsffFindingSchema, type AsffFinding, type AsffResource } from './asff-finding-schema.js';

export interface AsffContext {
  region?: string;
  eventId?: string;
}

const RESOURCE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  AwsIamAccessKey: 'AccessKey',
  AwsIamUser: 'IAMUser',
  AwsIamRole: 'IAMRole',
  AwsAccount: 'Account',
  AwsEc2Instance: 'Instance',
  AwsEc2Volume: 'Instance',
  AwsS3Bucket: 'S3Bucket',
  AwsS3Object: 'S3Bucket',
  AwsEksCluster: 'EKSCluster',
  AwsEcsCluster: 'ECSCluster',
  AwsEcsTask: 'Container',
  AwsEcsService: 'ECSCluster',
  Container: 'Container',
  AwsEcrContainerImage: 'Container',
  AwsLambdaFunction: 'Lambda',
  AwsRdsDbInstance: 'RDS',
  AwsRdsDbCluster: 'RDS',
  AwsRdsDbSnapshot: 'RDS',
  AwsRdsDbClusterSnapshot: 'RDS',
  AwsEc2SecurityGroup: 'SecurityGroup',
  AwsCloudTrailTrail: 'Logging',
};

/** ASFF resource type → GuardDuty `resourceType`, so GuardDuty-via-Security-Hub classifies exactly like native GuardDuty. */
const GUARDDUTY_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  AwsIamAccessKey: 'AccessKey',
  AwsEc2Instance: 'Instance',
  AwsS3Bucket: 'S3Bucket',
  AwsEksCluster: 'EKSCluster',
  AwsEcsCluster: 'ECSCluster',
  AwsLambdaFunction: 'Lambda',
  AwsRdsDbInstance: 'RDSDBInstance',
  Container: 'Container',
};

/** `arn:aws:guardduty:<region>:<account>:detector/<d>/finding/<id>` (the GuardDuty guide's sample reads `arn:aws::guardduty:`). */
const GUARDDUTY_FINDING_ARN = /^arn:[\w-]*::?guardduty:([\w-]+):(\d{12}):detector\/[^/]+\/finding\/([^/]+)$/;

function productName(asff: AsffFinding): string {
  return asff.ProductName ?? asff.ProductFields?.['aws/securityhub/ProductName'] ?? asff.ProductArn.split('/').pop() ?? 'Security Hub';
}

function severityOf(asff: AsffFinding): { label: SeverityLabel; normalized: number; original?: string | number } | string {
  const rawLabel = asff.Severity?.Label ?? asff.FindingProviderFields?.Severity?.Label ?? undefined;
  const normalizedIn = asff.Severity?.Normalized ?? undefined;
  const original = asff.Severity?.Original ?? asff.FindingProviderFields?.Severity?.Original ?? asff.Severity?.Product ?? undefined;
  if (rawLabel) {
    const label = rawLabel.toUpperCase() as SeverityLabel;
    if (!SEVERITY_ORDER.includes(label)) return `Severity.Label '${rawLabel}' is not one of ${SEVERITY_ORDER.join(', ')}`;
    // The label wins (ASFF says so); the number is kept when it agrees with it.
    const normalized = normalizedIn !== undefined && labelForNormalized(normalizedIn) === label ? normalizedIn : NORMALIZED_FOR_LABEL[label];
    return { label, normalized, ...(original !== undefined ? { original } : {}) };
  }
  if (normalizedIn !== undefined) return { label: labelForNormalized(normalizedIn), normalized: normalizedIn, ...(original !== undefined ? { original } : {}) };
  return 'Severity has neither Label nor Normalized';
}

/** GuardDuty via Security Hub rewrites the type as `TTPs/.../UnauthorizedAccess:EC2-SSHBruteForce`; recover the native one. */
function guardDutyTypeOf(asff: AsffFinding): string | undefined {
  for (const type of [...(asff.Types ?? []), ...(asff.FindingProviderFields?.Types ?? [])]) {
    const last = type.split('/').pop() ?? '';
    const match = /^([A-Za-z]+):([A-Za-z0-9]+)-(.+)$/.exec(last);
    if (match) return `${match[1]}:${match[2]}/${match[3]}`;
  }
  return undefined;
}

/** ASFF `Types` like `TTPs/Initial Access/...` name the tactic. */
function tacticsFromTypes(types: readonly string[]): string[] {
  const out = new Set<string>();
  for (const type of types) {
    const [namespace, category] = type.split('/');
    if (namespace !== 'TTPs' || !category) continue;
    const id = ATTACK_TACTICS[category.toLowerCase().replace(/[\s-]+/g, '_') as keyof typeof ATTACK_TACTICS];
    if (id) out.add(id);
  }
  return [...out];
}

function scalarDetails(resource: AsffResource): Record<string, unknown> {
  const details = resource.Details?.[resource.Type];
  if (typeof details !== 'object' || details === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value;
  }
  return out;
}

function resourcesOf(asff: AsffFinding, region: string): Resource[] {
  return (asff.Resources ?? []).map((r) => ({
    type: r.Type,
    id: r.Id,
    ...(r.Id.startsWith('arn:') ? { arn: r.Id } : {}),
    region: r.Region ?? region,
    tags: r.Tags ?? {},
    details: scalarDetails(r),
  }));
}

const PRINCIPAL_TYPES = new Set(['IAMUser', 'AssumedRole', 'Root', 'FederatedUser']);

function principalOf(asff: AsffFinding, accountId: string): Principal | undefined {
  for (const r of asff.Resources ?? []) {
    if (r.Type === 'AwsIamAccessKey') {
      const d = scalarDetails(r) as Record<string, string | undefined>;
      const type = PRINCIPAL_TYPES.has(d.PrincipalType ?? '') ? (d.PrincipalType as Principal['type']) : 'IAMUser';
      const name = d.PrincipalName ?? d.UserName;
      const keyFromId = /AccessKey:(A[KS]IA[A-Z0-9]+)$/.exec(r.Id)?.[1];
      const accessKeyId = d.AccessKeyId ?? keyFromId;
      const principal: Principal = { type };
      if (d.PrincipalId) principal.principalId = d.PrincipalId;
      if (accessKeyId) principal.accessKeyId = accessKeyId;
      const partition = r.Partition ?? 'aws';
      if (type === 'AssumedRole' && name) {
        principal.roleName = name;
        principal.arn = `arn:${partition}:iam::${accountId}:role/${name}`;
      } else if (type === 'Root') {
        principal.arn = `arn:${partition}:iam::${accountId}:root`;
      } else if (name) {
        principal.userName = name;
        principal.arn = type === 'FederatedUser' ? `arn:${partition}:sts::${accountId}:federated-user/${name}` : `arn:${partition}:iam::${accountId}:user/${name}`;
      }
      return principal;
    }
    if (r.Type === 'AwsIamUser' && r.Id.startsWith('arn:')) return { type: 'IAMUser', arn: r.Id, userName: r.Id.split('/').pop()! };
    if (r.Type === 'AwsIamRole' && r.Id.startsWith('arn:')) return { type: 'AssumedRole', arn: r.Id, roleName: r.Id.split('/').pop()! };
  }
  return undefined;
}

function remoteIpOf(asff: AsffFinding): string | undefined {
  const direct =
    asff.Network?.SourceIpV4 ??
    asff.Action?.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4 ??
    asff.Action?.NetworkConnectionAction?.RemoteIpDetails?.IpAddressV4 ??
    undefined;
  if (direct) return direct;
  for (const [key, value] of Object.entries(asff.ProductFields ?? {})) {
    if (key.endsWith('remoteIpDetails/ipAddressV4') && value) return value;
  }
  return undefined;
}

function guardDutyProductField(asff: AsffFinding, suffix: string): string | undefined {
  const fields = asff.ProductFields ?? {};
  return fields[`aws/guardduty/service/${suffix}`] ?? fields[suffix];
}

function closedReason(asff: AsffFinding): string | undefined {
  if (asff.RecordState === 'ARCHIVED') return 'record state ARCHIVED';
  const workflow = asff.Workflow?.Status;
  if (workflow === 'RESOLVED' || workflow === 'SUPPRESSED') return `workflow ${workflow}`;
  if (asff.Compliance?.Status === 'PASSED') return 'control PASSED';
  return undefined;
}

function isSample(asff: AsffFinding): boolean {
  if (asff.Sample === true) return true;
  const sample = guardDutyProductField(asff, 'additionalInfo/sample');
  if (sample?.toLowerCase() === 'true') return true;
  const additional = guardDutyProductField(asff, 'additionalInfo');
  return typeof additional === 'string' && /"sample"\s*:\s*true/.test(additional);
}

/**
 * One ASFF finding → Finding. A GuardDuty finding arriving through Security Hub gets the native GuardDuty dedupKey (its
 * ASFF Id is the GuardDuty finding ARN), so the two deliveries are one finding, never two incidents.
 */
export function normalizeAsffFinding(raw: unknown, context: AsffContext = {}): NormalizeResult {
  const parsed = AsffFindingSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `ASFF finding: ${formatZodIssues(parsed.error).join('; ')}` };
  const asff = parsed.data;
  const severity = severityOf(asff);
  if (typeof severity === 'string') return { ok: false, reason: `ASFF finding ${asff.Id}: ${severity}` };
  const gd = GUARDDUTY_FINDING_ARN.exec(asff.Id);
  const region = asff.Region ?? gd?.[1] ?? /^arn:[\w-]*:securityhub:([\w-]+):/.exec(asff.ProductArn)?.[1] ?? asff.Resources?.[0]?.Region ?? context.region;
  if (!region) return { ok: false, reason: `ASFF finding ${asff.Id}: no Region, and none in ProductArn, Resources or the envelope` };
  const firstSeen = toIsoTimestamp(asff.FirstObservedAt) ?? toIsoTimestamp(asff.CreatedAt);
  const lastSeen = toIsoTimestamp(asff.LastObservedAt) ?? toIsoTimestamp(asff.UpdatedAt) ?? firstSeen;
  if (!firstSeen || !lastSeen) return { ok: false, reason: `ASFF finding ${asff.Id}: CreatedAt '${asff.CreatedAt}' is not a timestamp` };

  const resources = resourcesOf(asff, region);
  const mappedClass = RESOURCE_CLASSES[asff.Resources?.[0]?.Type ?? ''] ?? 'Other';
  const types = [...(asff.Types ?? []), ...(asff.FindingProviderFields?.Types ?? [])];
  const gdType = gd ? guardDutyTypeOf(asff) : undefined;
  const vuln = asff.Vulnerabilities?.[0];
  const controlId = asff.Compliance?.SecurityControlId ?? asff.ProductFields?.ControlId ?? asff.ProductFields?.RuleId;
  const type = gdType ?? controlId ?? (vuln ? vuln.Id : undefined) ?? types[0] ?? asff.GeneratorId;
  const count = Number(gd ? guardDutyProductField(asff, 'count') : undefined);
  const remoteIp = remoteIpOf(asff);
  const localPort = asff.Action?.NetworkConnectionAction?.LocalPortDetails?.Port ?? Number(guardDutyProductField(asff, 'action/networkConnectionAction/localPortDetails/port'));
  const resourceRole = gd ? resourceRoleOf(guardDutyProductField(asff, 'resourceRole')) : undefined;
  const principal = principalOf(asff, asff.AwsAccountId);
  const cvss = vuln?.Cvss?.find((c) => typeof c.BaseScore === 'number');

  const candidate = {
    dedupKey: gd
      ? guardDutyDedupKey(gd[2]!, gd[1]!, gd[3]!)
      : /^arn:[\w-]+:inspector2:/.test(asff.Id)
        ? inspectorDedupKey(asff.Id)
        : `securityhub:${asff.ProductArn}|${asff.Id}`,
    source: 'securityhub',
    product: gd ? 'GuardDuty' : productName(asff),
    type,
    title: asff.Title,
    description: asff.Description ?? '',
    severity,
    accountId: asff.AwsAccountId,
    region,
    firstSeen,
    lastSeen,
    count: Number.isInteger(count) && count >= 1 ? count : 1,
    resourceClass: gdType ? resourceClassFor(gdType, GUARDDUTY_RESOURCE_TYPES[asff.Resources?.[0]?.Type ?? '']) : mappedClass,
    ...(principal ? { principal } : {}),
    resources,
    ...(remoteIp || Number.isFinite(localPort) || resourceRole
      ? { network: { ...(remoteIp ? { remoteIp } : {}), ...(Number.isFinite(localPort) ? { localPort } : {}), ...(resourceRole ? { resourceRole } : {}) } }
      : {}),
    attack: { tactics: gdType ? tacticsForGuardDutyType(gdType) : tacticsFromTypes(types), techniques: [] },
    sample: isSample(asff),
    sourceEventIds: [asff.Id, ...(context.eventId ? [context.eventId] : [])],
    productRefs: { asffId: asff.Id, productArn: asff.ProductArn },
    ...(closedReason(asff) ? { closedInProduct: closedReason(asff) } : {}),
    ...(vuln
      ? {
          vulnerability: {
            id: vuln.Id,
            ...(cvss?.BaseScore != null ? { cvssScore: cvss.BaseScore } : {}),
            ...(cvss?.BaseVector ? { cvssVector: cvss.BaseVector } : {}),
            ...(cvss?.Version ? { cvssVersion: cvss.Version } : {}),
            ...(vuln.EpssScore != null ? { epssScore: vuln.EpssScore } : {}),
            ...(vuln.FixAvailable ? { fixAvailable: vuln.FixAvailable } : {}),
            ...(vuln.ExploitAvailable ? { exploitAvailable: vuln.ExploitAvailable } : {}),
            packages: (vuln.VulnerablePackages ?? []).map((p) => [p.Name, p.Version].filter(Boolean).join('@')).filter(Boolean),
          },
        }
      : {}),
  };
  const finding = FindingSchema.safeParse(candidate);
  if (!finding.success) return { ok: false, reason: `ASFF finding ${asff.Id}: ${formatZodIssues(finding.error).join('; ')}` };
  return { ok: true, findings: [finding.data as Finding] };
}
