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

/**
 * Disjointness. EventBridge invokes a target once per matching rule, so an event two patterns match costs two detect
 * invocations and counts twice in event_count correlation windows (the window store adds one per delivery). The patterns
 * are therefore built as a partition: every event is selected by at most one pattern, whatever its read-only flag (a rule
 * in the read-only state also receives write events, so a read-only and a write pattern must not overlap either). The
 * event space is cut in this order, each cut expressible with exact, prefix, anything-but (string list) and exists:
 *
 * 1. Field regions: rules narrowed only by another field (userIdentity.type = Root ...) own the events with that value
 *    whole; every other pattern excludes them (`anything-but` the values, or the field absent: a `$or` per parent object).
 *    Read-only field regions come first, so a write field region never has to carry read-only needs of another field.
 * 2. Sources: each eventSource a rule names gets its own cell (absorbing the source-less name matchers, e.g. the
 *    Create/Delete/Put... prefixes of rules/mutating-api-call.yml), and one catch-all takes every other source with
 *    `eventSource: anything-but [the sources with cells]`. Cells of one state may share a pattern (a union name list: a
 *    name of one service may let through the same-named call of another service in that pattern, an extra invocation,
 *    never a missed event or a second one).
 * 3. State: names a read-only rule needs that look read-only (Get*, List*, Describe* ..., the compiler's test) go to
 *    read-only patterns, every other name to write patterns (CreateAccessKey of a read-only recon rule is a write event),
 *    and a write name that could overlap a read-only one moves to the read-only side, so the two name sets are disjoint.
 *    A source whose rules take every name is split by `eventName: anything-but [its read-only names]` when those are all
 *    exact; otherwise the whole source goes read-only (sound, only dearer).
 *
 * Why content-disjoint rather than split on `detail.readOnly`: which calls EventBridge withholds from ENABLED rules is its
 * own classification (its guide lists read-only calls not named Get/List/Describe that ENABLED rules already receive, and
 * STS GetFederationToken/GetSessionToken as change events), and some records carry no readOnly field. Patterns that never
 * overlap deliver an event at most once whatever that classification says. Why no `wildcard` or `anything-but` prefix
 * lists: the exact-value `anything-but` list, one-prefix forms and `$or` are the long-documented operators, and they are
 * enough; an AND of two conditions on one field (not this prefix, not that name) cannot be written, which is why
 * overlapping names move to one side instead of being subtracted.
 *
 * Soundness (each event some active rule could match is selected by one pattern in a state that receives it) and
 * disjointness are tested over the CloudTrail corpus and synthetic events (test/unit/rules/eventbridge-patterns.test.ts).
 */

/** EventBridge expands each `$or` into combinations and caps their number; exclusions double it each, so few are allowed. */
export const MAX_OR_COMBINATIONS = 64;

type NameMatcher = string | { prefix: string };

/** Verbs of read-only calls: sigma-compiler's READ_ONLY_NAME (which decides a rule's readOnlyEvents), as a list. */
export const READ_ONLY_VERBS = ['Get', 'List', 'Describe', 'Head', 'Lookup', 'Search', 'BatchGet', 'Decrypt', 'Select', 'Scan', 'Query', 'Download'];

/** One eventName matcher a rule needs, for one source (undefined: any source). */
interface NameNeed {
  source: string | undefined;
  name: NameMatcher;
  readOnly: boolean;
  rule: string;
}

/** A rule that takes every event name of a source (undefined: of every source). */
interface AllNamesNeed {
  source: string | undefined;
  readOnly: boolean;
  rule: string;
}

/** A rule narrowed by neither eventSource nor eventName but by exact values of another field. */
interface FieldNeed {
  path: string;
  values: string[];
  readOnly: boolean;
  rule: string;
}

/** A slice of the event space: the conditions every pattern built in it carries. */
interface Region {
  include?: { path: string; values: string[] };
  /** Field path → values the region's events do not have (or the field is absent). */
  exclude: Map<string, string[]>;
}

/** One pattern before rendering: a set of sources × a set of names, in one rule state. */
interface Piece {
  /** undefined: any source. */
  sources?: { only: string[] } | { except: string[] };
  /** undefined: any name. */
  names?: NameMatcher[] | { except: string[] };
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

function looksReadOnly(name: NameMatcher): boolean {
  if (typeof name === 'string') return READ_ONLY_VERBS.some((verb) => name.startsWith(verb));
  return READ_ONLY_VERBS.some((verb) => verb.startsWith(name.prefix) || name.prefix.startsWith(verb));
}

/** Whether two matchers can select the same name. */
function overlaps(a: NameMatcher, b: NameMatcher): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'string') return a.startsWith((b as { prefix: string }).prefix);
  if (typeof b === 'string') return b.startsWith(a.prefix);
  return a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
}

/**
 * The same names as an antichain: exact names under a listed prefix and prefixes under a shorter one are dropped, so no
 * two entries overlap and any split of the list selects disjoint name sets.
 */
function simplify(names: readonly NameMatcher[]): NameMatcher[] {
  const prefixes = [...new Set(names.filter((n): n is { prefix: string } => typeof n !== 'string').map((n) => n.prefix))]
    .sort((a, b) => a.length - b.length || a.localeCompare(b))
    .filter((p, i, all) => !all.slice(0, i).some((shorter) => p.startsWith(shorter)));
  const exact = [...new Set(names.filter((n): n is string => typeof n === 'string'))].filter((n) => !prefixes.some((p) => n.startsWith(p)));
  return [...exact.sort(), ...prefixes.sort().map((prefix) => ({ prefix }))];
}

/** For a rule constrained by neither eventSource nor eventName: the first other field with exact values. */
function fallbackDetail(rule: DetectionRuleIR): { path: string; values: string[] } | undefined {
  const fields = new Set(Object.values(rule.searches).flatMap((s) => s.maps.flatMap((m) => m.map((t) => t.field))));
  for (const field of fields) {
    const constraint = constraintOf(rule.condition, rule.searches, field);
    if (constraint.kind === 'values' && constraint.prefixes.length === 0 && constraint.exact.length > 0) {
      return { path: field, values: constraint.exact };
    }
  }
  return undefined;
}

/** Sets `value` at a dotted path inside `root`, creating the objects on the way. */
function put(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Cartesian product of alternatives: one branch object per combination. */
function product(choices: Record<string, unknown>[][]): Record<string, unknown>[] {
  return choices.reduce<Record<string, unknown>[]>((acc, options) => acc.flatMap((branch) => options.map((o) => ({ ...branch, ...o }))), [{}]);
}

function excludedFields(region: Region, piece: Piece): Map<string, string[]> {
  const out = new Map(region.exclude);
  if (piece.sources && 'except' in piece.sources) out.set('eventSource', [...new Set(piece.sources.except)].sort());
  return out;
}

function orCombinations(region: Region, piece: Piece): number {
  return 2 ** excludedFields(region, piece).size;
}

function render(region: Region, piece: Piece): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  const only = piece.sources && 'only' in piece.sources ? [...new Set(piece.sources.only)].sort() : undefined;
  if (only) detail.eventSource = only;
  if (Array.isArray(piece.names)) detail.eventName = piece.names;
  else if (piece.names) detail.eventName = [{ 'anything-but': piece.names.except }];
  if (region.include) put(detail, region.include.path.split('.'), region.include.values);
  // ¬(field ∈ values) is "anything-but the values, or absent": a `$or` under the field's parent object. Fields sharing
  // a parent share its one `$or` key, as the product of their alternatives.
  const byParent = new Map<string, [string, string[]][]>();
  // The catch-all's "every other source" is an exclusion too: a record without eventSource (none from CloudTrail, some
  // test records) still reaches the source-less rules through it.
  for (const [path, values] of excludedFields(region, piece)) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).join('.');
    byParent.set(parent, [...(byParent.get(parent) ?? []), [keys[keys.length - 1]!, values]]);
  }
  for (const [parent, leaves] of byParent) {
    const branches = product(leaves.map(([leaf, values]) => [{ [leaf]: [{ 'anything-but': values }] }, { [leaf]: [{ exists: false }] }]));
    put(detail, [...(parent ? parent.split('.') : []), '$or'], branches);
  }
  const signIn = only?.includes('signin.amazonaws.com');
  const apiCalls = only ? only.some((s) => s !== 'signin.amazonaws.com') : true;
  return {
    ...(only ? { source: [...new Set(only.map(sourceOf))].sort() } : {}),
    'detail-type': [...(apiCalls ? [API_CALL_DETAIL_TYPE] : []), ...(signIn || !only ? [SIGN_IN_DETAIL_TYPE] : [])],
    ...(Object.keys(detail).length > 0 ? { detail } : {}),
  };
}

function fits(region: Region, piece: Piece): boolean {
  return JSON.stringify(render(region, piece)).length <= MAX_PATTERN_LENGTH;
}

/** Splits a piece over the length limit along its name list (an antichain: halves stay disjoint) or its source list. */
function fit(region: Region, piece: Piece): Piece[] {
  if (orCombinations(region, piece) > MAX_OR_COMBINATIONS) {
    const fields = [...excludedFields(region, piece).keys()].join(', ');
    throw new Error(`a CloudTrail pattern would exclude the fields ${fields}: over ${MAX_OR_COMBINATIONS} $or combinations`);
  }
  if (fits(region, piece)) return [piece];
  if (Array.isArray(piece.names) && piece.names.length > 1) {
    const half = Math.ceil(piece.names.length / 2);
    return [piece.names.slice(0, half), piece.names.slice(half)].flatMap((names) => fit(region, { ...piece, names }));
  }
  if (piece.sources && 'only' in piece.sources && piece.sources.only.length > 1) {
    const only = piece.sources.only;
    const half = Math.ceil(only.length / 2);
    return [only.slice(0, half), only.slice(half)].flatMap((part) => fit(region, { ...piece, sources: { only: part } }));
  }
  throw new Error(`a CloudTrail pattern cannot be split under ${MAX_PATTERN_LENGTH} characters: ${JSON.stringify(render(region, piece)).slice(0, 200)}…`);
}

function fitted(region: Region, pieces: readonly Piece[]): Piece[] {
  return pieces.flatMap((piece) => fit(region, piece));
}

/** Per-source cells of one state packed into as few patterns as fit (sources disjoint between patterns). */
function packCells(region: Region, cells: { source: string; names: NameMatcher[]; rules: Set<string> }[], readOnly: boolean): Piece[] {
  const out: Piece[] = [];
  let current: typeof cells = [];
  const merged = (group: typeof cells): Piece => ({
    sources: { only: group.map((c) => c.source) },
    names: simplify(group.flatMap((c) => c.names)),
    readOnly,
    rules: new Set(group.flatMap((c) => [...c.rules])),
  });
  for (const cell of cells) {
    if (current.length > 0 && fits(region, merged([...current, cell]))) {
      current.push(cell);
      continue;
    }
    if (current.length > 0) out.push(merged(current));
    current = [cell];
    if (!fits(region, merged(current))) {
      out.push(...fit(region, merged(current)));
      current = [];
    }
  }
  if (current.length > 0) out.push(merged(current));
  return out;
}

/** The pieces of one region: disjoint, covering every need that applies in it (see the module comment). */
function partitionRegion(region: Region, nameNeeds: readonly NameNeed[], allNames: readonly AllNamesNeed[]): Piece[] {
  const rulesOf = (needs: readonly { rule: string }[]) => new Set(needs.map((n) => n.rule));
  const anyAll = allNames.filter((a) => a.source === undefined);
  if (anyAll.some((a) => a.readOnly)) {
    return [{ readOnly: true, rules: rulesOf([...nameNeeds, ...allNames]) }];
  }
  const pieces: Piece[] = [];
  const roAllSources = [...new Set(allNames.filter((a) => a.readOnly).map((a) => a.source!))].sort();
  if (roAllSources.length > 0) {
    pieces.push({ sources: { only: roAllSources }, readOnly: true, rules: rulesOf(allNames.filter((a) => a.readOnly)) });
  }
  const readOnlyNeeds = nameNeeds.filter((n) => n.readOnly);
  /** A source (or, with `except`, every other source) whose rules take every name: its read-only names carved out. */
  const everyName = (sources: Piece['sources'], ro: NameNeed[], rules: Set<string>) => {
    const names = simplify(ro.map((n) => n.name));
    const withRo = new Set([...rules, ...ro.map((n) => n.rule)]);
    if (names.length === 0) return [{ sources, readOnly: false, rules }];
    if (names.every((n): n is string => typeof n === 'string')) {
      const split: Piece[] = [
        { sources, names, readOnly: true, rules: rulesOf(ro) },
        { sources, names: { except: names }, readOnly: false, rules },
      ];
      if (split.every((p) => fits(region, p))) return split;
    }
    return [{ sources, readOnly: true, rules: withRo }];
  };
  if (anyAll.length > 0) {
    const rest = roAllSources.length > 0 ? { except: roAllSources } : undefined;
    pieces.push(...everyName(rest, readOnlyNeeds, rulesOf(anyAll)));
    return fitted(region, pieces);
  }
  const rwAllSources = [...new Set(allNames.filter((a) => !a.readOnly && !roAllSources.includes(a.source!)).map((a) => a.source!))].sort();
  // Sources with the same read-only carve-out share a pattern.
  const carveOuts = new Map<string, string[]>();
  for (const source of rwAllSources) {
    const key = JSON.stringify(simplify(readOnlyNeeds.filter((n) => n.source === source || n.source === undefined).map((n) => n.name)));
    carveOuts.set(key, [...(carveOuts.get(key) ?? []), source]);
  }
  for (const sources of carveOuts.values()) {
    const ro = readOnlyNeeds.filter((n) => n.source === undefined || sources.includes(n.source));
    pieces.push(...everyName({ only: sources }, ro, rulesOf(allNames.filter((a) => sources.includes(a.source!)))));
  }
  const everyNameSources = [...roAllSources, ...rwAllSources];
  // Names of the other sources: a write name that could select a read-only name moves to the read-only side (until
  // none does), so the two sides select disjoint names and their patterns cannot overlap whatever their sources.
  const named = nameNeeds.filter((n) => n.source === undefined || !everyNameSources.includes(n.source)).map((n) => ({ ...n }));
  for (let moved = true; moved; ) {
    moved = false;
    const ro = named.filter((n) => n.readOnly);
    for (const need of named) {
      if (!need.readOnly && ro.some((r) => overlaps(need.name, r.name))) {
        need.readOnly = true;
        moved = true;
      }
    }
  }
  for (const readOnly of [false, true]) {
    const side = named.filter((n) => n.readOnly === readOnly);
    const anySource = side.filter((n) => n.source === undefined);
    const sources = [...new Set(side.filter((n) => n.source !== undefined).map((n) => n.source!))].sort();
    const cells = sources.map((source) => {
      const own = side.filter((n) => n.source === source);
      return { source, names: [...own, ...anySource].map((n) => n.name), rules: rulesOf([...own, ...anySource]) };
    });
    pieces.push(...packCells(region, cells, readOnly));
    if (anySource.length > 0) {
      const excluded = [...sources, ...everyNameSources];
      pieces.push(
        ...fit(region, {
          ...(excluded.length > 0 ? { sources: { except: excluded } } : {}),
          names: simplify(anySource.map((n) => n.name)),
          readOnly,
          rules: rulesOf(anySource),
        }),
      );
    }
  }
  return fitted(region, pieces);
}

export interface PatternSet {
  patterns: GeneratedPattern[];
  /** Rules no pattern can narrow (neither eventSource, eventName nor another exact field): they need every event. */
  unfiltered: string[];
}

/** Patterns for the detection rules of the active packs (correlation rules ride on the detection rules they reference). */
export function generateCloudTrailPatterns(rules: readonly RuleIR[]): PatternSet {
  const nameNeeds: NameNeed[] = [];
  const allNames: AllNamesNeed[] = [];
  const fieldNeeds: FieldNeed[] = [];
  const unfiltered: string[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'detection') continue;
    const names = namesOf(rule.eventName);
    const sources = rule.eventSource.kind === 'values' && rule.eventSource.prefixes.length === 0 ? rule.eventSource.exact : [undefined];
    if (names) {
      // A read-only rule's write names (CreateAccessKey beside ListUsers) are write events: they ride in write patterns.
      // A rule flagged read-only without any read-only-looking name (an explicit flag) keeps all its names read-only.
      const explicit = !names.some(looksReadOnly);
      for (const source of sources) {
        for (const name of names) nameNeeds.push({ source, name, readOnly: rule.readOnlyEvents && (explicit || looksReadOnly(name)), rule: rule.name });
      }
    } else if (sources[0] !== undefined) {
      for (const source of sources) allNames.push({ source, readOnly: rule.readOnlyEvents, rule: rule.name });
    } else {
      const field = fallbackDetail(rule);
      if (field) fieldNeeds.push({ ...field, readOnly: rule.readOnlyEvents, rule: rule.name });
      else {
        unfiltered.push(rule.name);
        allNames.push({ source: undefined, readOnly: rule.readOnlyEvents, rule: rule.name });
      }
    }
  }

  // Field regions, read-only first. A field need that an unfiltered rule already covers in its state adds nothing.
  const unfilteredState = allNames.filter((a) => a.source === undefined);
  const entries: { path: string; values: string[]; readOnly: boolean; rules: Set<string> }[] = [];
  for (const readOnly of [true, false]) {
    if (unfilteredState.some((a) => a.readOnly || !readOnly)) continue;
    const byPath = new Map<string, FieldNeed[]>();
    for (const need of fieldNeeds.filter((f) => f.readOnly === readOnly)) byPath.set(need.path, [...(byPath.get(need.path) ?? []), need]);
    for (const [path, needs] of [...byPath].sort(([a], [b]) => a.localeCompare(b))) {
      const taken = new Set(entries.filter((e) => e.path === path).flatMap((e) => e.values));
      const values = [...new Set(needs.flatMap((n) => n.values))].filter((v) => !taken.has(v)).sort();
      if (values.length > 0) entries.push({ path, values, readOnly, rules: new Set(needs.map((n) => n.rule)) });
    }
  }
  const exclusion = (upTo: number) => {
    const out = new Map<string, string[]>();
    for (const entry of entries.slice(0, upTo)) out.set(entry.path, [...(out.get(entry.path) ?? []), ...entry.values].sort());
    return out;
  };

  const regions: { region: Region; pieces: Piece[] }[] = [];
  entries.forEach((entry, i) => {
    const exclude = exclusion(i);
    exclude.delete(entry.path); // same field, other values: disjoint already
    const region: Region = { include: { path: entry.path, values: entry.values }, exclude };
    const pieces = entry.readOnly
      ? [{ readOnly: true, rules: entry.rules }]
      : partitionRegion(region, nameNeeds, [...allNames, ...[...entry.rules].map((rule) => ({ source: undefined, readOnly: false, rule }))]);
    regions.push({ region, pieces });
  });
  const rest: Region = { exclude: exclusion(entries.length) };
  // The rest first: construct names keep their meaning from before the partition (CloudTrailWrite1 the per-source rules,
  // then the source-less names, then root activity), so a deploy updates those rules' patterns instead of replacing them.
  regions.unshift({ region: rest, pieces: partitionRegion(rest, nameNeeds, allNames) });

  const patterns: GeneratedPattern[] = [];
  for (const { region, pieces } of regions) {
    for (const piece of fitted(region, pieces)) {
      const pattern = render(region, piece);
      const only = piece.sources && 'only' in piece.sources ? piece.sources.only : [];
      patterns.push({
        pattern,
        json: JSON.stringify(pattern),
        readOnlyEvents: piece.readOnly,
        globalServices: only.some((s) => GLOBAL_EVENT_SOURCES.has(s)),
        rules: [...piece.rules].sort(),
      });
    }
  }
  // Write patterns first: stable construct names (CloudTrailWrite1 ...) whatever the read-only ones do.
  return { patterns: [...patterns.filter((p) => !p.readOnlyEvents), ...patterns.filter((p) => p.readOnlyEvents)], unfiltered };
}

/** One EventBridge rule's worth of CloudTrail pattern, named for a construct id. */
export interface NamedCloudTrailPattern extends GeneratedPattern {
  /** PascalCase, stable for a given rule set: `CloudTrailWrite1`, `CloudTrailReadOnly1` ... */
  name: string;
  /** Alias of readOnlyEvents, the shape lib/ingestion.ts's CloudTrailPattern uses. */
  readOnly: boolean;
  /** On a pattern with no content filter: the rules that make it receive every CloudTrail management event. */
  unfilteredRules?: string[];
}

/** Named patterns for the given rules (infra: `cloudTrailPatternsFor(activeRules())`). */
export function cloudTrailPatternsFor(rules: readonly RuleIR[]): NamedCloudTrailPattern[] {
  const counters = { write: 0, read: 0 };
  const { patterns, unfiltered } = generateCloudTrailPatterns(rules);
  return patterns.map((p) => {
    const kind = p.readOnlyEvents ? 'read' : 'write';
    counters[kind] += 1;
    const catchAll = unfiltered.length > 0 && p.pattern.detail === undefined;
    return {
      ...p,
      name: `CloudTrail${p.readOnlyEvents ? 'ReadOnly' : 'Write'}${counters[kind]}`,
      readOnly: p.readOnlyEvents,
      ...(catchAll ? { unfilteredRules: [...unfiltered] } : {}),
    };
  });
}
