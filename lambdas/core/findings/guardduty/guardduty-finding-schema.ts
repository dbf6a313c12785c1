import { z } from 'zod';

/**
 * The parts of a GuardDuty finding (GetFindings / EventBridge `detail`, schema 2.0) that Firebreak reads.
 * Unknown keys are ignored (GuardDuty adds fields over time); fields Firebreak reads are typed, so a wrong type is a
 * rejection naming the path, never a crash later. GuardDuty emits `null` for absent values (`platform`, `evidence`),
 * hence `nullish` throughout.
 */
const str = z.string().nullish();
const num = z.number().nullish();

const TagsSchema = z.array(z.object({ key: z.string(), value: z.string().nullish() })).nullish();

const RemoteIpDetailsSchema = z
  .object({
    ipAddressV4: str,
    ipAddressV6: str,
    country: z.object({ countryName: str }).nullish(),
    organization: z.object({ org: str, asnOrg: str, isp: str }).nullish(),
  })
  .nullish();

const PortDetailsSchema = z.object({ port: num, portName: str }).nullish();

const ActionSchema = z
  .object({
    actionType: str,
    awsApiCallAction: z.object({ api: str, serviceName: str, callerType: str, remoteIpDetails: RemoteIpDetailsSchema }).nullish(),
    networkConnectionAction: z
      .object({
        connectionDirection: str,
        remoteIpDetails: RemoteIpDetailsSchema,
        localPortDetails: PortDetailsSchema,
        remotePortDetails: PortDetailsSchema,
      })
      .nullish(),
    portProbeAction: z
      .object({
        portProbeDetails: z
          .array(z.object({ localPortDetails: PortDetailsSchema, remoteIpDetails: RemoteIpDetailsSchema }))
          .nullish(),
      })
      .nullish(),
    kubernetesApiCallAction: z.object({ remoteIpDetails: RemoteIpDetailsSchema, verb: str, requestUri: str }).nullish(),
    rdsLoginAttemptAction: z.object({ remoteIpDetails: RemoteIpDetailsSchema }).nullish(),
    dnsRequestAction: z.object({ domain: str }).nullish(),
  })
  .nullish();

export const GuardDutyResourceSchema = z.object({
  resourceType: str,
  accessKeyDetails: z.object({ accessKeyId: str, principalId: str, userName: str, userType: str }).nullish(),
  instanceDetails: z
    .object({
      instanceId: str,
      instanceType: str,
      imageId: str,
      availabilityZone: str,
      iamInstanceProfile: z.object({ arn: str, id: str }).nullish(),
      networkInterfaces: z
        .array(
          z.object({
            networkInterfaceId: str,
            vpcId: str,
            subnetId: str,
            publicIp: str,
            privateIpAddress: str,
            securityGroups: z.array(z.object({ groupId: str, groupName: str })).nullish(),
          }),
        )
        .nullish(),
      tags: TagsSchema,
    })
    .nullish(),
  s3BucketDetails: z
    .array(z.object({ name: str, arn: str, type: str, tags: TagsSchema }))
    .nullish(),
  eksClusterDetails: z.object({ name: str, arn: str, vpcId: str, tags: TagsSchema }).nullish(),
  kubernetesDetails: z
    .object({
      kubernetesUserDetails: z.object({ username: str, uid: str }).nullish(),
      kubernetesWorkloadDetails: z.object({ name: str, namespace: str, type: str }).nullish(),
    })
    .nullish(),
  ecsClusterDetails: z
    .object({ name: str, arn: str, tags: TagsSchema, taskDetails: z.object({ arn: str, definitionArn: str }).nullish() })
    .nullish(),
  containerDetails: z.object({ id: str, name: str, image: str }).nullish(),
  lambdaDetails: z
    .object({ functionName: str, functionArn: str, role: str, tags: TagsSchema })
    .nullish(),
  rdsDbInstanceDetails: z
    .object({ dbInstanceIdentifier: str, dbClusterIdentifier: str, dbInstanceArn: str, engine: str, tags: TagsSchema })
    .nullish(),
  rdsDbUserDetails: z.object({ user: str, application: str }).nullish(),
  ebsVolumeDetails: z.unknown().optional(),
});
export type GuardDutyResource = z.infer<typeof GuardDutyResourceSchema>;

export const GuardDutyFindingSchema = z.object({
  schemaVersion: str,
  accountId: str,
  region: str,
  partition: str,
  id: z.string().min(1),
  arn: str,
  type: z.string().min(1),
  title: str,
  description: str,
  severity: z.number().min(0).max(10),
  createdAt: z.union([z.string(), z.number()]).nullish(),
  updatedAt: z.union([z.string(), z.number()]).nullish(),
  resource: GuardDutyResourceSchema.nullish(),
  service: z
    .object({
      serviceName: str,
      detectorId: str,
      count: num,
      archived: z.boolean().nullish(),
      resourceRole: str,
      featureName: str,
      eventFirstSeen: z.union([z.string(), z.number()]).nullish(),
      eventLastSeen: z.union([z.string(), z.number()]).nullish(),
      action: ActionSchema,
      additionalInfo: z.object({ sample: z.union([z.boolean(), z.string()]).nullish() }).nullish(),
    })
    .nullish(),
});
export type GuardDutyFinding = z.infer<typeof GuardDutyFindingSchema>;
