import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCloudTrailCorpus } from '../../../bench/cloudtrail-corpus.js';
import { compileCidr } from '../../../lambdas/core/rules/cidr-match.js';
import { activeRules } from '../../../lambdas/core/rules/rule-pack.js';
import { RuleEngine, type EventRecord } from '../../../lambdas/core/rules/sigma-evaluator.js';
import type { ConditionIR, DetectionRuleIR, FieldTestIR, SearchIR, ValueTestIR } from '../../../lambdas/core/rules/sigma-ir.js';

/*
 * The rule engine is written for speed (a name index, candidate caching, comparisons without lowercased copies, getters
 * that avoid arrays). This is the plain reading of the same compiled rules: every rule tested against every record, every
 * value lowercased, every field read as a list. The two must agree on every record.
 */

function valuesAt(value: unknown, path: readonly string[], depth = 0): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path, depth));
  if (depth === path.length) return [value];
  if (typeof value !== 'object' || value === null) return [];
  const child = (value as Record<string, unknown>)[path[depth]!];
  return child === undefined ? [] : valuesAt(child, path, depth + 1);
}

function lowered(value: unknown): string | undefined {
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).toLowerCase();
  return undefined;
}

function valueTest(test: ValueTestIR, values: unknown[], event: EventRecord): boolean {
  const texts = values.map(lowered).filter((s): s is string => s !== undefined);
  switch (test.op) {
    case 'eq':
      return texts.some((s) => s === test.value);
    case 'contains':
      return texts.some((s) => s.includes(test.value));
    case 'startswith':
      return texts.some((s) => s.startsWith(test.value));
    case 'endswith':
      return texts.some((s) => s.endsWith(test.value));
    case 'glob':
      return texts.some((s) => new RegExp(test.regex, 's').test(s));
    case 're':
      return values.some((v) => (typeof v === 'string' || typeof v === 'number') && new RegExp(test.regex, test.flags).test(String(v)));
    case 'cidr':
      return values.some((v) => typeof v === 'string' && compileCidr(test.cidr)(v));
    case 'null':
      return values.every((v) => v === null || v === '');
    case 'exists':
      return values.some((v) => v !== undefined && v !== null) === test.value;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const numbers = values.filter((v) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '')).map(Number);
      const bound = test.value;
      return numbers.some((n) => (test.op === 'gt' ? n > bound : test.op === 'gte' ? n >= bound : test.op === 'lt' ? n < bound : n <= bound));
    }
    case 'fieldref': {
      const refs = valuesAt(event, test.path).map(lowered).filter((s): s is string => s !== undefined && s.length > 0);
      const relate = (s: string, ref: string) =>
        test.mode === 'eq' ? s === ref : test.mode === 'contains' ? s.includes(ref) : test.mode === 'startswith' ? s.startsWith(ref) : s.endsWith(ref);
      return texts.some((s) => refs.some((ref) => relate(s, ref)));
    }
  }
}

function fieldTest(field: FieldTestIR, event: EventRecord): boolean {
  const values = valuesAt(event, field.path);
  return field.all ? field.tests.every((t) => valueTest(t, values, event)) : field.tests.some((t) => valueTest(t, values, event));
}

function search(s: SearchIR, event: EventRecord): boolean {
  return s.maps.some((map) => map.every((field) => fieldTest(field, event)));
}

function condition(c: ConditionIR, rule: DetectionRuleIR, event: EventRecord): boolean {
  switch (c.op) {
    case 'ref':
      return search(rule.searches[c.name]!, event);
    case 'not':
      return !condition(c.arg, rule, event);
    case 'and':
      return c.args.every((a) => condition(a, rule, event));
    case 'or':
      return c.args.some((a) => condition(a, rule, event));
    case 'of':
      return c.quantifier === 'all' ? c.names.every((n) => search(rule.searches[n]!, event)) : c.names.some((n) => search(rule.searches[n]!, event));
  }
}

const RULES = activeRules(['builtin', 'sigmahq']).filter((rule): rule is DetectionRuleIR => rule.kind === 'detection');
const reference = (event: EventRecord) => RULES.filter((rule) => condition(rule.condition, rule, event)).map((rule) => rule.name).sort();
const engine = new RuleEngine(activeRules(['builtin', 'sigmahq']));
const optimized = (event: EventRecord) => engine.match(event).map((rule) => rule.name).sort();

/** Case and shape variations a real trail (or an attacker) produces: the rules must not depend on them. */
function variants(record: EventRecord): fc.Arbitrary<EventRecord> {
  const recase = (text: string) => fc.constantFrom(text, text.toUpperCase(), text.toLowerCase(), text.replace(/i/g, 'İ'), text.replace(/k/g, '\u212A'));
  return fc.record({
    eventName: typeof record.eventName === 'string' ? recase(record.eventName) : fc.constant(record.eventName),
    sourceIPAddress: typeof record.sourceIPAddress === 'string' ? recase(record.sourceIPAddress) : fc.constant(record.sourceIPAddress),
    wrapUserAgent: fc.boolean(),
  }).map(({ eventName, sourceIPAddress, wrapUserAgent }) => ({
    ...record,
    eventName,
    sourceIPAddress,
    // A field that is usually a string, as a list: Sigma matches any element.
    ...(wrapUserAgent && typeof record.userAgent === 'string' ? { userAgent: ['x', record.userAgent] } : {}),
  }));
}

describe('the optimized rule engine agrees with a plain reading of the rules', () => {
  const corpus = loadCloudTrailCorpus();

  it('on every CloudTrail record of the corpus (builtin + SigmaHQ packs)', () => {
    // Act
    const disagreements = corpus.filter((record) => JSON.stringify(optimized(record)) !== JSON.stringify(reference(record)));
    // Assert: none, and the comparison is not vacuous.
    expect(disagreements.map((record) => `${String(record.eventSource)} ${String(record.eventName)}: ${optimized(record)} vs ${reference(record)}`)).toEqual([]);
    expect(corpus.filter((record) => reference(record).length > 0).length).toBeGreaterThan(250);
  });

  it('on case and shape variants of the corpus records', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus).chain(variants), (record) => {
        expect(optimized(record)).toEqual(reference(record));
      }),
      { numRuns: 1500 },
    );
  });
});
