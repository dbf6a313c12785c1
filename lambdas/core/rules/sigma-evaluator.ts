import { compileCidr } from './cidr-match.js';
import { containsIgnoringCase, endsWithIgnoringCase, equalsIgnoringCase, startsWithIgnoringCase, type TextTest } from './case-insensitive-text.js';
import type { ConditionIR, CorrelationRuleIR, DetectionRuleIR, FieldTestIR, RuleIR, SearchIR, ValueTestIR } from './sigma-ir.js';

export type EventRecord = Record<string, unknown>;
type Predicate = (event: EventRecord) => boolean;
/**
 * The value(s) at a field: undefined when absent, a flat array when several (arrays fan out), else the value itself.
 * Not always an array: wrapping every single value in one, for every field test of every event, was measurable.
 */
type Getter = (event: EventRecord) => unknown;

/** Values at a dotted path; arrays anywhere along the path (and at the leaf) fan out, as Sigma expects for JSON logs. */
function compileGetter(path: readonly string[]): Getter {
  const collect = (value: unknown, depth: number, out: unknown[]): void => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, depth, out);
      return;
    }
    if (depth === path.length) {
      out.push(value);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const child = (value as Record<string, unknown>)[path[depth]!];
    if (child !== undefined) collect(child, depth + 1, out);
  };
  if (path.length === 1) {
    const key = path[0]!;
    return (event) => {
      const v = event[key];
      return Array.isArray(v) ? v.flat(Infinity) : v;
    };
  }
  if (path.length === 2) {
    // The common nested case (userIdentity.type, requestParameters.policyArn ...), without the loop.
    const [outer, inner] = path as [string, string];
    return (event) => {
      const parent = event[outer];
      if (typeof parent !== 'object' || parent === null) return undefined;
      if (Array.isArray(parent)) {
        const out: unknown[] = [];
        collect(parent, 1, out);
        return out;
      }
      const v = (parent as Record<string, unknown>)[inner];
      return Array.isArray(v) ? v.flat(Infinity) : v;
    };
  }
  return (event) => {
    let value: unknown = event;
    for (let depth = 0; depth < path.length; depth++) {
      if (Array.isArray(value)) {
        const out: unknown[] = [];
        collect(value, depth, out);
        return out;
      }
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[path[depth]!];
      if (value === undefined) return undefined;
    }
    return Array.isArray(value) ? value.flat(Infinity) : value;
  };
}

/** Does any of the value(s) satisfy the test? (Tests are built once per rule: a closure per call would allocate.) */
function anyValue(value: unknown, test: (v: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return value !== undefined && test(value);
  for (const v of value) if (test(v)) return true;
  return false;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).toLowerCase();
  return undefined;
}

type ValuesTest = (value: unknown, event: EventRecord) => boolean;

/** Case-insensitive text test over the value(s): strings as they are, numbers and booleans as their text. */
function onText(check: TextTest): ValuesTest {
  const one = (v: unknown): boolean =>
    typeof v === 'string' ? check(v) : (typeof v === 'number' || typeof v === 'boolean') && check(String(v));
  return (value) => {
    if (typeof value === 'string') return check(value);
    return anyValue(value, one);
  };
}

function compileValueTest(test: ValueTestIR): ValuesTest {
  switch (test.op) {
    case 'eq':
      return onText(equalsIgnoringCase(test.value));
    case 'contains':
      return onText(containsIgnoringCase(test.value));
    case 'startswith':
      return onText(startsWithIgnoringCase(test.value));
    case 'endswith':
      return onText(endsWithIgnoringCase(test.value));
    case 'glob': {
      const regex = new RegExp(test.regex, 's');
      return onText((s) => regex.test(s.toLowerCase()));
    }
    case 're': {
      const regex = new RegExp(test.regex, test.flags);
      // Regexes see the original case (Sigma `re` is case-sensitive unless `|i`).
      const matches = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? regex.test(String(v)) : false);
      return (value) => anyValue(value, matches);
    }
    case 'cidr': {
      const inRange = compileCidr(test.cidr);
      const inside = (v: unknown) => typeof v === 'string' && inRange(v);
      return (value) => anyValue(value, inside);
    }
    case 'null':
      return (value) =>
        value === undefined || value === null || value === '' || (Array.isArray(value) && value.every((v) => v === null || v === ''));
    case 'exists':
      const present = (v: unknown) => v !== undefined && v !== null;
      return (value) => anyValue(value, present) === test.value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const bound = test.value;
      const cmp =
        test.op === 'gt' ? (n: number) => n > bound : test.op === 'gte' ? (n: number) => n >= bound : test.op === 'lt' ? (n: number) => n < bound : (n: number) => n <= bound;
      const compares = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')) && cmp(Number(v));
      return (value) => anyValue(value, compares);
    }
    case 'fieldref': {
      const other = compileGetter(test.path);
      const mode = test.mode;
      const relate = (s: string, ref: string) =>
        mode === 'eq' ? s === ref : mode === 'contains' ? s.includes(ref) : mode === 'startswith' ? s.startsWith(ref) : s.endsWith(ref);
      return (value, event) => {
        const found = other(event);
        const refs = (Array.isArray(found) ? found : found === undefined ? [] : [found]).map(text).filter((s): s is string => s !== undefined && s.length > 0);
        if (refs.length === 0) return false;
        return anyValue(value, (v) => {
          const s = text(v);
          return s !== undefined && refs.some((ref) => relate(s, ref));
        });
      };
    }
  }
}

function compileFieldTest(field: FieldTestIR): Predicate {
  const get = compileGetter(field.path);
  const tests = field.tests.map(compileValueTest);
  if (tests.length === 1) {
    const only = tests[0]!;
    return (event) => only(get(event), event);
  }
  return field.all
    ? (event) => {
        const value = get(event);
        for (const t of tests) if (!t(value, event)) return false;
        return true;
      }
    : (event) => {
        const value = get(event);
        for (const t of tests) if (t(value, event)) return true;
        return false;
      };
}

/**
 * Conjunction and disjunction of predicates as plain loops: `args.every((a) => a(event))` would allocate a closure for
 * every call, i.e. for every rule test of every event.
 */
function every(predicates: readonly Predicate[]): Predicate {
  return (event) => {
    for (const predicate of predicates) if (!predicate(event)) return false;
    return true;
  };
}

function some(predicates: readonly Predicate[]): Predicate {
  return (event) => {
    for (const predicate of predicates) if (predicate(event)) return true;
    return false;
  };
}

function compileSearch(search: SearchIR): Predicate {
  const maps = search.maps.map((map) => {
    const fields = map.map(compileFieldTest);
    return fields.length === 1 ? fields[0]! : every(fields);
  });
  return maps.length === 1 ? maps[0]! : some(maps);
}

function compileCondition(condition: ConditionIR, searches: Record<string, Predicate>): Predicate {
  switch (condition.op) {
    case 'ref':
      return searches[condition.name]!;
    case 'not': {
      const inner = compileCondition(condition.arg, searches);
      return (event) => !inner(event);
    }
    case 'and':
      return every(condition.args.map((a) => compileCondition(a, searches)));
    case 'or':
      return some(condition.args.map((a) => compileCondition(a, searches)));
    case 'of': {
      const args = condition.names.map((n) => searches[n]!);
      return condition.quantifier === 'all' ? every(args) : some(args);
    }
  }
}

export function compileDetectionRule(rule: DetectionRuleIR): Predicate {
  const searches: Record<string, Predicate> = {};
  for (const [name, search] of Object.entries(rule.searches)) searches[name] = compileSearch(search);
  return compileCondition(rule.condition, searches);
}

const NO_RULES: readonly DetectionRuleIR[] = Object.freeze([]);
const NO_ENTRIES: readonly IndexedRule[] = Object.freeze([]);

interface IndexedRule {
  rule: DetectionRuleIR;
  matches: Predicate;
}

/**
 * Rules indexed by eventName (and eventSource when a rule has no eventName constraint), so an event is tested only
 * against the few rules that could match it. The index is derived from each rule's compiled constraint, which is sound:
 * a rule is never skipped for an event it would match.
 */
export class RuleEngine {
  readonly detectionRules: readonly DetectionRuleIR[];
  readonly correlationRules: readonly CorrelationRuleIR[];
  /** Detection rule name → correlations that consume its matches. */
  readonly correlationsByRule: ReadonlyMap<string, readonly CorrelationRuleIR[]>;
  private readonly byName = new Map<string, IndexedRule[]>();
  /** Name-prefix rules, by the prefix's first character (an empty prefix under ''): a name is tried against few. */
  private readonly byPrefix = new Map<string, { prefix: string; entry: IndexedRule }[]>();
  private readonly bySource = new Map<string, IndexedRule[]>();
  private readonly always: IndexedRule[] = [];

  constructor(rules: readonly RuleIR[]) {
    this.detectionRules = rules.filter((r): r is DetectionRuleIR => r.kind === 'detection');
    this.correlationRules = rules.filter((r): r is CorrelationRuleIR => r.kind === 'correlation');
    const byRule = new Map<string, CorrelationRuleIR[]>();
    for (const correlation of this.correlationRules) {
      for (const ref of correlation.rules) byRule.set(ref, [...(byRule.get(ref) ?? []), correlation]);
    }
    this.correlationsByRule = byRule;
    const push = (map: Map<string, IndexedRule[]>, key: string, entry: IndexedRule) => {
      const list = map.get(key);
      if (list) list.push(entry);
      else map.set(key, [entry]);
    };
    for (const rule of this.detectionRules) {
      const entry = { rule, matches: compileDetectionRule(rule) };
      if (rule.eventName.kind === 'values') {
        for (const name of new Set(rule.eventName.exact.map((n) => n.toLowerCase()))) push(this.byName, name, entry);
        for (const prefix of rule.eventName.prefixes) {
          const lower = prefix.toLowerCase();
          const first = lower.charAt(0);
          const list = this.byPrefix.get(first);
          if (list) list.push({ prefix: lower, entry });
          else this.byPrefix.set(first, [{ prefix: lower, entry }]);
        }
      } else if (rule.eventSource.kind === 'values' && rule.eventSource.prefixes.length === 0) {
        for (const source of new Set(rule.eventSource.exact.map((s) => s.toLowerCase()))) push(this.bySource, source, entry);
      } else {
        this.always.push(entry);
      }
    }
  }

  /**
   * Event name as recorded → the rules whose eventName constraint admits it (exact names, then prefixes; each rule
   * once). API names are a finite vocabulary, so after the first event of a name, finding its candidates is one map
   * lookup: no lowercasing, no prefix scan.
   */
  private readonly candidatesByName = new Map<string, readonly IndexedRule[]>();
  private static readonly MAX_CACHED_NAMES = 20_000;

  private candidatesFor(name: string): readonly IndexedRule[] {
    const lower = name.toLowerCase();
    const candidates: IndexedRule[] = [...(this.byName.get(lower) ?? [])];
    const prefixed = [...(this.byPrefix.get(lower.charAt(0)) ?? []), ...(lower === '' ? [] : (this.byPrefix.get('') ?? []))];
    for (const { prefix, entry } of prefixed) {
      // A rule indexed under several keys (two prefixes, a name and a prefix) that the name satisfies is listed once.
      if (lower.startsWith(prefix) && !candidates.includes(entry)) candidates.push(entry);
    }
    return candidates;
  }

  /** Detection rules whose condition matches the CloudTrail record, each once. */
  match(record: EventRecord): readonly DetectionRuleIR[] {
    const name = typeof record.eventName === 'string' ? record.eventName : '';
    let candidates = this.candidatesByName.get(name);
    if (!candidates) {
      candidates = this.candidatesFor(name);
      // Names beyond the cap (a flood of made-up names) are still matched, just not remembered.
      if (this.candidatesByName.size < RuleEngine.MAX_CACHED_NAMES) this.candidatesByName.set(name, candidates);
    }
    // The three groups are disjoint: a rule is indexed by name, else by source, else always tested.
    let out = RuleEngine.collect(candidates, record, undefined);
    if (this.bySource.size > 0) {
      const source = typeof record.eventSource === 'string' ? record.eventSource.toLowerCase() : '';
      out = RuleEngine.collect(this.bySource.get(source) ?? NO_ENTRIES, record, out);
    }
    out = RuleEngine.collect(this.always, record, out);
    return out ?? NO_RULES;
  }

  /**
   * Appends the matching rules. The list is allocated only when something matches (most records match nothing), and
   * as a one-element literal: a push into `[]` reserves room for 17.
   */
  private static collect(entries: readonly IndexedRule[], record: EventRecord, out: DetectionRuleIR[] | undefined): DetectionRuleIR[] | undefined {
    for (const entry of entries) {
      if (!entry.matches(record)) continue;
      if (out) out.push(entry.rule);
      else out = [entry.rule];
    }
    return out;
  }
}
