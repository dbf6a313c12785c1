import { FindingSchema, type Finding } from '../findings/finding.js';
import { NORMALIZED_FOR_LABEL } from '../findings/severity.js';
import { toIsoTimestamp } from '../findings/timestamps.js';
import {
  isIpAddress,
  parseCloudTrailRecord,
  principalOfRecord,
  resourceClassOfActor,
  type CloudTrailRecordCore,
} from '../findings/cloudtrail/cloudtrail-record.js';
import type { NormalizeResult } from '../findings/normalize-result.js';
import { formatZodIssues } from '../zod-issues.js';
import type { CorrelationWindowStore } from '../rules/correlation-window.js';
import type { CorrelationRuleIR, RuleMetaIR } from '../rules/sigma-ir.js';
import type { EventRecord, RuleEngine } from '../rules/sigma-evaluator.js';

/** Per-deployment changes to correlation rules (brute-force threshold and window ...), keyed by rule name. */
export interface CorrelationOverride {
  threshold?: number;
  timespanSeconds?: number;
}

export interface CloudTrailDetectContext {
  /** EventBridge event id, when the record came in an envelope. */
  eventId?: string;
  windowStore?: CorrelationWindowStore;
  overrides?: Readonly<Record<string, CorrelationOverride>>;
}

function valuesAt(record: EventRecord, path: string): string[] {
  let current: unknown[] = [record];
  for (const key of path.split('.')) {
    current = current.flatMap((v) => {
      if (typeof v !== 'object' || v === null) return [];
      const child = (v as Record<string, unknown>)[key];
      return child === undefined ? [] : Array.isArray(child) ? child : [child];
    });
  }
  return current.filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean').map(String);
}

function accountOf(core: CloudTrailRecordCore): string {
  return core.recipientAccountId ?? core.userIdentity?.accountId ?? 'unknown';
}

function buildFinding(
  rule: RuleMetaIR,
  core: CloudTrailRecordCore,
  record: EventRecord,
  extra: { dedupKey: string; count?: number; firstSeen?: string; description?: string },
  context: CloudTrailDetectContext,
): Finding | string {
  const principal = principalOfRecord(core);
  const eventTime = toIsoTimestamp(core.eventTime);
  if (!eventTime) return `CloudTrail record: eventTime '${core.eventTime}' is not a timestamp`;
  const resources = Array.isArray(record.resources)
    ? (record.resources as unknown[]).flatMap((r) => {
        if (typeof r !== 'object' || r === null) return [];
        const { ARN, type } = r as { ARN?: unknown; type?: unknown };
        return typeof ARN === 'string' ? [{ type: typeof type === 'string' ? type : 'Unknown', id: ARN, arn: ARN, region: core.awsRegion, tags: {}, details: {} }] : [];
      })
    : [];
  const candidate = {
    dedupKey: extra.dedupKey,
    source: 'cloudtrail',
    product: 'Firebreak',
    type: rule.name,
    title: rule.title,
    description: extra.description ?? rule.description,
    severity: { label: rule.level, normalized: NORMALIZED_FOR_LABEL[rule.level], original: rule.level.toLowerCase() },
    accountId: accountOf(core),
    region: core.awsRegion,
    firstSeen: extra.firstSeen ?? eventTime,
    lastSeen: eventTime,
    count: extra.count ?? 1,
    resourceClass: rule.resourceClass ?? resourceClassOfActor(principal),
    ...(principal ? { principal } : {}),
    resources,
    ...(isIpAddress(core.sourceIPAddress) ? { network: { remoteIp: core.sourceIPAddress } } : {}),
    attack: { tactics: rule.tactics, techniques: rule.techniques },
    sample: false,
    sourceEventIds: [core.eventID, context.eventId].filter((id): id is string => typeof id === 'string' && id.length > 0),
    productRefs: {},
    ruleId: rule.name,
  };
  const parsed = FindingSchema.safeParse(candidate);
  return parsed.success ? parsed.data : `rule ${rule.name}: ${formatZodIssues(parsed.error).join('; ')}`;
}

function meets(condition: CorrelationRuleIR['condition'], value: number, threshold?: number): boolean {
  if (threshold !== undefined) return value >= threshold;
  if (condition.gte !== undefined && !(value >= condition.gte)) return false;
  if (condition.gt !== undefined && !(value > condition.gt)) return false;
  if (condition.lte !== undefined && !(value <= condition.lte)) return false;
  if (condition.lt !== undefined && !(value < condition.lt)) return false;
  if (condition.eq !== undefined && value !== condition.eq) return false;
  return true;
}

/** Number of time buckets per correlation window: event_count precision is one bucket (a tenth of the window). */
const BUCKETS_PER_WINDOW = 10;

/**
 * CloudTrail record → findings of every matching rule, plus correlation findings when a window reaches its condition.
 * Correlation state lives in the injected store; without one, correlation rules are skipped (the CLI passes an in-memory one).
 */
export class CloudTrailDetector {
  constructor(private readonly engine: RuleEngine) {}

  async detect(record: unknown, context: CloudTrailDetectContext = {}): Promise<NormalizeResult & { matchedRules?: string[] }> {
    const parsed = parseCloudTrailRecord(record);
    if (!parsed.ok) return parsed;
    const core = parsed.core;
    const event = record as EventRecord;
    const matched = this.engine.match(event);
    const findings: Finding[] = [];
    const problems: string[] = [];
    const add = (result: Finding | string) => (typeof result === 'string' ? problems.push(result) : findings.push(result));
    for (const rule of matched) {
      if (!rule.correlationOnly) {
        add(buildFinding(rule, core, event, { dedupKey: `cloudtrail:${rule.name}:${core.eventID ?? `${core.eventTime}:${core.eventName}`}` }, context));
      }
      if (!context.windowStore) continue;
      for (const correlation of this.engine.correlationsByRule.get(rule.name) ?? []) {
        const hit = await this.correlate(correlation, rule.name, core, event, context);
        if (hit) add(hit);
      }
    }
    if (problems.length > 0 && findings.length === 0) return { ok: false, reason: problems.join('; ') };
    return { ok: true, findings, matchedRules: matched.map((r) => r.name) };
  }

  private async correlate(
    correlation: CorrelationRuleIR,
    ruleName: string,
    core: CloudTrailRecordCore,
    event: EventRecord,
    context: CloudTrailDetectContext,
  ): Promise<Finding | string | undefined> {
    const store = context.windowStore!;
    const override = context.overrides?.[correlation.name];
    const timespan = override?.timespanSeconds ?? correlation.timespanSeconds;
    const atMs = Date.parse(toIsoTimestamp(core.eventTime) ?? '');
    if (Number.isNaN(atMs)) return `CloudTrail record: eventTime '${core.eventTime}' is not a timestamp`;
    const groupValues = correlation.groupBy.map((field) => valuesAt(event, field)[0] ?? '');
    // An event that carries none of the group-by fields cannot be attributed: counting it under an empty group would
    // lump unrelated events together (e.g. root sign-ins, which have no user name, in a per-user brute-force count).
    if (groupValues.length > 0 && groupValues.every((v) => v === '')) return undefined;
    const key = `${correlation.name}#${groupValues.join('#')}`;
    const at = new Date(atMs);
    const since = new Date(atMs - timespan * 1000);
    const ttl = timespan * 2;
    let value: number;
    let member: string;
    switch (correlation.type) {
      case 'event_count': {
        const bucketMs = Math.max(1000, Math.floor((timespan * 1000) / BUCKETS_PER_WINDOW));
        member = `b${Math.floor(atMs / bucketMs)}`;
        const seen = await store.observe(key, member, at, since, ttl);
        value = seen.reduce((sum, o) => sum + o.count, 0);
        break;
      }
      case 'value_count': {
        const field = correlation.condition.field!;
        const observed = valuesAt(event, field)[0];
        if (observed === undefined) return undefined;
        member = `v${observed}`;
        const seen = await store.observe(key, member, at, since, ttl);
        value = seen.length;
        break;
      }
      case 'temporal': {
        member = `r${ruleName}`;
        const seen = await store.observe(key, member, at, since, ttl);
        const present = new Set(seen.map((o) => o.member.slice(1)));
        value = correlation.rules.filter((r) => present.has(r)).length;
        if (value < correlation.rules.length) return undefined;
        break;
      }
    }
    if (correlation.type !== 'temporal' && !meets(correlation.condition, value, override?.threshold)) return undefined;
    const window = Math.floor(atMs / (timespan * 1000));
    const groupText = correlation.groupBy.map((field, i) => `${field}=${groupValues[i] || '(none)'}`).join(', ');
    return buildFinding(
      correlation,
      core,
      event,
      {
        // One finding per group and window: every further event in the window re-delivers the same dedup key.
        dedupKey: `cloudtrail:${correlation.name}:${groupValues.join('|')}:${window}`,
        count: Math.max(1, value),
        firstSeen: since.toISOString(),
        description: `${correlation.description} (${correlation.type} ${value} within ${timespan}s${groupText ? ` for ${groupText}` : ''})`.trim(),
      },
      context,
    );
  }
}
