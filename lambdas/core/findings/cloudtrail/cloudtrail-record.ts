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
});

export type CloudTrailRecordCore = z.infer<typeof CloudTrailRecordSchema>;

export type CloudTrailParse = { ok: true; core: CloudTrailRecordCore } | { ok: false; reason: string };

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * The record itself, seen through its core fields, when they are well-formed; else undefined. The same checks as the
 * schema without building zod's result or a copy (this runs for every CloudTrail event): callers read the core fields
 * and never serialize the core. parseCloudTrailRecord says what is wrong with the others.
 */
export function cloudTrailRecordCore(record: unknown): CloudTrailRecordCore | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  if (
    !(nonEmpty(r.eventSource) && nonEmpty(r.eventName) && nonEmpty(r.eventTime) && nonEmpty(r.awsRegion) &&
      optionalString(r.eventID) && optionalString(r.recipientAccountId) && optionalString(r.sourceIPAddress))
  ) {
    return undefined;
  }
  return r as CloudTrailRecordCore;
}

export function parseCloudTrailRecord(record: unknown): CloudTrailParse {
  const checked = cloudTrailRecordCore(record);
  if (checked) {
    const r = checked;
    const core: CloudTrailRecordCore = { eventSource: r.eventSource, eventName: r.eventName, eventTime: r.eventTime, awsRegion: r.awsRegion };
    if (r.eventID !== undefined) core.eventID = r.eventID;
    if (r.recipientAccountId !== undefined) core.recipientAccountId = r.recipientAccountId;
    if (r.sourceIPAddress !== undefined) core.sourceIPAddress = r.sourceIPAddress;
    return { ok: true, core };
  }
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

function field(object: unknown, key: string): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const value = (object as Record<string, unknown>)[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The actor of a CloudTrail event (read only for records some rule matched). Each field is taken only when it is a
 * non-empty string: a malformed userIdentity yields a partial or absent principal, never a lost finding or an exception.
 * For an assumed role the ARN is the role's, not the session's: containment acts on roles.
 */
export function principalOfRecord(record: Record<string, unknown>): Principal | undefined {
  const identity = record.userIdentity;
  if (typeof identity !== 'object' || identity === null) return undefined;
  const type = IDENTITY_TYPES[field(identity, 'type') ?? ''] ?? 'Unknown';
  const principal: Principal = { type };
  const principalId = field(identity, 'principalId');
  const accessKeyId = field(identity, 'accessKeyId');
  const arn = field(identity, 'arn');
  if (principalId) principal.principalId = principalId;
  if (accessKeyId) principal.accessKeyId = accessKeyId;
  switch (type) {
    case 'AssumedRole': {
      const issuer = (identity as { sessionContext?: { sessionIssuer?: unknown } }).sessionContext?.sessionIssuer;
      const issuerArn = field(issuer, 'arn');
      const issuerName = field(issuer, 'userName');
      if (issuerArn) principal.arn = issuerArn;
      if (issuerName) principal.roleName = issuerName;
      // arn:aws:sts::123:assumed-role/<role>/<session>
      const parts = arn?.split('/') ?? [];
      if (parts.length >= 3) {
        principal.sessionName = parts.slice(2).join('/');
        principal.roleName ??= parts[1];
      }
      if (!principal.arn && arn) principal.arn = arn;
      break;
    }
    default: {
      const userName = field(identity, 'userName');
      if (arn) principal.arn = arn;
      if (userName) principal.userName = userName;
    }
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
