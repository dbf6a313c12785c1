import { z } from 'zod';

/** IAM name and key grammar (IAM API reference), so params from a finding are checked before any call. */
export const IamUserNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, { message: 'expected an IAM user name' });
export const IamRoleNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, { message: 'expected an IAM role name' });
export const AccessKeyIdSchema = z.string().regex(/^\w{16,128}$/, { message: 'expected an access key id' });
export const TagsSchema = z.record(z.string(), z.string()).default({});

/** `aws`, `aws-cn`, `aws-us-gov` from a region name; ARNs we build must carry the right partition. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:aws:iam::1:role/path/name` → `name`; undefined for anything that is not a role ARN. */
export function roleNameFromArn(arn: string | undefined): string | undefined {
  const match = arn?.match(/^arn:[\w-]+:iam::\d{12}:role\/(?:.*\/)?([\w+=,.@-]+)$/);
  return match?.[1];
}

/** `arn:aws:sts::1:assumed-role/name/session` → `name`. */
export function roleNameFromSessionArn(arn: string | undefined): string | undefined {
  const match = arn?.match(/^arn:[\w-]+:sts::\d{12}:assumed-role\/([\w+=,.@-]+)\/.+$/);
  return match?.[1];
}

/** Identity Center creates these roles and owns them: changing them in IAM is undone and breaks SSO. */
export function isIdentityCenterRole(roleName: string, path?: string): boolean {
  return roleName.startsWith('AWSReservedSSO_') || (path?.startsWith('/aws-reserved/sso.amazonaws.com/') ?? false);
}

export function isServiceLinkedRole(roleArnOrPath: string | undefined): boolean {
  return roleArnOrPath?.includes('/aws-service-role/') ?? false;
}

/** AWS attaches these to a user whose key it found exposed; we recognise them and never detach them. */
export const AWS_QUARANTINE_POLICY_NAMES = ['AWSCompromisedKeyQuarantine', 'AWSCompromisedKeyQuarantineV2', 'AWSCompromisedKeyQuarantineV3'];
