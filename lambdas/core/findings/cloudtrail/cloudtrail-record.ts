import { z } from 'zod';
import type { Principal, ResourceClass } from '../finding.js';
import { formatZodIssues } from '../../zod-issues.js';

/**
 * The CloudTrail record fields every rule and finding relies on. Only these are validated per event (CloudTrail volume
 * is high); the record itself is kept as-is for rule matching, which reads any field.
 */
export const CloudTrailRecordSchema = z.object({
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  eventTime: z.string().min(1),
  awsRegion: z.string().min(1),
  eventID: z.string().optional(),
  recipientAccountId: z.string().optional(),
  sourceIPAddress: z.string().optional(),
  userIdentity: z
    .object({
      type: z.string().optional(),
      principalId: z.string().optional(),
      arn: z.string().optional(),
      accountId: z.string().optional(),
      accessKeyId: z.string().optional(),
      userName: z.string().optional(),
      sessionContext: z
        .object({
          sessionIssuer: z
            .object({ type: z.string().optional(), arn: z.string().optional(), userName: z.string().optional() })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type CloudTrailRecordCore = z.infer<typeof CloudTrailRecordSchema>;

export type CloudTrailParse = { ok: true; core: CloudTrailRecordCore } | { ok: false; reason: string };

export function parseCloudTrailRecord(record: unknown): CloudTrailParse {
  const parsed = CloudTrailRecordSchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: `CloudTrail record: ${formatZodIssues(parsed.error).join('; ')}` };
  return { ok: true, core: parsed.data };
}

/** Does the value look like an AWS service name rather than an IP (`sourceIPAddress: ec2.amazonaws.com`)? */
export function isIpAddress(value: string | undefined): value is string {
  return value !== undefined && (/^\d{1,3}(\.\d{1,3}){3}$/.test(value) || /^[0-9a-f:]+$/i.test(value) && value.includes(':'));
}

const IDENTITY_TYPES: Readonly<Record<string, Principal['type']>> = {
  IAMUser: 'IAMUser',
  AssumedRole: 'AssumedRole',
  Root: 'Root',
  FederatedUser: 'FederatedUser',
  AWSService: 'AWSService',
  AWSAccount: 'AWSAccount',
  IdentityCenterUser: 'IdentityCenterUser',
};

/** The actor of a CloudTrail event. For an assumed role, the ARN is the role's (not the session's): containment acts on roles. */
export function principalOfRecord(core: CloudTrailRecordCore): Principal | undefined {
  const identity = core.userIdentity;
  if (!identity) return undefined;
  const type = IDENTITY_TYPES[identity.type ?? ''] ?? 'Unknown';
  const principal: Principal = { type };
  if (identity.principalId) principal.principalId = identity.principalId;
  if (identity.accessKeyId) principal.accessKeyId = identity.accessKeyId;
  switch (type) {
    case 'AssumedRole': {
      const issuer = identity.sessionContext?.sessionIssuer;
      if (issuer?.arn) principal.arn = issuer.arn;
      if (issuer?.userName) principal.roleName = issuer.userName;
      // arn:aws:sts::123:assumed-role/<role>/<session>
      const parts = identity.arn?.split('/') ?? [];
      if (parts.length >= 3) {
        principal.sessionName = parts.slice(2).join('/');
        principal.roleName ??= parts[1];
      }
      if (!principal.arn && identity.arn) principal.arn = identity.arn;
      break;
    }
    default:
      if (identity.arn) principal.arn = identity.arn;
      if (identity.userName) principal.userName = identity.userName;
  }
  return principal;
}

/** What a CloudTrail-based finding is about when its rule does not say: the actor's credential. */
export function resourceClassOfActor(principal: Principal | undefined): ResourceClass {
  switch (principal?.type) {
    case 'IAMUser':
      // A long-term key (AKIA...) can be deactivated; a console session (ASIA...) belongs to the user.
      return principal.accessKeyId?.startsWith('AKIA') ? 'AccessKey' : 'IAMUser';
    case 'AssumedRole':
      return 'IAMRole';
    case 'Root':
      return 'Root';
    default:
      return 'Account';
  }
}
