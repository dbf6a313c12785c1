import { LookupEventsCommand, type Event, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { z } from 'zod';
import { compileCidrs } from '../../core/rules/cidr-match.js';
import type { ActionContext } from '../action.js';
import { awsCall } from '../aws-session.js';
import { defineAction } from '../define-action.js';

const DAY_MS = 24 * 3600 * 1000;
/** LookupEvents returns at most 50 a page and is limited to 2 requests a second per account and Region: bound the pages. */
const PAGE_SIZE = 50;
const MAX_LOGIN_PAGES = 4;
const MAX_ACTIVITY_PAGES = 6;
/** Evidence travels in the Step Functions payload (256 KB) and onto the timeline: keep lists short. */
const MAX_LISTED = 20;

export const GatherPrincipalActivityParamsSchema = z.strictObject({
  principalType: z.enum(['IAMUser', 'AssumedRole', 'FederatedUser', 'Root']),
  /** What CloudTrail's `Username` lookup attribute holds: the user name, or the role session name. */
  lookupUsername: z.string().min(1).optional(),
  accessKeyId: z.string().min(1).optional(),
  /** The IP the finding saw; always reported as anomalous unless it is in allowlists.cidrs. */
  findingRemoteIp: z.string().optional(),
});
export type GatherPrincipalActivityParams = z.infer<typeof GatherPrincipalActivityParamsSchema>;

interface Query {
  readonly name: 'logins' | 'activity';
  readonly input: LookupEventsCommandInput;
  readonly maxPages: number;
  /** LookupEvents takes one attribute; the logins query filters its ConsoleLogin events to the principal afterwards. */
  readonly keep: (event: Event) => boolean;
}

function queries(p: GatherPrincipalActivityParams, now: Date): Query[] {
  const window = (days: number) => ({ StartTime: new Date(now.getTime() - days * DAY_MS), EndTime: new Date(now.getTime()), MaxResults: PAGE_SIZE });
  const list: Query[] = [];
  if (p.lookupUsername) {
    list.push({
      name: 'logins',
      input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }], ...window(7) },
      maxPages: MAX_LOGIN_PAGES,
      keep: (event) => event.Username === p.lookupUsername,
    });
  }
  // Prefer the key: it is exactly the leaked credential's activity, whoever's name it carries.
  const activity = p.accessKeyId
    ? { AttributeKey: 'AccessKeyId' as const, AttributeValue: p.accessKeyId }
    : p.lookupUsername
      ? { AttributeKey: 'Username' as const, AttributeValue: p.lookupUsername }
      : undefined;
  if (activity) list.push({ name: 'activity', input: { LookupAttributes: [activity], ...window(1) }, maxPages: MAX_ACTIVITY_PAGES, keep: () => true });
  return list;
}

interface ParsedEvent {
  readonly time?: string;
  readonly eventName?: string;
  readonly sourceIp?: string;
  readonly mfaUsed?: string;
  readonly outcome?: string;
}

function parseEvent(event: Event): ParsedEvent {
  let record: { sourceIPAddress?: string; additionalEventData?: { MFAUsed?: string }; responseElements?: { ConsoleLogin?: string } | null; errorCode?: string } = {};
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '{}') as typeof record;
  } catch {
    // A record CloudTrail could not serialise is still counted by name and time.
  }
  return {
    ...(event.EventTime ? { time: event.EventTime.toISOString() } : {}),
    ...(event.EventName ? { eventName: event.EventName } : {}),
    ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
    ...(record.additionalEventData?.MFAUsed ? { mfaUsed: record.additionalEventData.MFAUsed } : {}),
    ...(record.responseElements?.ConsoleLogin ? { outcome: record.responseElements.ConsoleLogin } : record.errorCode ? { outcome: record.errorCode } : {}),
  };
}

function countBy(values: readonly (string | undefined)[]): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Service principals (`ec2.amazonaws.com`) and AWS-internal callers are not addresses to chase. */
function isIpAddress(value: string): boolean {
  return /^[\d.]+$/.test(value) || value.includes(':');
}

/**
 * Evidence for the responder, read-only: 7 days of the principal's console sign-ins, 24 hours of the credential's API
 * activity, and the source IPs that look anomalous (seen in the activity, not used for a sign-in in the last 7 days, not
 * in allowlists.cidrs — plus the finding's own remote IP). CloudTrail LookupEvents covers management events only.
 */
export const gatherPrincipalActivity = defineAction<GatherPrincipalActivityParams>({
  id: 'cloudtrail/gather-principal-activity',
  description: 'look up the principal\'s sign-ins (7 days) and API activity (24 hours) in CloudTrail',
  params: GatherPrincipalActivityParamsSchema,
  destructive: false,
  permissions: [{ actions: ['cloudtrail:LookupEvents'], resources: ['*'] }],

  paramsFromFinding(finding) {
    const principal = finding.principal;
    if (!principal || !['IAMUser', 'AssumedRole', 'FederatedUser', 'Root'].includes(principal.type)) return undefined;
    const lookupUsername = principal.type === 'AssumedRole' ? (principal.sessionName ?? principal.roleName) : principal.type === 'Root' ? 'root' : principal.userName;
    if (!lookupUsername && !principal.accessKeyId) return undefined;
    return {
      principalType: principal.type as GatherPrincipalActivityParams['principalType'],
      ...(lookupUsername ? { lookupUsername } : {}),
      ...(principal.accessKeyId ? { accessKeyId: principal.accessKeyId } : {}),
      ...(finding.network?.remoteIp ? { findingRemoteIp: finding.network.remoteIp } : {}),
    };
  },

  target: (p) => `principal/${p.principalType}/${p.lookupUsername ?? p.accessKeyId ?? 'unknown'}`,
  plan: (p, ctx) => queries(p, ctx.now).map((q) => awsCall('cloudTrail', 'LookupEvents', { ...q.input })),

  async apply(p, ctx: ActionContext, aws) {
    const cloudTrail = aws.client('cloudTrail');
    const collected: Record<string, ParsedEvent[]> = { logins: [], activity: [] };
    const truncated: string[] = [];
    for (const query of queries(p, ctx.now)) {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await cloudTrail.send(new LookupEventsCommand({ ...query.input, ...(nextToken ? { NextToken: nextToken } : {}) }));
        collected[query.name]!.push(...(page.Events ?? []).filter(query.keep).map(parseEvent));
        nextToken = page.NextToken;
        pages += 1;
      } while (nextToken && pages < query.maxPages);
      if (nextToken) truncated.push(query.name);
    }

    const trusted = compileCidrs(ctx.allowlists.cidrs);
    const loginIps = new Set(collected.logins!.map((e) => e.sourceIp).filter((ip): ip is string => Boolean(ip)));
    const activityIps = countBy(collected.activity!.map((e) => e.sourceIp)).filter(({ value }) => isIpAddress(value));
    const anomalous = new Set(activityIps.map(({ value }) => value).filter((ip) => !loginIps.has(ip) && !trusted(ip)));
    if (p.findingRemoteIp && !trusted(p.findingRemoteIp)) anomalous.add(p.findingRemoteIp);

    const logins = collected.logins!;
    const evidence = {
      window: { loginsSince: new Date(ctx.now.getTime() - 7 * DAY_MS).toISOString(), activitySince: new Date(ctx.now.getTime() - DAY_MS).toISOString(), until: ctx.now.toISOString() },
      logins: { count: logins.length, withoutMfa: logins.filter((e) => e.mfaUsed === 'No').length, recent: logins.slice(0, MAX_LISTED) },
      activity: {
        count: collected.activity!.length,
        byEventName: countBy(collected.activity!.map((e) => e.eventName)).slice(0, MAX_LISTED),
        sourceIps: activityIps.slice(0, MAX_LISTED),
      },
      anomalousIps: [...anomalous].slice(0, MAX_LISTED),
      ...(truncated.length > 0 ? { truncated } : {}),
    };
    return {
      status: 'done',
      summary: `evidence: ${logins.length} console sign-in(s) in 7 days, ${collected.activity!.length} API call(s) in 24 hours, ${anomalous.size} anomalous source IP(s)${truncated.length > 0 ? ` (truncated: ${truncated.join(', ')})` : ''}`,
      evidence,
    };
  },

  rollbackPlan: () => [],
  async revert() {
    return { status: 'skipped', reason: 'evidence gathering is read-only: nothing to restore' };
  },
});
