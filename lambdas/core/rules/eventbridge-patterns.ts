import { constraintOf } from './sigma-constraints.js';
import type { ConstraintIR, DetectionRuleIR, RuleIR } from './sigma-ir.js';

/**
 * EventBridge patterns for CloudTrail events, generated from the active rule set so that only events some rule could
 * match invoke the detect Lambda. Imported by infra (lib/ingestion.ts); nothing here touches AWS.
 *
 * Bus facts this encodes (the EventBridge and CloudTrail documentation):
 * - API calls arrive as `AWS API Call via CloudTrail` with source `aws.<service>`; console sign-ins as
 *   `AWS Console Sign In via CloudTrail` with source `aws.signin`.
 * - Read-only calls (Get*, List*, Describe* ...) reach a rule only in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS:
 *   patterns that need them are flagged `readOnlyEvents`, and kept apart so write-only rules stay in the cheaper state.
 * - IAM, STS (global endpoint), Organizations and console sign-in are recorded in us-east-1: `globalServices` flags them.
 * - A pattern is at most 4096 characters: rules are packed into as many patterns as needed.
 */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';
export const SIGN_IN_SOURCE = 'aws.signin';
export const MAX_PATTERN_LENGTH = 4096;
const GLOBAL_EVENT_SOURCES = new Set(['iam.amazonaws.com', 'sts.amazonaws.com', 'organizations.amazonaws.com', 'signin.amazonaws.com']);

export interface GeneratedPattern {
  /** The EventBridge `EventPattern` object. */
  pattern: Record<string, unknown>;
  /** JSON.stringify(pattern): always ≤ 4096 characters. */
  json: string;
  /** Needs read-only management events: use State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
  readOnlyEvents: boolean;
  /** Contains events of global services that CloudTrail records in us-east-1 only. */
  globalServices: boolean;
  /** Rule names this pattern serves. */
  rules: string[];
}

type NameMatcher = string | { prefix: string };

interface SourceGroup {
  /** `iam.amazonaws.com`; undefined = any source. */
  eventSource: string | undefined;
  /** undefined = any event name of the source. */
  names: NameMatcher[] | undefined;
  /** Other exact constraints (a rule with neither source nor name: e.g. userIdentity.type = Root). */
  detail?: Record<string, string[]>;
  readOnly: boolean;
  rules: Set<string>;
}

function sourceOf(eventSource: string): string {
  return eventSource === 'signin.amazonaws.com' ? SIGN_IN_SOURCE : `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

function namesOf(constraint: ConstraintIR): NameMatcher[] | undefined {
  if (constraint.kind === 'any') return undefined;
  return [...constraint.exact, ...constraint.prefixes.map((prefix) => ({ prefix }))];
}

/** For a rule constrained by neither eventSource nor eventName: the first other field with exact values. */
function fallbackDetail(rule: DetectionRuleIR): Record<string, string[]> | undefined {
  const fields = new Set(Object.values(rule.searches).flatMap((s) => s.maps.flatMap((m) => m.map((t) => t.field))));
  for (const field of fields) {
    const constraint = constraintOf(rule.condition, rule.searches, field);
    if (constraint.kind === 'values' && constraint.prefixes.length === 0 && constraint.exact.length > 0) {
      return { [field]: constraint.exact };
    }
  }
  return undefined;
}

/** `{"a.b": [x]}` → `{"a": {"b": [x]}}`: EventBridge patterns nest like the event. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split('.');
    let node = out;
    keys.slice(0, -1).forEach((key) => {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    });
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}

function buildPattern(groups: SourceGroup[], names: NameMatcher[] | undefined): Record<string, unknown> {
  const sources = groups.map((g) => g.eventSource).filter((s): s is string => s !== undefined);
  const signIn = sources.includes('signin.amazonaws.com');
  const apiCalls = sources.some((s) => s !== 'signin.amazonaws.com') || sources.length === 0;
  const detailTypes = [...(apiCalls ? [API_CALL_DETAIL_TYPE] : []), ...(signIn || sources.length === 0 ? [SIGN_IN_DETAIL_TYPE] : [])];
  const flat: Record<string, unknown> = {};
  if (sources.length > 0) flat.eventSource = [...new Set(sources)].sort();
  if (names) flat.eventName = names;
  const extra = groups[0]?.detail;
  if (extra) Object.assign(flat, extra);
  return {
    ...(sources.length > 0 ? { source: [...new Set(sources.map(sourceOf))].sort() } : {}),
    'detail-type': detailTypes,
    detail: nest(flat),
  };
}

function uniqueNames(names: NameMatcher[]): NameMatcher[] {
  const seen = new Set<string>();
  return names
    .filter((n) => {
      const key = typeof n === 'string' ? `=${n}` : `^${n.prefix}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function emit(groups: SourceGroup[], names: NameMatcher[] | undefined): GeneratedPattern {
  const pattern = buildPattern(groups, names);
  return {
    pattern,
    json: JSON.stringify(pattern),
    readOnlyEvents: groups.some((g) => g.readOnly),
    globalServices: groups.some((g) => g.eventSource !== undefined && GLOBAL_EVENT_SOURCES.has(g.eventSource)),
    rules: [...new Set(groups.flatMap((g) => [...g.rules]))].sort(),
  };
}

/**
 * Packs source groups into patterns. Groups that share a pattern share one eventName list (the union): a name of one
 * service may then also let through the same-named call of another service in the pattern, which costs an invocation,
 * never a missed event. A group whose names alone exceed the limit is split across patterns.
 */
function pack(groups: SourceGroup[]): GeneratedPattern[] {
  const out: GeneratedPattern[] = [];
  let current: SourceGroup[] = [];
  // Any group without a name constraint makes the whole pattern name-agnostic (an empty list would match nothing).
  const namesOfAll = (gs: SourceGroup[]) => (gs.some((g) => g.names === undefined) ? undefined : uniqueNames(gs.flatMap((g) => g.names!)));
  const flush = () => {
    if (current.length > 0) out.push(emit(current, namesOfAll(current)));
    current = [];
  };
  for (const group of groups) {
    const trial = [...current, group];
    if (JSON.stringify(buildPattern(trial, namesOfAll(trial))).length <= MAX_PATTERN_LENGTH) {
      current = trial;
      continue;
    }
    flush();
    if (JSON.stringify(buildPattern([group], namesOfAll([group]))).length <= MAX_PATTERN_LENGTH) {
      current = [group];
      continue;
    }
    // One service with very many names: split its name list.
    let chunk: NameMatcher[] = [];
    for (const name of uniqueNames(group.names ?? [])) {
      const next = [...chunk, name];
      if (chunk.length > 0 && JSON.stringify(buildPattern([group], next)).length > MAX_PATTERN_LENGTH) {
        out.push(emit([group], chunk));
        chunk = [name];
      } else chunk = next;
    }
    if (chunk.length > 0) out.push(emit([group], chunk));
  }
  flush();
  return out;
}

export interface PatternSet {
  patterns: GeneratedPattern[];
  /** Rules no pattern can narrow (neither eventSource, eventName nor another exact field): they need every event. */
  unfiltered: string[];
}

/** Patterns for the detection rules of the active packs (correlation rules ride on the detection rules they reference). */
export function generateCloudTrailPatterns(rules: readonly RuleIR[]): PatternSet {
  const groups = new Map<string, SourceGroup>();
  const unfiltered: string[] = [];
  const groupFor = (key: string, init: () => SourceGroup) => {
    let group = groups.get(key);
    if (!group) {
      group = init();
      groups.set(key, group);
    }
    return group;
  };
  for (const rule of rules) {
    if (rule.kind !== 'detection') continue;
    const names = namesOf(rule.eventName);
    const readOnly = rule.readOnlyEvents;
    const sources = rule.eventSource.kind === 'values' && rule.eventSource.prefixes.length === 0 ? rule.eventSource.exact : undefined;
    if (sources) {
      for (const source of sources) {
        // A source with any-name rules cannot be narrowed by name; keep it apart from named groups of the same source.
        const key = `${readOnly ? 'ro' : 'rw'}|${source}|${names ? 'named' : 'all'}`;
        const group = groupFor(key, () => ({ eventSource: source, names: names ? [] : undefined, readOnly, rules: new Set() }));
        if (names) group.names!.push(...names);
        group.rules.add(rule.name);
      }
    } else if (names) {
      const group = groupFor(`${readOnly ? 'ro' : 'rw'}|*|named`, () => ({ eventSource: undefined, names: [], readOnly, rules: new Set() }));
      group.names!.push(...names);
      group.rules.add(rule.name);
    } else {
      const detail = fallbackDetail(rule);
      if (!detail) {
        unfiltered.push(rule.name);
        groupFor(`${readOnly ? 'ro' : 'rw'}|*|all`, () => ({ eventSource: undefined, names: undefined, readOnly, rules: new Set() })).rules.add(rule.name);
        continue;
      }
      const key = `${readOnly ? 'ro' : 'rw'}|*|${JSON.stringify(detail)}`;
      groupFor(key, () => ({ eventSource: undefined, names: undefined, detail, readOnly, rules: new Set() })).rules.add(rule.name);
    }
  }
  const ordered = [...groups.values()].sort((a, b) => (a.eventSource ?? '~').localeCompare(b.eventSource ?? '~'));
  const patterns: GeneratedPattern[] = [];
  for (const readOnly of [false, true]) {
    const subset = ordered.filter((g) => g.readOnly === readOnly);
    // Groups that cannot share a name list (any-name sources, field-only constraints, source-less names) get their own pattern.
    const shareable = subset.filter((g) => g.eventSource !== undefined && g.names !== undefined && !g.detail);
    const alone = subset.filter((g) => !shareable.includes(g));
    patterns.push(...pack(shareable));
    for (const group of alone) patterns.push(...pack([group]));
  }
  return { patterns, unfiltered };
}

/** One EventBridge rule's worth of CloudTrail pattern, named for a construct id. */
export interface NamedCloudTrailPattern extends GeneratedPattern {
  /** PascalCase, stable for a given rule set: `CloudTrailWrite1`, `CloudTrailReadOnly1` ... */
  name: string;
  /** Alias of readOnlyEvents, the shape lib/ingestion.ts's CloudTrailPattern uses. */
  readOnly: boolean;
}

/** Named patterns for the given rules (infra: `cloudTrailPatternsFor(activeRules())`). */
export function cloudTrailPatternsFor(rules: readonly RuleIR[]): NamedCloudTrailPattern[] {
  const counters = { write: 0, read: 0 };
  return generateCloudTrailPatterns(rules).patterns.map((p) => {
    const kind = p.readOnlyEvents ? 'read' : 'write';
    counters[kind] += 1;
    return { ...p, name: `CloudTrail${p.readOnlyEvents ? 'ReadOnly' : 'Write'}${counters[kind]}`, readOnly: p.readOnlyEvents };
  });
}
