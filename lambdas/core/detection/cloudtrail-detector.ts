import type { Finding, Principal } from '../findings/finding.js';
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
import type { CorrelationWindowStore, WindowObservation } from '../rules/correlation-window.js';
import type { CorrelationRuleIR, RuleMetaIR } from '../rules/sigma-ir.js';
import type { EventRecord, RuleEngine } from '../rules/sigma-evaluator.js';
import { resourcesNamedByRequest } from '../findings/cloudtrail/request-resources.js';

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

const firstValueGetters = new Map<string, (record: EventRecord) => string | undefined>();

/** First scalar at a dotted path (arrays fan out), compiled once per path: group-by fields are read for every event. */
function firstValueAt(record: EventRecord, path: string): string | undefined {
  let getter = firstValueGetters.get(path);
  if (!getter) {
    const keys = path.split('.');
    const find = (value: unknown, depth: number): string | undefined => {
      if (Array.isArray(value)) {
        for (const item of value) {
          const found = find(item, depth);
          if (found !== undefined) return found;
        }
        return undefined;
      }
      if (depth === keys.length) {
        return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
      }
      if (typeof value !== 'object' || value === null) return undefined;
      return find((value as Record<string, unknown>)[keys[depth]!], depth + 1);
    };
    getter = (record) => find(record, 0);
    firstValueGetters.set(path, getter);
  }
  return getter(record);
}

function accountOf(core: CloudTrailRecordCore, principal: Principal | undefined, record: EventRecord): string {
  const identity = record.userIdentity as { accountId?: unknown } | undefined;
  return core.recipientAccountId ?? (typeof identity?.accountId === 'string' ? identity.accountId : undefined) ?? principal?.arn?.split(':')[4] ?? 'unknown';
}

function buildFinding(
  rule: RuleMetaIR,
  core: CloudTrailRecordCore,
  record: EventRecord,
  eventTime: string,
  extra: { dedupKey: string; count?: number; firstSeen?: string; description?: string },
  context: CloudTrailDetectContext,
): Finding {
  const principal = principalOfRecord(record);
  const listed = Array.isArray(record.resources)
    ? (record.resources as unknown[]).flatMap((r) => {
        if (typeof r !== 'object' || r === null) return [];
        const { ARN, type } = r as { ARN?: unknown; type?: unknown };
        return typeof ARN === 'string' ? [{ type: typeof type === 'string' ? type : 'Unknown', id: ARN, arn: ARN, region: core.awsRegion, tags: {}, details: {} }] : [];
      })
    : [];
  const resources = [
    ...listed,
    ...resourcesNamedByRequest(record, core.eventSource, core.awsRegion).filter((named) => !listed.some((r) => r.id === named.id)),
  ];
  // Built from validated parts by Firebreak itself (typed, not parsed): re-validating every finding with zod would cost
  // more than detecting it, at CloudTrail volume.
  const finding: Finding = {
    dedupKey: extra.dedupKey,
    source: 'cloudtrail' as const,
    product: 'Firebreak',
    type: rule.name,
    title: rule.title,
    description: extra.description ?? rule.description,
    severity: { label: rule.level, normalized: NORMALIZED_FOR_LABEL[rule.level], original: rule.level.toLowerCase() },
    accountId: accountOf(core, principal, record),
    region: core.awsRegion,
    firstSeen: extra.firstSeen ?? eventTime,
    lastSeen: eventTime,
    count: extra.count ?? 1,
    resourceClass: rule.resourceClass ?? resourceClassOfActor(principal),
    ...(principal ? { principal } : {}),
    resources,
    ...(isIpAddress(core.sourceIPAddress) ? { network: { remoteIp: core.sourceIPAddress } } : {}),
    attack: { tactics: [...rule.tactics], techniques: [...rule.techniques] },
    sample: false,
    sourceEventIds: [core.eventID, context.eventId].filter((id): id is string => typeof id === 'string' && id.length > 0),
    productRefs: {},
    ruleId: rule.name,
  };
  return finding;
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

/** Shared result for records that yield nothing (frozen: callers only read it). */
const NO_FINDINGS = Object.freeze({ ok: true as const, findings: Object.freeze([]) as unknown as Finding[], matchedRules: Object.freeze([]) as unknown as string[] });

function peersKey(correlation: CorrelationRuleIR): string {
  return `${correlation.name}#*peers`;
}

/** Number of time buckets per correlation window: event_count precision is one bucket (a tenth of the window). */
const BUCKETS_PER_WINDOW = 10;

/**
 * CloudTrail record → findings of every matching rule, plus correlation findings when a window reaches its condition.
 * Correlation state lives in the injected store; without one, correlation rules are skipped (the CLI passes an in-memory one).
 */
export class CloudTrailDetector {
  /**
   * Correlation windows already emitted by this container (window key → index of the window that fired). A window that
   * has fired keeps counting but is not re-emitted for every further event; another container may emit it once more,
   * which the incident store's dedup absorbs. Keyed by the window key string already built (and hashed) for the store.
   */
  private readonly emitted = new Map<string, number>();
  private static readonly MAX_REMEMBERED = 10_000;
  /** Correlation name → per-group event totals of its peer window, as of one time bucket. */
  private readonly peerTotals = new Map<string, { bucket: number; totals: Map<string, number>; sum: number }>();
  /** Window key → `<window>:<count / peer floor>` last compared with its peers (see conclude). */
  private readonly peersChecked = new Map<string, string>();

  constructor(private readonly engine: RuleEngine) {}

  private alreadyEmitted(key: string, window: number): boolean {
    if (this.emitted.get(key) === window) return true;
    if (this.emitted.size >= CloudTrailDetector.MAX_REMEMBERED) {
      // Maps iterate in insertion order: drop the oldest tenth.
      let drop = CloudTrailDetector.MAX_REMEMBERED / 10;
      for (const key of this.emitted.keys()) {
        this.emitted.delete(key);
        if (--drop === 0) break;
      }
    }
    this.emitted.set(key, window);
    return false;
  }

  async detect(record: unknown, context: CloudTrailDetectContext = {}): Promise<NormalizeResult & { matchedRules?: string[] }> {
    const parsed = parseCloudTrailRecord(record);
    if (!parsed.ok) return parsed;
    const core = parsed.core;
    const event = record as EventRecord;
    const matched = this.engine.match(event);
    // Most records match no rule: they cost a lookup and nothing else.
    if (matched.length === 0 || (!context.windowStore && matched.every((r) => r.correlationOnly))) return NO_FINDINGS;
    const eventTime = toIsoTimestamp(core.eventTime);
    if (!eventTime) return { ok: false, reason: `CloudTrail record: eventTime '${core.eventTime}' is not a timestamp` };
    const atMs = Date.parse(eventTime);
    const findings: Finding[] = [];
    for (const rule of matched) {
      if (!rule.correlationOnly) {
        const id = core.eventID ?? `${eventTime}:${core.eventName}`;
        findings.push(buildFinding(rule, core, event, eventTime, { dedupKey: `cloudtrail:${rule.name}:${id}` }, context));
      }
      if (!context.windowStore) continue;
      for (const correlation of this.engine.correlationsByRule.get(rule.name) ?? []) {
        const result = this.correlate(correlation, rule.name, core, event, eventTime, atMs, context);
        const hit = result instanceof Promise ? await result : result;
        if (hit) findings.push(hit);
      }
    }
    return { ok: true, findings, matchedRules: matched.map((r) => r.name) };
  }

  /**
   * Feeds one matched event to a correlation and returns its finding when the window reaches the condition. Synchronous
   * with an in-process store (no promise per event on the hot path), a promise with DynamoDB.
   */
  private correlate(
    correlation: CorrelationRuleIR,
    ruleName: string,
    core: CloudTrailRecordCore,
    event: EventRecord,
    eventTime: string,
    atMs: number,
    context: CloudTrailDetectContext,
  ): Finding | undefined | Promise<Finding | undefined> {
    const store = context.windowStore!;
    const override = context.overrides?.[correlation.name];
    const timespan = override?.timespanSeconds ?? correlation.timespanSeconds;
    const groupValues: string[] = [];
    let attributed = correlation.groupBy.length === 0;
    for (const field of correlation.groupBy) {
      const value = firstValueAt(event, field) ?? '';
      if (value !== '') attributed = true;
      groupValues.push(value);
    }
    // An event that carries none of the group-by fields cannot be attributed: counting it under an empty group would
    // lump unrelated events together (e.g. root sign-ins, which have no user name, in a per-user brute-force count).
    if (!attributed) return undefined;
    const key = `${correlation.name}#${groupValues.join('#')}`;
    const sinceMs = atMs - timespan * 1000;
    // Kept one bucket longer than the window: an entry is never read after that (DynamoDB TTL deletes it later still).
    const ttl = timespan + Math.max(1, Math.ceil(timespan / BUCKETS_PER_WINDOW));
    let member: string;
    switch (correlation.type) {
      case 'event_count':
        member = `b${Math.floor(atMs / Math.max(1000, Math.floor((timespan * 1000) / BUCKETS_PER_WINDOW)))}`;
        if (correlation.peers) {
          // Peer statistics: every group's bucket counts under one key, written per event, read only when a group is
          // a candidate outlier.
          const peerMember = `${member}|${groupValues.join('#')}`;
          if (store.addSync) store.addSync(peersKey(correlation), peerMember, atMs, ttl);
          else {
            const pending = store.add(peersKey(correlation), peerMember, atMs, ttl);
            return pending.then(() => this.observeAndConclude(store, correlation, core, event, eventTime, atMs, sinceMs, timespan, key, member, ttl, groupValues, override, context));
          }
        }
        break;
      case 'value_count': {
        const observed = firstValueAt(event, correlation.condition.field!);
        if (observed === undefined) return undefined;
        member = `v${observed}`;
        break;
      }
      case 'temporal':
        member = `r${ruleName}`;
        break;
    }
    return this.observeAndConclude(store, correlation, core, event, eventTime, atMs, sinceMs, timespan, key, member, ttl, groupValues, override, context);
  }

  private observeAndConclude(
    store: CorrelationWindowStore,
    correlation: CorrelationRuleIR,
    core: CloudTrailRecordCore,
    event: EventRecord,
    eventTime: string,
    atMs: number,
    sinceMs: number,
    timespan: number,
    key: string,
    member: string,
    ttl: number,
    groupValues: readonly string[],
    override: CorrelationOverride | undefined,
    context: CloudTrailDetectContext,
  ): Finding | undefined | Promise<Finding | undefined> {
    if (store.observeSync) {
      const seen = store.observeSync(key, member, atMs, sinceMs, ttl);
      return this.conclude(correlation, core, event, eventTime, atMs, sinceMs, timespan, key, groupValues, seen, override, context);
    }
    return store
      .observe(key, member, atMs, sinceMs, ttl)
      .then((seen) => this.conclude(correlation, core, event, eventTime, atMs, sinceMs, timespan, key, groupValues, seen, override, context));
  }

  /** Is this group's count at least `factor` times the mean of the other active groups (given enough of them)? */
  private async farAbovePeers(correlation: CorrelationRuleIR, value: number, groupValues: readonly string[], sinceMs: number, atMs: number, context: CloudTrailDetectContext): Promise<string | undefined> {
    const peers = correlation.peers!;
    const own = groupValues.join('#');
    // Per-group totals are computed once per correlation and time bucket and shared by every candidate group in it:
    // at most one bucket stale, and one read instead of one per candidate.
    const bucket = Math.floor(atMs / Math.max(1000, Math.floor((correlation.timespanSeconds * 1000) / BUCKETS_PER_WINDOW)));
    let cached = this.peerTotals.get(correlation.name);
    if (!cached || cached.bucket !== bucket) {
      const totals = new Map<string, number>();
      for (const o of await context.windowStore!.read(peersKey(correlation), sinceMs, atMs)) {
        const group = o.member.slice(o.member.indexOf('|') + 1);
        totals.set(group, (totals.get(group) ?? 0) + o.count);
      }
      let sum = 0;
      for (const n of totals.values()) sum += n;
      cached = { bucket, totals, sum };
      this.peerTotals.set(correlation.name, cached);
    }
    const ownTotal = cached.totals.get(own);
    const peerCount = cached.totals.size - (ownTotal === undefined ? 0 : 1);
    if (peerCount < peers.minPeers) return undefined;
    const mean = (cached.sum - (ownTotal ?? 0)) / peerCount;
    return value >= peers.factor * mean ? `${value} events vs a mean of ${mean.toFixed(1)} over ${peerCount} peers` : undefined;
  }

  private conclude(
    correlation: CorrelationRuleIR,
    core: CloudTrailRecordCore,
    event: EventRecord,
    eventTime: string,
    atMs: number,
    sinceMs: number,
    timespan: number,
    key: string,
    groupValues: readonly string[],
    seen: readonly WindowObservation[],
    override: CorrelationOverride | undefined,
    context: CloudTrailDetectContext,
  ): Finding | undefined | Promise<Finding | undefined> {
    let value = 0;
    switch (correlation.type) {
      case 'event_count':
        for (const o of seen) value += o.count;
        break;
      case 'value_count':
        value = seen.length;
        break;
      case 'temporal': {
        const present = new Set(seen.map((o) => o.member.slice(1)));
        value = correlation.rules.filter((r) => present.has(r)).length;
        if (value < correlation.rules.length) return undefined;
        break;
      }
    }
    const window = Math.floor(atMs / (timespan * 1000));
    if (correlation.type !== 'temporal' && !meets(correlation.condition, value, override?.threshold)) {
      // Below the absolute threshold: a candidate only if it clears the peer floor; the (rare) peer read decides.
      if (!correlation.peers || value < correlation.peers.floor || this.emitted.get(key) === window) return undefined;
      // Re-read the peers each time the group's count reaches another multiple of the floor, not on every event.
      const level = `${window}:${Math.floor(value / correlation.peers.floor)}`;
      if (this.peersChecked.get(key) === level) return undefined;
      if (this.peersChecked.size >= CloudTrailDetector.MAX_REMEMBERED) this.peersChecked.clear();
      this.peersChecked.set(key, level);
      return this.farAbovePeers(correlation, value, groupValues, sinceMs, atMs, context).then((why) =>
        why ? this.emit(correlation, core, event, eventTime, sinceMs, timespan, key, window, groupValues, value, context, why) : undefined,
      );
    }
    return this.emit(correlation, core, event, eventTime, sinceMs, timespan, key, window, groupValues, value, context);
  }

  private emit(
    correlation: CorrelationRuleIR,
    core: CloudTrailRecordCore,
    event: EventRecord,
    eventTime: string,
    sinceMs: number,
    timespan: number,
    key: string,
    window: number,
    groupValues: readonly string[],
    value: number,
    context: CloudTrailDetectContext,
    peerNote?: string,
  ): Finding | undefined {
    if (this.alreadyEmitted(key, window)) return undefined;
    const dedupKey = `cloudtrail:${correlation.name}:${groupValues.join('|')}:${window}`;
    const groupText = correlation.groupBy.map((field, i) => `${field}=${groupValues[i] || '(none)'}`).join(', ');
    return buildFinding(
      correlation,
      core,
      event,
      eventTime,
      {
        // One finding per group and window: every further event in the window re-delivers the same dedup key.
        dedupKey,
        count: Math.max(1, value),
        firstSeen: new Date(sinceMs).toISOString(),
        description: `${correlation.description} (${correlation.type} ${value} within ${timespan}s${groupText ? ` for ${groupText}` : ''}${peerNote ? `; ${peerNote}` : ''})`.trim(),
      },
      context,
    );
  }

}
