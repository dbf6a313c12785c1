import type { Finding, Principal } from '../findings/finding.js';
import { NORMALIZED_FOR_LABEL } from '../findings/severity.js';
import { timestampMillis, toIsoTimestamp } from '../findings/timestamps.js';
import {
  cloudTrailRecordCore,
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

/** What stays the same from event to event (so one object serves them all); the event's own id is a parameter. */
export interface CloudTrailDetectContext {
  windowStore?: CorrelationWindowStore | undefined;
  overrides?: Readonly<Record<string, CorrelationOverride>> | undefined;
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

/** The CloudTrail event id and the EventBridge envelope's, those that are present. */
function sourceEventIdsOf(core: CloudTrailRecordCore, envelopeId: string | undefined): string[] {
  const ids: string[] = [];
  if (core.eventID) ids.push(core.eventID);
  if (envelopeId) ids.push(envelopeId);
  return ids;
}

function buildFinding(
  rule: RuleMetaIR,
  core: CloudTrailRecordCore,
  record: EventRecord,
  eventTime: string,
  extra: { dedupKey: string; count?: number; firstSeen?: string; description?: string },
  envelopeId: string | undefined,
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
    sourceEventIds: sourceEventIdsOf(core, envelopeId),
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
const NO_FINDINGS = Object.freeze({ ok: true as const, findings: Object.freeze([]) as unknown as Finding[] });

/** Number of time buckets per correlation window: event_count precision is one bucket (a tenth of the window). */
const BUCKETS_PER_WINDOW = 10;

/** Peer-statistics writes in flight at once when a bucket ends (one UpdateItem per group). */
const PEER_FLUSH_CONCURRENCY = 16;

/** At most this many groups (principals, addresses ...) are remembered per correlation by one container. */
const MAX_GROUPS = 10_000;

/**
 * What this container remembers about one group of a correlation (one principal, one address ...). Its strings are built
 * once, not per event: at CloudTrail volume, building and hashing a fresh window key for every event was measurable.
 */
interface GroupState {
  /** The group-by values joined by `#` (the value itself for one field). */
  readonly id: string;
  /** Group-by values, in the rule's order. */
  readonly values: readonly string[];
  /** The window key in the store: `<correlation>#<values joined by #>`. */
  readonly key: string;
  /** Index of the last window this container emitted a finding for (another container may emit it once more; the
   * incident store's dedup absorbs that). */
  emittedWindow: number;
  /** The event that emitted it, and its peer note: a redelivery of that same event (Lambda retries a failed invocation)
   * emits it again, so a finding whose incident could not be written the first time is not lost. */
  emittedBy: string;
  emittedNote: string | undefined;
  /** Window and count level (count / peer floor) last compared with the peers: re-read at the next multiple only. */
  checkedWindow: number;
  checkedLevel: number;
  /** This group's member in the peer-statistics key for `peerBucket`: `b<bucket>|<group>`. */
  peerBucket: number;
  peerMember: string;
  /** Events of `peerBucket` counted here but not yet added to the peer statistics (see flushPeers). */
  pendingPeers: number;
  pendingAtMs: number;
  /** This group's total in the peer statistics as of read number `tally.read` (see farAbovePeers). */
  tally: PeerTally;
}

/** A group's total in one read of the peer statistics. */
interface PeerTally {
  read: number;
  total: number;
}

/** One correlation rule as this deployment runs it (overrides applied), with its per-group state. */
interface CorrelationPlan {
  readonly correlation: CorrelationRuleIR;
  readonly override: CorrelationOverride | undefined;
  readonly timespanSeconds: number;
  readonly bucketMs: number;
  /** Kept one bucket longer than the window: an entry is never read after that (DynamoDB TTL deletes it later still). */
  readonly ttlSeconds: number;
  readonly peersKey: string;
  readonly groups: Map<string, GroupState>;
  /** The current time bucket and its member string `b<bucket>`. */
  bucket: number;
  bucketMember: string;
  /** Per-group event totals of the peer window, as of one time bucket (see farAbovePeers). */
  peerTotals: { bucket: number; read: number; groups: number; sum: number } | undefined;
  /** Reads of the peer statistics so far: tallies stamped with an older read count as absent. */
  peerReads: number;
  /** Peer-statistics member (`b<bucket>|<group>`) → its group's tally; groups this container has not seen (other
   * containers') get a tally of their own in `foreignTallies`, by group id. */
  peerMemberTallies: Map<string, PeerTally>;
  foreignTallies: Map<string, PeerTally>;
  /** Groups with pending peer counts. */
  dirty: GroupState[];
}

/** One matched event as the correlation path sees it. */
interface Observation {
  readonly core: CloudTrailRecordCore;
  readonly event: EventRecord;
  readonly atMs: number;
  readonly context: CloudTrailDetectContext;
  readonly envelopeId: string | undefined;
}

/** What identifies one CloudTrail event across deliveries. */
function eventKeyOf(core: CloudTrailRecordCore): string {
  return core.eventID ?? `${core.eventTime}:${core.eventName}:${core.eventSource}`;
}

/**
 * The event time as findings carry it (ISO 8601 with milliseconds); built only for events that yield a finding. Called
 * after timestampMillis accepted the time, which it does exactly when toIsoTimestamp does.
 */
function isoTimeOf(core: CloudTrailRecordCore): string {
  return toIsoTimestamp(core.eventTime)!;
}

function planFor(correlation: CorrelationRuleIR, override: CorrelationOverride | undefined): CorrelationPlan {
  const timespanSeconds = override?.timespanSeconds ?? correlation.timespanSeconds;
  return {
    correlation,
    override,
    timespanSeconds,
    bucketMs: Math.max(1000, Math.floor((timespanSeconds * 1000) / BUCKETS_PER_WINDOW)),
    ttlSeconds: timespanSeconds + Math.max(1, Math.ceil(timespanSeconds / BUCKETS_PER_WINDOW)),
    peersKey: `${correlation.name}#*peers`,
    groups: new Map(),
    bucket: -1,
    bucketMember: '',
    peerTotals: undefined,
    peerReads: 0,
    peerMemberTallies: new Map(),
    foreignTallies: new Map(),
    dirty: [],
  };
}

/**
 * The group an event belongs to, or undefined when it carries none of the group-by fields: counting it under an empty
 * group would lump unrelated events together (e.g. root sign-ins, which have no user name, in a per-user brute force).
 */
function groupOf(plan: CorrelationPlan, event: EventRecord): GroupState | undefined {
  const groupBy = plan.correlation.groupBy;
  let id: string;
  let values: string[] | undefined;
  if (groupBy.length === 1) {
    id = firstValueAt(event, groupBy[0]!) ?? '';
    if (id === '') return undefined;
  } else {
    values = [];
    let attributed = groupBy.length === 0;
    for (const field of groupBy) {
      const value = firstValueAt(event, field) ?? '';
      if (value !== '') attributed = true;
      values.push(value);
    }
    if (!attributed) return undefined;
    id = values.join('#');
  }
  let group = plan.groups.get(id);
  if (!group) {
    if (plan.groups.size >= MAX_GROUPS) {
      // Tallies may point at the groups about to be forgotten: start them afresh (the next peer read rebuilds them).
      plan.peerMemberTallies.clear();
      // Maps iterate in insertion order: forget the oldest tenth.
      let drop = MAX_GROUPS / 10;
      for (const key of plan.groups.keys()) {
        plan.groups.delete(key);
        if (--drop === 0) break;
      }
    }
    // A group first met in the peer statistics (another container's) keeps the tally it already has there.
    const foreignTally = plan.foreignTallies.get(id);
    if (foreignTally) plan.foreignTallies.delete(id);
    group = { id, values: values ?? [id], key: `${plan.correlation.name}#${id}`, emittedWindow: -1, emittedBy: '', emittedNote: undefined, checkedWindow: -1, checkedLevel: -1, peerBucket: -1, peerMember: '', pendingPeers: 0, pendingAtMs: 0, tally: foreignTally ?? { read: -1, total: 0 } };
    plan.groups.set(id, group);
  }
  return group;
}

/**
 * CloudTrail record → findings of every matching rule, plus correlation findings when a window reaches its condition.
 * Correlation state lives in the injected store; without one, correlation rules are skipped (the CLI passes an in-memory one).
 */
export class CloudTrailDetector {
  /**
   * Per window store (the state they describe lives there): correlation → plan. In Lambda there is one store per
   * container; a CLI run or a test that starts a fresh store starts fresh counts and emissions.
   */
  private readonly plans = new WeakMap<CorrelationWindowStore, Map<CorrelationRuleIR, CorrelationPlan>>();

  constructor(private readonly engine: RuleEngine) {}

  /**
   * Synchronous when every correlation state it touches is in process (the CLI, tests, the bench): an async function per
   * CloudTrail event was measurable. With DynamoDB the correlations of one event run concurrently (distinct keys).
   */
  /** `envelopeId`: the EventBridge event id, when the record came in an envelope. */
  detect(record: unknown, context: CloudTrailDetectContext = {}, envelopeId?: string): NormalizeResult | Promise<NormalizeResult> {
    const core = cloudTrailRecordCore(record);
    if (!core) {
      // Malformed: the schema says why (or, if it accepts what the fast check did not, the record goes on).
      const parsed = parseCloudTrailRecord(record);
      return parsed.ok ? this.detectCore(record as EventRecord, parsed.core, context, envelopeId) : parsed;
    }
    return this.detectCore(record as EventRecord, core, context, envelopeId);
  }

  private detectCore(event: EventRecord, core: CloudTrailRecordCore, context: CloudTrailDetectContext, envelopeId: string | undefined): NormalizeResult | Promise<NormalizeResult> {
    const matched = this.engine.match(event);
    // Most records match no rule: they cost a lookup and nothing else.
    if (matched.length === 0 || (!context.windowStore && matched.every((r) => r.correlationOnly))) return NO_FINDINGS;
    const atMs = timestampMillis(core.eventTime);
    if (Number.isNaN(atMs)) return { ok: false, reason: `CloudTrail record: eventTime '${core.eventTime}' is not a timestamp` };
    // Findings in rule order; a correlation on an asynchronous store contributes a promise in its place.
    let results: (Finding | Promise<Finding | undefined>)[] | undefined;
    let pending = false;
    let observation: Observation | undefined;
    for (const rule of matched) {
      if (!rule.correlationOnly) {
        const eventTime = isoTimeOf(core);
        const id = core.eventID ?? `${eventTime}:${core.eventName}`;
        const finding = buildFinding(rule, core, event, eventTime, { dedupKey: `cloudtrail:${rule.name}:${id}` }, envelopeId);
        if (results) results.push(finding);
        else results = [finding];
      }
      if (!context.windowStore) continue;
      const correlations = this.engine.correlationsByRule.get(rule.name);
      if (!correlations) continue;
      observation ??= { core, event, atMs, context, envelopeId };
      for (const correlation of correlations) {
        const result = this.correlate(this.planOf(correlation, context), rule.name, observation);
        if (result === undefined) continue;
        if (result instanceof Promise) pending = true;
        if (results) results.push(result);
        else results = [result];
      }
    }
    if (!results) return NO_FINDINGS;
    if (!pending) return { ok: true, findings: results as Finding[] };
    return Promise.all(results).then((all) => {
      const findings = all.filter((f): f is Finding => f !== undefined);
      return findings.length > 0 ? { ok: true as const, findings } : NO_FINDINGS;
    });
  }

  private planOf(correlation: CorrelationRuleIR, context: CloudTrailDetectContext): CorrelationPlan {
    const override = context.overrides?.[correlation.name];
    let plans = this.plans.get(context.windowStore!);
    if (!plans) {
      plans = new Map();
      this.plans.set(context.windowStore!, plans);
    }
    let plan = plans.get(correlation);
    if (!plan || plan.override !== override) {
      plan = planFor(correlation, override);
      plans.set(correlation, plan);
    }
    return plan;
  }

  /**
   * Feeds one matched event to a correlation and returns its finding when the window reaches the condition. Synchronous
   * with an in-process store (no promise per event on the hot path), a promise with DynamoDB.
   */
  private correlate(plan: CorrelationPlan, ruleName: string, o: Observation): Finding | undefined | Promise<Finding | undefined> {
    const group = groupOf(plan, o.event);
    if (!group) return undefined;
    const store = o.context.windowStore!;
    const correlation = plan.correlation;
    let member: string;
    switch (correlation.type) {
      case 'event_count': {
        const bucket = Math.floor(o.atMs / plan.bucketMs);
        let flushed: Promise<void> | undefined;
        if (bucket !== plan.bucket) {
          // A new bucket (or a late event of an old one): this container's counts of the previous one are complete.
          if (plan.dirty.length > 0) flushed = this.flushPeers(plan, store);
          plan.bucket = bucket;
          plan.bucketMember = `b${bucket}`;
        }
        member = plan.bucketMember;
        if (correlation.peers) {
          // Peer statistics: every group's per-bucket count under one key, read only when a group is a candidate
          // outlier. Counted here and written once per group and bucket (see flushPeers), not once per event: one
          // hot key written by every event would throttle DynamoDB long before the Lambda.
          if (group.peerBucket !== bucket) {
            group.peerBucket = bucket;
            group.peerMember = `${member}|${group.id}`;
          }
          if (group.pendingPeers === 0) plan.dirty.push(group);
          group.pendingPeers++;
          group.pendingAtMs = o.atMs;
        }
        if (flushed) return flushed.then(() => this.observe(plan, group, member, o));
        break;
      }
      case 'value_count': {
        const observed = firstValueAt(o.event, correlation.condition.field!);
        if (observed === undefined) return undefined;
        member = `v${observed}`;
        break;
      }
      case 'temporal':
        member = `r${ruleName}`;
        break;
    }
    return this.observe(plan, group, member, o);
  }

  private observe(plan: CorrelationPlan, group: GroupState, member: string, o: Observation): Finding | undefined | Promise<Finding | undefined> {
    const store = o.context.windowStore!;
    const sinceMs = o.atMs - plan.timespanSeconds * 1000;
    if (store.observeSync) return this.conclude(plan, group, store.observeSync(group.key, member, o.atMs, sinceMs, plan.ttlSeconds), o);
    return store.observe(group.key, member, o.atMs, sinceMs, plan.ttlSeconds).then((seen) => this.conclude(plan, group, seen, o));
  }

  private conclude(plan: CorrelationPlan, group: GroupState, seen: readonly WindowObservation[], o: Observation): Finding | undefined | Promise<Finding | undefined> {
    const correlation = plan.correlation;
    let value = 0;
    switch (correlation.type) {
      case 'event_count':
        for (let i = 0; i < seen.length; i++) value += seen[i]!.count;
        break;
      case 'value_count':
        value = seen.length;
        break;
      case 'temporal': {
        const present = new Set(seen.map((s) => s.member.slice(1)));
        value = correlation.rules.filter((r) => present.has(r)).length;
        if (value < correlation.rules.length) return undefined;
        break;
      }
    }
    const window = Math.floor(o.atMs / (plan.timespanSeconds * 1000));
    if (correlation.type !== 'temporal' && !meets(correlation.condition, value, plan.override?.threshold)) {
      // Below the absolute threshold: a candidate only if it clears the peer floor; the (rare) peer read decides.
      const peers = correlation.peers;
      if (!peers || value < peers.floor) return undefined;
      if (group.emittedWindow === window) return group.emittedBy === eventKeyOf(o.core) ? this.emit(plan, group, window, value, o, group.emittedNote) : undefined;
      // Re-read the peers each time the group's count reaches another multiple of the floor, not on every event.
      const level = Math.floor(value / peers.floor);
      if (group.checkedWindow === window && group.checkedLevel === level) return undefined;
      group.checkedWindow = window;
      group.checkedLevel = level;
      return this.farAbovePeers(plan, group, value, o).then((why) => (why ? this.emit(plan, group, window, value, o, why) : undefined));
    }
    return this.emit(plan, group, window, value, o);
  }

  /**
   * Adds the pending per-group counts to the peer statistics. Another container's counts reach the store when its
   * bucket ends (or before its own peer read), so peer totals lag by at most one bucket; counts pending in a container
   * that is recycled are lost, which skews a heuristic mean by at most one bucket of that container's events.
   */
  private flushPeers(plan: CorrelationPlan, store: CorrelationWindowStore): Promise<void> | undefined {
    const dirty = plan.dirty;
    plan.dirty = [];
    if (store.addSync) {
      for (const group of dirty) {
        store.addSync(plan.peersKey, group.peerMember, group.pendingAtMs, plan.ttlSeconds, group.pendingPeers);
        group.pendingPeers = 0;
      }
      return undefined;
    }
    return (async () => {
      for (let i = 0; i < dirty.length; i += PEER_FLUSH_CONCURRENCY) {
        await Promise.all(
          dirty.slice(i, i + PEER_FLUSH_CONCURRENCY).map(async (group) => {
            const count = group.pendingPeers;
            group.pendingPeers = 0;
            await store.add(plan.peersKey, group.peerMember, group.pendingAtMs, plan.ttlSeconds, count);
          }),
        );
      }
    })();
  }

  /** The tally of a group id met in the peer statistics: this container's group, or another container's. */
  private tallyOf(plan: CorrelationPlan, id: string): PeerTally {
    const own = plan.groups.get(id);
    if (own) return own.tally;
    let tally = plan.foreignTallies.get(id);
    if (!tally) {
      if (plan.foreignTallies.size >= MAX_GROUPS) {
        plan.foreignTallies.clear();
        plan.peerMemberTallies.clear();
      }
      tally = { read: -1, total: 0 };
      plan.foreignTallies.set(id, tally);
    }
    return tally;
  }

  /** Is this group's count at least `factor` times the mean of the other active groups (given enough of them)? */
  private async farAbovePeers(plan: CorrelationPlan, group: GroupState, value: number, o: Observation): Promise<string | undefined> {
    const peers = plan.correlation.peers!;
    // Per-group totals are computed once per correlation and time bucket and shared by every candidate group in it:
    // at most one bucket stale, and one read instead of one per candidate.
    const bucket = Math.floor(o.atMs / plan.bucketMs);
    let cached = plan.peerTotals;
    if (!cached || cached.bucket !== bucket) {
      // This container's own counts first, so that the read sees them.
      if (plan.dirty.length > 0) await this.flushPeers(plan, o.context.windowStore!);
      const sinceMs = o.atMs - plan.timespanSeconds * 1000;
      const read = ++plan.peerReads;
      const entries = await o.context.windowStore!.read(plan.peersKey, sinceMs, o.atMs);
      // Each member is resolved to its group's tally once and remembered: the same members come back read after read,
      // and slicing and hashing every one anew (then summing in a map) was most of this method's cost.
      const tallies = plan.peerMemberTallies;
      let sum = 0;
      let groups = 0;
      for (const entry of entries) {
        let tally = tallies.get(entry.member);
        if (!tally) {
          tally = this.tallyOf(plan, entry.member.slice(entry.member.indexOf('|') + 1));
          tallies.set(entry.member, tally);
        }
        if (tally.read !== read) {
          tally.read = read;
          tally.total = 0;
          groups++;
        }
        tally.total += entry.count;
        sum += entry.count;
      }
      // Members of buckets that left the window are never read again: forget them once they dominate.
      if (tallies.size > 4 * entries.length + 256) {
        plan.peerMemberTallies = new Map(entries.map((entry) => [entry.member, tallies.get(entry.member)!]));
      }
      cached = { bucket, read, groups, sum };
      plan.peerTotals = cached;
    }
    const ownTotal = group.tally.read === cached.read ? group.tally.total : undefined;
    const peerCount = cached.groups - (ownTotal === undefined ? 0 : 1);
    if (peerCount < peers.minPeers) return undefined;
    const mean = (cached.sum - (ownTotal ?? 0)) / peerCount;
    return value >= peers.factor * mean ? `${value} events vs a mean of ${mean.toFixed(1)} over ${peerCount} peers` : undefined;
  }

  private emit(plan: CorrelationPlan, group: GroupState, window: number, value: number, o: Observation, peerNote?: string): Finding | undefined {
    // A window that has fired keeps counting but is not re-emitted for every further event; only for a redelivery of
    // the event that fired it.
    const eventKey = eventKeyOf(o.core);
    if (group.emittedWindow === window && group.emittedBy !== eventKey) return undefined;
    group.emittedWindow = window;
    group.emittedBy = eventKey;
    group.emittedNote = peerNote;
    const correlation = plan.correlation;
    const timespan = plan.timespanSeconds;
    const groupText = correlation.groupBy.map((field, i) => `${field}=${group.values[i] || '(none)'}`).join(', ');
    return buildFinding(
      correlation,
      o.core,
      o.event,
      isoTimeOf(o.core),
      {
        // One finding per group and window: every further event in the window re-delivers the same dedup key.
        dedupKey: `cloudtrail:${correlation.name}:${group.values.join('|')}:${window}`,
        count: Math.max(1, value),
        firstSeen: new Date(o.atMs - timespan * 1000).toISOString(),
        description: `${correlation.description} (${correlation.type} ${value} within ${timespan}s${groupText ? ` for ${groupText}` : ''}${peerNote ? `; ${peerNote}` : ''})`.trim(),
      },
      o.envelopeId,
    );
  }
}
