import type { ResourceClass, SeverityLabel } from '../findings/finding.js';

/**
 * The compiled form of a Sigma rule: plain JSON, produced once by `npm run rules:compile` (YAML parsing, schema checks,
 * condition parsing, wildcard → regex) and turned into matcher closures at load. Nothing here needs a YAML parser.
 */

/** How one value of a field is tested. Strings are compared lowercased: Sigma matching is case-insensitive. */
export type ValueTestIR =
  | { op: 'eq'; value: string; original: string }
  | { op: 'contains'; value: string }
  | { op: 'startswith'; value: string; original: string }
  | { op: 'endswith'; value: string }
  | { op: 'glob'; regex: string }
  | { op: 're'; regex: string; flags: string }
  | { op: 'cidr'; cidr: string }
  | { op: 'null' }
  | { op: 'exists'; value: boolean }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { op: 'fieldref'; path: string[]; mode: 'eq' | 'contains' | 'startswith' | 'endswith' };

export interface FieldTestIR {
  field: string;
  path: string[];
  /** `|all`: every value must match; otherwise any. */
  all: boolean;
  tests: ValueTestIR[];
}

/** A search identifier: a map (every field matches) or a list of maps (any map matches). */
export type SearchIR = { maps: FieldTestIR[][] };

export type ConditionIR =
  | { op: 'and' | 'or'; args: ConditionIR[] }
  | { op: 'not'; arg: ConditionIR }
  | { op: 'ref'; name: string }
  | { op: 'of'; quantifier: 'all' | 'any'; names: string[] };

/** What a rule needs from `eventSource` / `eventName` to possibly match: for the rule index and EventBridge patterns. */
export type ConstraintIR = { kind: 'any' } | { kind: 'values'; exact: string[]; prefixes: string[] };

export interface RuleMetaIR {
  /** Stable kebab-case name: the rule id in findings, suppressions and correlations. */
  name: string;
  /** Sigma `id` (UUID). */
  id: string;
  title: string;
  description: string;
  level: SeverityLabel;
  tags: string[];
  tactics: string[];
  techniques: string[];
  pack: string;
  file: string;
  resourceClass?: ResourceClass;
}

export interface DetectionRuleIR extends RuleMetaIR {
  kind: 'detection';
  searches: Record<string, SearchIR>;
  condition: ConditionIR;
  eventSource: ConstraintIR;
  eventName: ConstraintIR;
  /** Matches only feed correlations (Sigma `generate: false` on the correlation, the default). */
  correlationOnly: boolean;
  /** Needs read-only management events (Get*, List*, Describe* ...): its EventBridge rule must receive them. */
  readOnlyEvents: boolean;
}

export type CorrelationConditionIR = { field?: string; gt?: number; gte?: number; lt?: number; lte?: number; eq?: number };

export interface CorrelationRuleIR extends RuleMetaIR {
  kind: 'correlation';
  type: 'event_count' | 'value_count' | 'temporal';
  rules: string[];
  groupBy: string[];
  timespanSeconds: number;
  condition: CorrelationConditionIR;
  /**
   * Firebreak extension (event_count): also fire when a group is far above its peers, i.e. at least `floor` events and
   * `factor` times the mean of the other active groups, given at least `minPeers` of them. The absolute condition still
   * applies on its own.
   */
  peers?: { factor: number; minPeers: number; floor: number };
}

export type RuleIR = DetectionRuleIR | CorrelationRuleIR;

export interface RulePackIR {
  /** Compiler version: a stale generated pack is detected by the test that recompiles. */
  formatVersion: number;
  rules: RuleIR[];
  /** Files that did not load (optional packs), with the reason. */
  skipped: { file: string; reason: string }[];
}

export const RULE_PACK_FORMAT_VERSION = 1;
