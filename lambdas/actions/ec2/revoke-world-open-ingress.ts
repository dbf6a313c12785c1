import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { Finding } from '../../core/findings/finding.js';
import { parseOrThrow } from '../../core/zod-issues.js';
import { awsCall } from '../aws-session.js';
import { defineAction, refused } from '../define-action.js';
import { findResource } from '../safety/finding-resources.js';
import { refusalReason, tagRecord } from '../safety/protection.js';

const WORLD_V4 = '0.0.0.0/0';
const WORLD_V6 = '::/0';

/** Which ingress to revoke: rules of this protocol overlapping these ports (from the CloudTrail event or the probed port). */
const MatchSchema = z.object({ ipProtocol: z.string(), fromPort: z.number().int().optional(), toPort: z.number().int().optional() });
type Match = z.infer<typeof MatchSchema>;

const ParamsSchema = z
  .strictObject({
    groupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/)).default([]),
    /** Empty: every world-open ingress rule of the groups. */
    match: z.array(MatchSchema).default([]),
    tags: z.record(z.string(), z.string()).default({}),
    /**
     * A Firebreak rule finding carries the CloudTrail event id, not its request: the group and rule are then read from the
     * event itself (CloudTrail LookupEvents), so exactly the rule the event added is revoked.
     */
    cloudTrailEventId: z.string().min(1).optional(),
  })
  .refine((p) => p.groupIds.length > 0 || p.cloudTrailEventId, { message: 'needs groupIds or a cloudTrailEventId' });
type Params = z.infer<typeof ParamsSchema>;

const RevokedSchema = z.object({ groupId: z.string(), permissions: z.array(z.record(z.string(), z.unknown())) });
const PriorStateSchema = z.object({ revoked: z.array(RevokedSchema) });

const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** CloudTrail `AuthorizeSecurityGroupIngress` requestParameters (`ipPermissions.items[]`) or a plain list → matches. */
function matchesFromDetails(details: Record<string, unknown>): Match[] {
  const request = details.requestParameters as { ipPermissions?: { items?: unknown[] } } | undefined;
  const raw = (request?.ipPermissions?.items ?? (Array.isArray(details.ipPermissions) ? details.ipPermissions : [])) as Record<string, unknown>[];
  return raw.map((p) => {
    const fromPort = num(p.fromPort ?? p.FromPort);
    const toPort = num(p.toPort ?? p.ToPort);
    return { ipProtocol: String(p.ipProtocol ?? p.IpProtocol ?? '-1'), ...(fromPort !== undefined ? { fromPort } : {}), ...(toPort !== undefined ? { toPort } : {}) };
  });
}

function paramsFromFinding(finding: Finding): Params | undefined {
  const group = findResource(finding, 'AWS::EC2::SecurityGroup');
  if (group && /^sg-/.test(group.plainId)) return { groupIds: [group.plainId], match: matchesFromDetails(group.details), tags: group.tags };
  const eventId = finding.sourceEventIds[0];
  if (finding.ruleId === 'security-group-opened-to-world' && eventId) return { groupIds: [], match: [], tags: {}, cloudTrailEventId: eventId };
  // A GuardDuty port probe names the instance, its groups and the probed port.
  const instance = findResource(finding, 'AWS::EC2::Instance');
  const groupIds = Array.isArray(instance?.details.securityGroupIds) ? (instance.details.securityGroupIds as string[]) : [];
  if (groupIds.length === 0) return undefined;
  const port = finding.network?.localPort;
  return { groupIds, match: port !== undefined ? [{ ipProtocol: 'tcp', fromPort: port, toPort: port }] : [], tags: instance?.tags ?? {} };
}

function overlaps(rule: IpPermission, match: Match): boolean {
  if (rule.IpProtocol === '-1' || match.ipProtocol === '-1') return true;
  if (rule.IpProtocol !== match.ipProtocol) return false;
  const from = rule.FromPort ?? -1;
  const to = rule.ToPort ?? 65535;
  return (match.fromPort ?? 0) <= to && (match.toPort ?? 65535) >= from;
}

/** The world-open part of each matching rule, exactly as RevokeSecurityGroupIngress needs it (descriptions kept for rollback). */
function worldOpen(group: SecurityGroup, match: Match[]): IpPermission[] {
  const out: IpPermission[] = [];
  for (const rule of group.IpPermissions ?? []) {
    if (match.length > 0 && !match.some((m) => overlaps(rule, m))) continue;
    const v4 = (rule.IpRanges ?? []).filter((r) => r.CidrIp === WORLD_V4);
    const v6 = (rule.Ipv6Ranges ?? []).filter((r) => r.CidrIpv6 === WORLD_V6);
    if (v4.length === 0 && v6.length === 0) continue;
    out.push({
      IpProtocol: rule.IpProtocol,
      ...(rule.FromPort !== undefined ? { FromPort: rule.FromPort } : {}),
      ...(rule.ToPort !== undefined ? { ToPort: rule.ToPort } : {}),
      ...(v4.length > 0 ? { IpRanges: v4 } : {}),
      ...(v6.length > 0 ? { Ipv6Ranges: v6 } : {}),
    });
  }
  return out;
}

const sameRule = (a: IpPermission, b: Record<string, unknown>) => a.IpProtocol === b.IpProtocol && a.FromPort === b.FromPort && a.ToPort === b.ToPort;

/**
 * Removes 0.0.0.0/0 and ::/0 from the security-group ingress rules the finding names (the rule a CloudTrail
 * AuthorizeSecurityGroupIngress added, or the rules covering a probed port). Narrower sources stay.
 */
export const revokeWorldOpenIngress = defineAction<Params>({
  id: 'ec2/revoke-world-open-ingress',
  description: 'revoke the 0.0.0.0/0 and ::/0 ingress of the security group rules the finding names',
  params: ParamsSchema,
  destructive: true,
  permissions: [{ actions: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress', 'cloudtrail:LookupEvents'], resources: ['*'] }],

  paramsFromFinding,
  target: (p) => `security-groups/${p.groupIds.length > 0 ? p.groupIds.join('+') : `event-${p.cloudTrailEventId}`}/world-ingress`,
  protection: (p) => ({ tags: p.tags }),
  plan: (p) =>
    (p.groupIds.length > 0 ? p.groupIds : [`{group of CloudTrail event ${p.cloudTrailEventId}}`]).map((groupId) =>
      awsCall('ec2', 'RevokeSecurityGroupIngress', {
        GroupId: groupId,
        IpPermissions: p.match.length > 0
          ? p.match.map((m) => ({ IpProtocol: m.ipProtocol, FromPort: m.fromPort, ToPort: m.toPort, IpRanges: [{ CidrIp: WORLD_V4 }], Ipv6Ranges: [{ CidrIpv6: WORLD_V6 }] }))
          : '{every world-open ingress rule of the group}',
      }),
    ),

  async apply(given, ctx, aws) {
    let p = given;
    if (p.groupIds.length === 0 && p.cloudTrailEventId) {
      const events = (await aws.client('cloudTrail').send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: p.cloudTrailEventId }] }))).Events ?? [];
      const record = events[0]?.CloudTrailEvent ? (JSON.parse(events[0].CloudTrailEvent) as { requestParameters?: Record<string, unknown> }) : undefined;
      const groupId = record?.requestParameters?.groupId;
      if (typeof groupId !== 'string') {
        // LookupEvents can lag the EventBridge delivery by several minutes: fail loudly so a responder (or a re-run) follows up.
        return { status: 'failed', cause: `CloudTrail event ${p.cloudTrailEventId} is not (yet) found by LookupEvents, or names no security group`, errorName: 'CloudTrailEventNotFound' };
      }
      p = { ...p, groupIds: [groupId], match: matchesFromDetails({ requestParameters: record?.requestParameters }) };
    }
    const ec2 = aws.client('ec2');
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: p.groupIds }))).SecurityGroups ?? [];
    for (const group of groups) {
      const reason = refusalReason({ tags: tagRecord(group.Tags) }, ctx.allowlists);
      if (reason) return refused(`security group ${group.GroupId ?? ''}: ${reason}`);
    }
    const revoked: { groupId: string; permissions: IpPermission[] }[] = [];
    for (const group of groups) {
      const permissions = worldOpen(group, p.match);
      if (permissions.length === 0 || !group.GroupId) continue;
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: permissions }));
      revoked.push({ groupId: group.GroupId, permissions });
    }
    if (revoked.length === 0) return { status: 'done', summary: `already contained: no matching world-open ingress on ${p.groupIds.join(', ')}`, priorState: { revoked: [] }, appliedState: { revoked: [] } };
    const count = revoked.reduce((n, r) => n + r.permissions.length, 0);
    return { status: 'done', summary: `revoked ${count} world-open ingress rule(s) on ${revoked.map((r) => r.groupId).join(', ')}`, priorState: { revoked }, appliedState: { revoked: revoked.map((r) => r.groupId) } };
  },

  rollbackPlan(record) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    return prior.revoked.map((r) => awsCall('ec2', 'AuthorizeSecurityGroupIngress', { GroupId: r.groupId, IpPermissions: r.permissions }));
  },

  async revert(record, _ctx, aws) {
    const prior = parseOrThrow(PriorStateSchema, record.priorState, 'recorded prior state');
    if (prior.revoked.length === 0) return { status: 'skipped', reason: 'nothing was revoked: nothing to restore' };
    const ec2 = aws.client('ec2');
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: prior.revoked.map((r) => r.groupId) }))).SecurityGroups ?? [];
    let restored = 0;
    for (const entry of prior.revoked) {
      const present = worldOpen(groups.find((g) => g.GroupId === entry.groupId) ?? {}, []);
      const missing = entry.permissions.filter((perm) => !present.some((q) => sameRule(q, perm)));
      if (missing.length === 0) continue;
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: entry.groupId, IpPermissions: missing as IpPermission[] }));
      restored += missing.length;
    }
    if (restored === 0) return { status: 'skipped', reason: 'changed since containment: the world-open rules are back already; not touched' };
    return { status: 'done', summary: `re-authorized ${restored} world-open ingress rule(s)` };
  },
});
