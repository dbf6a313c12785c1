import type { Finding } from '../findings/finding.js';

/** Long-term IAM user keys (AKIA...). Session keys (ASIA...) change with every session, so they join nothing. */
export function isLongTermAccessKey(accessKeyId: string | undefined): accessKeyId is string {
  return accessKeyId !== undefined && /^AKIA[A-Z0-9]{12,}$/.test(accessKeyId);
}

/**
 * The key that joins findings into one incident. A long-term access key comes first: a GuardDuty credential finding and
 * the CloudTrail events signed with the same key (CreateAccessKey, AttachUserPolicy ... by the attacker) must meet, and
 * the key is the one identifier both carry verbatim. Then the principal ARN (for an assumed role, the role ARN, which
 * GuardDuty and CloudTrail both yield: every session of a compromised role is one incident), then the first resource,
 * then the finding itself.
 */
export function correlationKeyFor(finding: Finding): string {
  const principal = finding.principal;
  if (isLongTermAccessKey(principal?.accessKeyId)) return `accesskey:${principal.accessKeyId}`;
  if (principal?.arn) return `principal:${principal.arn}`;
  const resource = finding.resources[0];
  if (resource) return `resource:${resource.arn ?? `${finding.accountId}:${resource.type}:${resource.id}`}`;
  return `finding:${finding.dedupKey}`;
}

/**
 * Every key a finding could be joined under (an incident opened by key A can be found again by key B): the primary key
 * first. Lets the incident store index all of them so a principal-keyed CloudTrail finding meets an access-key-keyed one.
 */
export function correlationKeysFor(finding: Finding): string[] {
  const keys = new Set<string>([correlationKeyFor(finding)]);
  const principal = finding.principal;
  if (isLongTermAccessKey(principal?.accessKeyId)) keys.add(`accesskey:${principal.accessKeyId}`);
  if (principal?.arn) keys.add(`principal:${principal.arn}`);
  for (const resource of finding.resources) {
    keys.add(`resource:${resource.arn ?? `${finding.accountId}:${resource.type}:${resource.id}`}`);
  }
  return [...keys];
}
