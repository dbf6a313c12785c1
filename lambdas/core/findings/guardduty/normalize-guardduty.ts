import { FindingSchema, type Finding, type Principal, type Resource, type ResourceClass } from '../finding.js';
import { guardDutySeverity } from '../severity.js';
import { tacticsForGuardDutyType, tacticsInText, techniquesInText } from '../attack-tactics.js';
import { toIsoTimestamp } from '../timestamps.js';
import { formatZodIssues } from '../../zod-issues.js';
import type { NormalizeResult } from '../normalize-result.js';
import { GuardDutyFindingSchema, type GuardDutyFinding, type GuardDutyResource } from './guardduty-finding-schema.js';

/** What the envelope around a finding knows that the finding itself may lack (the waf-acl sample has no accountId). */
export interface GuardDutyEnvelopeContext {
  accountId?: string;
  region?: string;
  /** EventBridge event id, kept as a source event id. */
  eventId?: string;
  time?: string;
}

/** Placeholder when neither the finding nor its envelope names the account: kept visible rather than invented. */
export const UNKNOWN_ACCOUNT = 'unknown';

/** `resource.resourceType` → the class routing works on. */
const RESOURCE_TYPE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  AccessKey: 'AccessKey',
  Instance: 'Instance',
  S3Bucket: 'S3Bucket',
  S3Object: 'S3Bucket',
  EKSCluster: 'EKSCluster',
  KubernetesCluster: 'EKSCluster',
  ECSCluster: 'ECSCluster',
  Container: 'Container',
  Lambda: 'Lambda',
  RDSDBInstance: 'RDS',
  RDSDBCluster: 'RDS',
  RDSLimitlessDB: 'RDS',
};

/** The resource part of the type (`Execution:Runtime/...` → Runtime), used when `resourceType` is missing or generic. */
const TYPE_RESOURCE_CLASSES: Readonly<Record<string, ResourceClass>> = {
  IAMUser: 'AccessKey',
  IAM: 'IAMUser',
  EC2: 'Instance',
  S3: 'S3Bucket',
  Kubernetes: 'EKSCluster',
  EKS: 'EKSCluster',
  ECS: 'ECSCluster',
  Container: 'Container',
  Lambda: 'Lambda',
  RDS: 'RDS',
};

function typeResourcePart(type: string): string {
  return type.split(':')[1]?.split('/')[0] ?? '';
}

export function resourceClassFor(type: string, resourceType: string | null | undefined): ResourceClass {
  // Attack sequences name the compromised thing in the type (AttackSequence:S3/CompromisedData), not in resourceType.
  if (resourceType && resourceType !== 'AttackSequence') {
    const byResource = RESOURCE_TYPE_CLASSES[resourceType];
    if (byResource) return byResource;
  }
  return TYPE_RESOURCE_CLASSES[typeResourcePart(type)] ?? 'Other';
}

const PRINCIPAL_TYPES = new Set(['IAMUser', 'AssumedRole', 'Root', 'FederatedUser']);

/** The caller per `accessKeyDetails.userType` (the finding type says IAMUser whoever the caller was). */
function principalFrom(finding: GuardDutyFinding, accountId: string): Principal | undefined {
  const details = finding.resource?.accessKeyDetails;
  const partition = finding.partition ?? 'aws';
  const known = accountId !== UNKNOWN_ACCOUNT;
  if (!details) {
    // Attack sequences name the principal only in prose: "... of IAMUser/john_doe indicated by ...".
    const named = /\b(IAMUser|AssumedRole|Root|FederatedUser)\/([\w+=,.@-]+)/.exec(finding.title ?? '');
    if (!named?.[1] || !named[2]) return undefined;
    return buildPrincipal(named[1], named[2], undefined, undefined, partition, known ? accountId : undefined);
  }
  const userType = details.userType ?? '';
  return buildPrincipal(
    userType,
    details.userName ?? undefined,
    details.principalId ?? undefined,
    details.accessKeyId ?? undefined,
    partition,
    known ? accountId : undefined,
  );
}

function buildPrincipal(
  userType: string,
  userName: string | undefined,
  principalId: string | undefined,
  accessKeyId: string | undefined,
  partition: string,
  accountId: string | undefined,
): Principal {
  const type = PRINCIPAL_TYPES.has(userType) ? (userType as Principal['type']) : 'Unknown';
  const principal: Principal = { type };
  if (principalId) principal.principalId = principalId;
  if (accessKeyId) principal.accessKeyId = accessKeyId;
  switch (type) {
    case 'IAMUser':
      if (userName) principal.userName = userName;
      if (userName && accountId) principal.arn = `arn:${partition}:iam::${accountId}:user/${userName}`;
      break;
    case 'AssumedRole': {
      // GuardDuty puts the role name in userName and `<role id>:<session name>` in principalId.
      if (userName) principal.roleName = userName;
      const session = principalId?.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : undefined;
      if (session) principal.sessionName = session;
      if (userName && accountId) principal.arn = `arn:${partition}:iam::${accountId}:role/${userName}`;
      break;
    }
    case 'Root':
      if (accountId) principal.arn = `arn:${partition}:iam::${accountId}:root`;
      break;
    case 'FederatedUser':
      if (userName) principal.userName = userName;
      if (userName && accountId) principal.arn = `arn:${partition}:sts::${accountId}:federated-user/${userName}`;
      break;
    default:
      if (userName) principal.userName = userName;
  }
  return principal;
}

function tagsOf(tags: { key: string; value?: string | null }[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) out[tag.key] = tag.value ?? '';
  return out;
}

function compact(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

/** Every affected resource, with the facts containment needs (ENIs, VPC, instance profile, bucket, cluster, function). */
function resourcesFrom(resource: GuardDutyResource | null | undefined, region: string): Resource[] {
  if (!resource) return [];
  const out: Resource[] = [];
  const key = resource.accessKeyDetails;
  if (key?.accessKeyId) {
    out.push({
      type: 'AWS::IAM::AccessKey',
      id: key.accessKeyId,
      region,
      tags: {},
      details: compact({ userName: key.userName, userType: key.userType, principalId: key.principalId }),
    });
  }
  const instance = resource.instanceDetails;
  if (instance?.instanceId) {
    const enis = instance.networkInterfaces ?? [];
    out.push({
      type: 'AWS::EC2::Instance',
      id: instance.instanceId,
      region,
      tags: tagsOf(instance.tags),
      details: compact({
        instanceType: instance.instanceType,
        imageId: instance.imageId,
        availabilityZone: instance.availabilityZone,
        instanceProfileArn: instance.iamInstanceProfile?.arn,
        networkInterfaceIds: enis.map((eni) => eni.networkInterfaceId).filter(Boolean),
        vpcId: enis.find((eni) => eni.vpcId)?.vpcId,
        subnetIds: [...new Set(enis.map((eni) => eni.subnetId).filter(Boolean))],
        securityGroupIds: [...new Set(enis.flatMap((eni) => (eni.securityGroups ?? []).map((sg) => sg.groupId)).filter(Boolean))],
        publicIps: enis.map((eni) => eni.publicIp).filter(Boolean),
        privateIps: enis.map((eni) => eni.privateIpAddress).filter(Boolean),
      }),
    });
  }
  for (const bucket of resource.s3BucketDetails ?? []) {
    if (!bucket.name && !bucket.arn) continue;
    out.push({
      type: 'AWS::S3::Bucket',
      id: bucket.name ?? bucket.arn ?? '',
      ...(bucket.arn ? { arn: bucket.arn } : {}),
      region,
      tags: tagsOf(bucket.tags),
      details: compact({ bucketName: bucket.name, bucketType: bucket.type }),
    });
  }
  const eks = resource.eksClusterDetails;
  if (eks?.name || eks?.arn) {
    const workload = resource.kubernetesDetails?.kubernetesWorkloadDetails;
    out.push({
      type: 'AWS::EKS::Cluster',
      id: eks.name ?? eks.arn ?? '',
      ...(eks.arn ? { arn: eks.arn } : {}),
      region,
      tags: tagsOf(eks.tags),
      details: compact({
        vpcId: eks.vpcId,
        kubernetesUser: resource.kubernetesDetails?.kubernetesUserDetails?.username,
        workloadName: workload?.name,
        workloadNamespace: workload?.namespace,
        workloadType: workload?.type,
      }),
    });
  }
  const ecs = resource.ecsClusterDetails;
  if (ecs?.name || ecs?.arn) {
    out.push({
      type: 'AWS::ECS::Cluster',
      id: ecs.name ?? ecs.arn ?? '',
      ...(ecs.arn ? { arn: ecs.arn } : {}),
      region,
      tags: tagsOf(ecs.tags),
      details: compact({ taskArn: ecs.taskDetails?.arn, taskDefinitionArn: ecs.taskDetails?.definitionArn }),
    });
  }
  const container = resource.containerDetails;
  if (container?.id || container?.name) {
    out.push({
      type: 'Container',
      id: container.id ?? container.name ?? '',
      region,
      tags: {},
      details: compact({ name: container.name, image: container.image }),
    });
  }
  const lambda = resource.lambdaDetails;
  if (lambda?.functionName || lambda?.functionArn) {
    out.push({
      type: 'AWS::Lambda::Function',
      id: lambda.functionName ?? lambda.functionArn ?? '',
      ...(lambda.functionArn ? { arn: lambda.functionArn } : {}),
      region,
      tags: tagsOf(lambda.tags),
      details: compact({ executionRole: lambda.role }),
    });
  }
  const rds = resource.rdsDbInstanceDetails;
  if (rds?.dbInstanceIdentifier || rds?.dbClusterIdentifier) {
    out.push({
      type: 'AWS::RDS::DBInstance',
      id: rds.dbInstanceIdentifier ?? rds.dbClusterIdentifier ?? '',
      ...(rds.dbInstanceArn ? { arn: rds.dbInstanceArn } : {}),
      region,
      tags: tagsOf(rds.tags),
      details: compact({ dbClusterIdentifier: rds.dbClusterIdentifier, engine: rds.engine, dbUser: resource.rdsDbUserDetails?.user }),
    });
  }
  return out;
}

function networkFrom(finding: GuardDutyFinding): Finding['network'] {
  const action = finding.service?.action;
  if (!action) return undefined;
  const probe = action.portProbeAction?.portProbeDetails?.[0];
  const remote =
    action.awsApiCallAction?.remoteIpDetails ??
    action.networkConnectionAction?.remoteIpDetails ??
    probe?.remoteIpDetails ??
    action.kubernetesApiCallAction?.remoteIpDetails ??
    action.rdsLoginAttemptAction?.remoteIpDetails;
  const localPort = action.networkConnectionAction?.localPortDetails?.port ?? probe?.localPortDetails?.port;
  const network: NonNullable<Finding['network']> = {};
  const ip = remote?.ipAddressV4 ?? remote?.ipAddressV6;
  if (ip) network.remoteIp = ip;
  if (remote?.country?.countryName) network.remoteCountry = remote.country.countryName;
  const org = remote?.organization?.org ?? remote?.organization?.asnOrg;
  if (org) network.remoteOrg = org;
  if (typeof localPort === 'number') network.localPort = localPort;
  const role = resourceRoleOf(finding.service?.resourceRole);
  if (role) network.resourceRole = role;
  return Object.keys(network).length > 0 ? network : undefined;
}

/** GuardDuty spells it TARGET/ACTOR; anything else (absent, lowercase-garbled) is left unknown rather than guessed. */
export function resourceRoleOf(value: string | null | undefined): 'TARGET' | 'ACTOR' | undefined {
  const upper = value?.toUpperCase();
  return upper === 'TARGET' || upper === 'ACTOR' ? upper : undefined;
}

function isSample(finding: GuardDutyFinding): boolean {
  const sample = finding.service?.additionalInfo?.sample;
  return sample === true || (typeof sample === 'string' && sample.toLowerCase() === 'true');
}

/** `arn:aws:guardduty:<region>:<account>:detector/<detector>/finding/<id>` → its parts. */
function partsOfFindingArn(arn: string | null | undefined): { region?: string; accountId?: string; detectorId?: string } {
  const match = /^arn:[\w-]+:guardduty:([\w-]+):(\d{12}):detector\/([^/]+)\/finding\//.exec(arn ?? '');
  if (!match) return {};
  return { region: match[1], accountId: match[2], detectorId: match[3] };
}

/** The dedup identity of a GuardDuty finding; the Security Hub (ASFF) copy of the same finding must produce the same key. */
export function guardDutyDedupKey(accountId: string, region: string, findingId: string): string {
  return `guardduty:${accountId}:${region}:${findingId}`;
}

/**
 * A GuardDuty finding (GetFindings shape or EventBridge `detail`) → Finding. Never throws: malformed input is a
 * rejection whose reason names the field.
 */
export function normalizeGuardDutyFinding(raw: unknown, context: GuardDutyEnvelopeContext = {}): NormalizeResult {
  const parsed = GuardDutyFindingSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `GuardDuty finding: ${formatZodIssues(parsed.error).join('; ')}` };
  const gd = parsed.data;
  const fromArn = partsOfFindingArn(gd.arn);
  const accountId = gd.accountId ?? context.accountId ?? fromArn.accountId ?? UNKNOWN_ACCOUNT;
  const region = gd.region ?? context.region ?? fromArn.region;
  if (!region) return { ok: false, reason: 'GuardDuty finding: no region in the finding, its ARN or its envelope' };

  const severity = guardDutySeverity(gd.severity);
  const createdAt = toIsoTimestamp(gd.createdAt) ?? toIsoTimestamp(context.time);
  const updatedAt = toIsoTimestamp(gd.updatedAt) ?? createdAt;
  const firstSeen = toIsoTimestamp(gd.service?.eventFirstSeen) ?? createdAt;
  const lastSeen = toIsoTimestamp(gd.service?.eventLastSeen) ?? updatedAt ?? firstSeen;
  if (!firstSeen || !lastSeen) {
    return { ok: false, reason: 'GuardDuty finding: no readable createdAt/eventFirstSeen timestamp' };
  }
  const description = gd.description ?? '';
  const isAttackSequence = gd.type.startsWith('AttackSequence:');
  const tactics = isAttackSequence ? tacticsInText(description) : tacticsForGuardDutyType(gd.type);
  const techniques = isAttackSequence ? techniquesInText(description) : [];
  const count = gd.service?.count;
  const principal = principalFrom(gd, accountId);
  const network = networkFrom(gd);
  const detectorId = gd.service?.detectorId ?? fromArn.detectorId;

  const candidate = {
    dedupKey: guardDutyDedupKey(accountId, region, gd.id),
    source: 'guardduty',
    product: 'GuardDuty',
    type: gd.type,
    title: gd.title ?? gd.type,
    description,
    severity,
    accountId,
    region,
    firstSeen,
    lastSeen,
    count: typeof count === 'number' && Number.isInteger(count) && count >= 1 ? count : 1,
    resourceClass: resourceClassFor(gd.type, gd.resource?.resourceType),
    ...(principal ? { principal } : {}),
    resources: resourcesFrom(gd.resource, region),
    ...(network ? { network } : {}),
    attack: { tactics, techniques },
    sample: isSample(gd),
    sourceEventIds: [gd.id, ...(context.eventId ? [context.eventId] : [])],
    ...(gd.service?.archived === true ? { closedInProduct: 'archived in GuardDuty' } : {}),
    // Security Hub's copy of a GuardDuty finding has the finding ARN as its ASFF Id: that is what BatchUpdateFindings needs.
    productRefs: {
      ...(gd.arn ? { asffId: gd.arn, productArn: `arn:${gd.partition ?? 'aws'}:securityhub:${region}::product/aws/guardduty` } : {}),
      ...(detectorId ? { guardDutyDetectorId: detectorId } : {}),
    },
  };
  const finding = FindingSchema.safeParse(candidate);
  if (!finding.success) return { ok: false, reason: `GuardDuty finding: ${formatZodIssues(finding.error).join('; ')}` };
  return { ok: true, findings: [finding.data] };
}
