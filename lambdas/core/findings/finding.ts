import { z } from 'zod';

/** Severity labels shared by GuardDuty (numeric ranges), ASFF (Label/Normalized) and our own rules. */
export const SeverityLabelSchema = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export type SeverityLabel = z.infer<typeof SeverityLabelSchema>;

/**
 * Where a finding came from. `cloudtrail` findings are produced by Firebreak's own rules. `other`: another AWS
 * product's own event (Inspector, IAM Access Analyzer ...) or an event type Firebreak has no dedicated normalizer for,
 * kept as a generic finding rather than dropped.
 */
export const FindingSourceSchema = z.enum(['guardduty', 'securityhub', 'cloudtrail', 'other']);
export type FindingSource = z.infer<typeof FindingSourceSchema>;

/** Who really acted: GuardDuty's `accessKeyDetails.userType`, CloudTrail's `userIdentity.type`. */
export const PrincipalTypeSchema = z.enum([
  'IAMUser',
  'AssumedRole',
  'Root',
  'FederatedUser',
  'AWSService',
  'AWSAccount',
  'IdentityCenterUser',
  'Unknown',
]);

export const PrincipalSchema = z.object({
  type: PrincipalTypeSchema,
  /** The ARN when known (for an assumed role: the role ARN, not the session ARN). */
  arn: z.string().optional(),
  userName: z.string().optional(),
  roleName: z.string().optional(),
  sessionName: z.string().optional(),
  principalId: z.string().optional(),
  accessKeyId: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** One affected resource; `type` uses CloudFormation-like names (AWS::EC2::Instance, AWS::S3::Bucket, AWS::IAM::AccessKey ...). */
export const ResourceSchema = z.object({
  type: z.string(),
  id: z.string(),
  arn: z.string().optional(),
  region: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  /** Type-specific facts containment needs (ENI ids, VPC id, instance profile, bucket name, cluster, task ARN ...). */
  details: z.record(z.string(), z.unknown()).default({}),
});
export type Resource = z.infer<typeof ResourceSchema>;

/** The class of thing a finding is about; drives routing to a playbook. */
export const ResourceClassSchema = z.enum([
  'AccessKey',
  'IAMUser',
  'IAMRole',
  'Root',
  'Instance',
  'S3Bucket',
  'EKSCluster',
  'ECSCluster',
  'Container',
  'Lambda',
  'RDS',
  'SecurityGroup',
  'Logging',
  'Account',
  'Other',
]);
export type ResourceClass = z.infer<typeof ResourceClassSchema>;

/**
 * The one typed finding every normalizer produces and every later stage consumes.
 * It is small and JSON-safe on purpose: it travels through DynamoDB and Step Functions payloads (256 KB limit).
 */
export const FindingSchema = z.object({
  /** Stable identity across re-deliveries and across products (a GuardDuty finding seen via Security Hub keeps the GuardDuty id). */
  dedupKey: z.string().min(1),
  source: FindingSourceSchema,
  /** Product that produced it: GuardDuty, Inspector, Config, IAM Access Analyzer, Macie, Security Hub, Firebreak ... */
  product: z.string(),
  /** Native GuardDuty type (`UnauthorizedAccess:IAMUser/TorIPCaller`), ASFF control/generator id, or our rule id. */
  type: z.string(),
  title: z.string(),
  description: z.string().default(''),
  severity: z.object({
    label: SeverityLabelSchema,
    /** 0..100 on the ASFF Normalized scale. */
    normalized: z.number().min(0).max(100),
    original: z.union([z.string(), z.number()]).optional(),
  }),
  accountId: z.string(),
  region: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** How many times the product saw it (GuardDuty `service.count`); re-deliveries raise it. */
  count: z.number().int().min(1).default(1),
  resourceClass: ResourceClassSchema,
  principal: PrincipalSchema.optional(),
  resources: z.array(ResourceSchema).default([]),
  network: z
    .object({
      remoteIp: z.string().optional(),
      remoteCountry: z.string().optional(),
      remoteOrg: z.string().optional(),
      localPort: z.number().optional(),
      /**
       * GuardDuty `service.resourceRole`: TARGET when the resource was acted upon (the remote address is the attacker),
       * ACTOR when the resource itself did it (e.g. an instance brute-forcing others: the remote address is its victim).
       */
      resourceRole: z.enum(['TARGET', 'ACTOR']).optional(),
    })
    .optional(),
  attack: z
    .object({ tactics: z.array(z.string()).default([]), techniques: z.array(z.string()).default([]) })
    .default({ tactics: [], techniques: [] }),
  /** Sample findings (GuardDuty `additionalInfo.sample=true`, generated findings) are marked, never contained automatically. */
  sample: z.boolean().default(false),
  /** Ids of the source events/findings (EventBridge id, CloudTrail eventID, ASFF Id). */
  sourceEventIds: z.array(z.string()).default([]),
  /** Product-specific ids that let other stages talk back (ASFF Id + ProductArn for BatchUpdateFindings). */
  productRefs: z
    .object({ asffId: z.string().optional(), productArn: z.string().optional(), guardDutyDetectorId: z.string().optional() })
    .default({}),
  /** Rule id when produced by a Firebreak rule. */
  ruleId: z.string().optional(),
  /**
   * Set when the product itself says the finding needs no action any more (GuardDuty archived it; Security Hub record
   * ARCHIVED, workflow RESOLVED/SUPPRESSED, control PASSED): products re-send findings on every update, closures included.
   */
  closedInProduct: z.string().optional(),
  /** Software vulnerability findings (Inspector): what a patch decision needs. */
  vulnerability: z
    .object({
      id: z.string(),
      cvssScore: z.number().optional(),
      cvssVector: z.string().optional(),
      cvssVersion: z.string().optional(),
      /** Exploit Prediction Scoring System probability, 0..1, where the product provides it. */
      epssScore: z.number().min(0).max(1).optional(),
      fixAvailable: z.enum(['YES', 'NO', 'PARTIAL']).optional(),
      exploitAvailable: z.enum(['YES', 'NO']).optional(),
      packages: z.array(z.string()).default([]),
    })
    .optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
