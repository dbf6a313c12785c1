import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudTrailPatternsFor, generateCloudTrailPatterns, MAX_OR_COMBINATIONS, MAX_PATTERN_LENGTH, READ_ONLY_VERBS, type GeneratedPattern } from '../../../lambdas/core/rules/eventbridge-patterns.js';
import { activeRules, RULE_PACKS } from '../../../lambdas/core/rules/rule-pack.js';
import { RuleEngine } from '../../../lambdas/core/rules/sigma-evaluator.js';
import { compileRuleFile } from '../../../lambdas/core/rules/sigma-compiler.js';
import { constraintOf } from '../../../lambdas/core/rules/sigma-constraints.js';
import type { DetectionRuleIR, RuleIR } from '../../../lambdas/core/rules/sigma-ir.js';
import { compileEventPattern } from '../../../lib/local/event-pattern-matcher.js';
import { eventBridgeEventFor, isReadOnlyRecord, loadCloudTrailCorpus } from '../../../bench/cloudtrail-corpus.js';

const rules = activeRules(['builtin']);
const { patterns, unfiltered } = generateCloudTrailPatterns(rules);

/** An event reaches Lambda when a pattern matches it and, for read-only calls, that pattern's rule receives them. */
function reachesLambda(compiled: { p: GeneratedPattern; match: (e: unknown) => boolean }[], record: Record<string, unknown>): boolean {
  const event = eventBridgeEventFor(record);
  const readOnly = isReadOnlyRecord(record);
  return compiled.some(({ p, match }) => (!readOnly || p.readOnlyEvents) && match(event));
}

describe('CloudTrail EventBridge patterns generated from the rule set', () => {
  it('every pattern fits in 4096 characters and the built-in pack needs no unfiltered rule', () => {
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect(p.json.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    expect(unfiltered).toEqual([]);
  });

  it('read-only rules are in flagged patterns; sign-in uses aws.signin and its detail-type; global services flagged', () => {
    const readOnly = patterns.filter((p) => p.readOnlyEvents);
    expect(readOnly.flatMap((p) => p.rules)).toEqual(expect.arrayContaining(['secrets-manager-secret-retrieved', 'ssm-parameter-decrypted', 'ec2-password-data-retrieved', 'ec2-user-data-downloaded']));
    expect(patterns.filter((p) => !p.readOnlyEvents).flatMap((p) => p.rules)).toContain('cloudtrail-logging-stopped');
    const signIn = patterns.find((p) => p.rules.includes('console-login-without-mfa'))!;
    expect(signIn.pattern.source).toContain('aws.signin');
    expect(signIn.pattern['detail-type']).toContain('AWS Console Sign In via CloudTrail');
    expect(signIn.globalServices).toBe(true);
  });

  it('root activity is narrowed on userIdentity.type: write calls in one pattern, the read-only calls rules need in another', () => {
    const root = patterns.filter((p) => JSON.stringify(p.pattern).includes('"type":["Root"]'));
    const write = root.find((p) => !p.readOnlyEvents)!;
    const readOnly = root.find((p) => p.readOnlyEvents)!;
    expect(root).toHaveLength(2);
    expect(write.rules).toEqual(['root-account-usage']);
    expect(write.pattern).toEqual({
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
      detail: { eventName: [{ 'anything-but': (readOnly.pattern.detail as { eventName: string[] }).eventName }], userIdentity: { type: ['Root'] } },
    });
    expect((readOnly.pattern.detail as { eventName: string[] }).eventName).toEqual(expect.arrayContaining(['GetSecretValue', 'ListUsers']));
  });

  it('splits into several patterns when one would exceed the limit', () => {
    // Prepare: 300 long event names for one service.
    const names = Array.from({ length: 300 }, (_, i) => `CreateSomethingWithAVeryLongName${i}`);
    const big = compileRuleFile('big.yml', `title: big\nid: b\nname: big\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventSource: iam.amazonaws.com\n    eventName: [${names.join(', ')}]\n  condition: s\n`, { pack: 'p' });
    // Act
    const set = generateCloudTrailPatterns(big);
    // Assert
    expect(set.patterns.length).toBeGreaterThan(1);
    for (const p of set.patterns) expect(p.json.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    const covered = set.patterns.flatMap((p) => (p.pattern.detail as { eventName: string[] }).eventName);
    expect(new Set(covered)).toEqual(new Set(names));
  });

  it('no record a rule matches is filtered out by the patterns (soundness on the whole corpus)', () => {
    // Prepare
    const engine = new RuleEngine(rules);
    const compiled = patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    // Act
    const lost = loadCloudTrailCorpus().filter((r) => engine.match(r).length > 0 && !reachesLambda(compiled, r));
    // Assert
    expect(lost.map((r) => r.eventName)).toEqual([]);
  });

  it('fraction of the corpus CloudTrail events that reach Lambda (printed; quoted in the README)', () => {
    // Prepare
    const corpus = loadCloudTrailCorpus();
    const compiled = patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    // Act
    const reaching = corpus.filter((r) => reachesLambda(compiled, r)).length;
    // Assert
    const withoutVolume = generateCloudTrailPatterns(activeRules(['builtin'], ['mutating-api-call'])).patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    const reachingWithoutVolume = corpus.filter((r) => reachesLambda(withoutVolume, r)).length;
    const pct = (n: number) => `${((100 * n) / corpus.length).toFixed(1)}%`;
    console.log(
      `CloudTrail corpus: ${reaching}/${corpus.length} events (${pct(reaching)}) reach the detect Lambda through ${patterns.length} generated patterns; ` +
        `${reachingWithoutVolume} (${pct(reachingWithoutVolume)}) with the anomalous-volume detector (mutating-api-call) disabled`,
    );
    expect(corpus.length).toBe(479);
    expect(reaching).toBe(338);
    expect(reachingWithoutVolume).toBe(179);
  });

  it('cloudTrailPatternsFor names patterns for infra', () => {
    const named = cloudTrailPatternsFor(RULE_PACKS.builtin.rules);
    expect(named.map((p) => p.name)).toEqual(expect.arrayContaining(['CloudTrailWrite1', 'CloudTrailReadOnly1']));
    expect(named.every((p) => p.readOnly === p.readOnlyEvents)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Disjointness: EventBridge invokes the detector once per matching rule, so each event must be selected by one pattern.

/** Every CloudTrail record of the fixtures: the corpus plus Firebreak's synthetic records (kept out of the corpus figures). */
function allFixtureRecords(): Record<string, unknown>[] {
  const synthetic = JSON.parse(readFileSync(new URL('../../fixtures/cloudtrail/firebreak-synthetic/synthetic-records.json', import.meta.url), 'utf8')) as Record<string, { record: Record<string, unknown> }>;
  return [...loadCloudTrailCorpus(), ...Object.values(synthetic).map((entry) => entry.record)];
}

/** What the bus does with one event: the patterns whose content matches, and those that also receive it (rule state). */
function routing(compiled: { p: GeneratedPattern; match: (e: unknown) => boolean }[], record: Record<string, unknown>) {
  const event = eventBridgeEventFor(record);
  const readOnly = isReadOnlyRecord(record);
  const matched = compiled.filter(({ match }) => match(event));
  return { matched, delivered: matched.filter(({ p }) => !readOnly || p.readOnlyEvents) };
}

const unfilteredSigmaHq = generateCloudTrailPatterns(activeRules(['builtin', 'sigmahq'])).unfiltered;
const RULE_SETS: [string, RuleIR[]][] = [
  ['builtin', activeRules(['builtin'])],
  ['builtin + sigmahq', activeRules(['builtin', 'sigmahq'])],
  // SigmaHQ's unfiltered rule makes one catch-all pattern; without it the partition has every kind of region to build.
  ['builtin + sigmahq without its unfiltered rules', activeRules(['builtin', 'sigmahq'], unfilteredSigmaHq)],
  ['builtin without the volume rule', activeRules(['builtin'], ['mutating-api-call'])],
];

describe.each(RULE_SETS)('generated patterns for %s', (_name, ruleSet) => {
  const set = generateCloudTrailPatterns(ruleSet);
  const compiled = set.patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
  const records = allFixtureRecords();

  it('fit in 4096 characters and use only the operators the local matcher knows', () => {
    for (const p of set.patterns) {
      expect(p.json.length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
      expect(p.json).not.toMatch(/"(wildcard|suffix|equals-ignore-case|numeric|cidr)"/);
    }
  });

  it('soundness: every fixture record a rule matches is delivered through a pattern in a state that receives it', () => {
    // Prepare
    const engine = new RuleEngine(ruleSet);
    // Act
    const lost = records.filter((r) => engine.match(r).length > 0 && routing(compiled, r).delivered.length === 0);
    // Assert
    expect(lost.map((r) => `${String(r.eventSource)} ${String(r.eventName)}`)).toEqual([]);
  });

  it('disjointness: no fixture record is matched by two patterns (whatever their rule state)', () => {
    const twice = records.filter((r) => routing(compiled, r).matched.length > 1);
    expect(twice.map((r) => `${String(r.eventSource)} ${String(r.eventName)}`)).toEqual([]);
  });
});

describe('disjointness and soundness on constructed events (overlap cases the corpus may not hold)', () => {
  const VERBS = ['Get', 'List', 'Describe', 'Head', 'Lookup', 'Search', 'BatchGet', 'Decrypt', 'Select', 'Scan', 'Query', 'Download'];
  /** CloudTrail's readOnly flag for a call name (the convention the compiler's read-only test encodes). */
  const readOnlyName = (name: string) => VERBS.some((verb) => name.startsWith(verb));

  /** Does the rule's source/name/field constraint admit the record? (The facts the patterns are built from.) */
  function couldMatch(rule: DetectionRuleIR, record: Record<string, unknown>): boolean {
    const admits = (constraint: DetectionRuleIR['eventName'], value: unknown) =>
      constraint.kind === 'any' || (typeof value === 'string' && (constraint.exact.includes(value) || constraint.prefixes.some((p) => value.startsWith(p))));
    if (!admits(rule.eventSource, record.eventSource) || !admits(rule.eventName, record.eventName)) return false;
    if (rule.eventSource.kind !== 'any' || rule.eventName.kind !== 'any') return true;
    // Narrowed by another field only: the record must carry one of its exact values (read through the searches).
    const tests = Object.values(rule.searches).flatMap((s) => s.maps.flat());
    const byField = tests.filter((t) => !t.all && t.tests.length > 0 && t.tests.every((v) => v.op === 'eq'));
    const field = byField.find((t) => constraintOf(rule.condition, rule.searches, t.field).kind === 'values');
    if (!field) return true;
    const constraint = constraintOf(rule.condition, rule.searches, field.field);
    const value = field.path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], record);
    return constraint.kind === 'any' || (typeof value === 'string' && constraint.exact.includes(value));
  }

  /** A grid: every source and name the rules mention (plus strangers), each identity type, user agent and eventSource absence. */
  function grid(ruleSet: readonly RuleIR[]): Record<string, unknown>[] {
    const detection = ruleSet.filter((r): r is DetectionRuleIR => r.kind === 'detection');
    const sources = new Set(['dynamodb.amazonaws.com', 'signin.amazonaws.com', 'sts.amazonaws.com', 'organizations.amazonaws.com', 'iam.amazonaws.com']);
    const names = new Set(['ConsoleLogin', 'DescribeTable', 'ListThings', 'DeleteTable', 'CreateAccessKey', 'ListUsers', 'GetSecretValue', 'AssumeRole']);
    for (const rule of detection) {
      if (rule.eventSource.kind === 'values') rule.eventSource.exact.forEach((s) => sources.add(s));
      if (rule.eventName.kind === 'values') {
        rule.eventName.exact.forEach((n) => names.add(n));
        rule.eventName.prefixes.forEach((p) => names.add(`${p}Something`));
      }
    }
    const identities = [{ type: 'Root' }, { type: 'IAMUser' }, { type: 'AssumedRole' }, { invokedBy: 'AWS Internal' }];
    const out: Record<string, unknown>[] = [];
    for (const eventSource of [...sources, undefined]) {
      for (const eventName of names) {
        for (const userIdentity of identities) {
          for (const userAgent of ['aws-cli/2.15', 'TruffleHog', undefined]) {
            out.push({
              eventVersion: '1.09',
              ...(eventSource ? { eventSource } : {}),
              eventName,
              userIdentity,
              ...(userAgent ? { userAgent } : {}),
              readOnly: readOnlyName(eventName),
              eventType: eventSource === 'signin.amazonaws.com' ? 'AwsConsoleSignIn' : 'AwsApiCall',
            });
          }
        }
      }
    }
    return out;
  }

  it.each(RULE_SETS)('%s: each constructed event a rule could match is delivered exactly once, and none is matched twice', (_name, ruleSet) => {
    // Prepare
    const compiled = generateCloudTrailPatterns(ruleSet).patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    const detection = ruleSet.filter((r): r is DetectionRuleIR => r.kind === 'detection');
    const events = grid(ruleSet);
    // Act
    const twice = events.filter((r) => routing(compiled, r).matched.length > 1);
    const lost = events.filter((r) => detection.some((rule) => (rule.readOnlyEvents || !r.readOnly) && couldMatch(rule, r)) && routing(compiled, r).delivered.length === 0);
    // Assert
    expect(events.length).toBeGreaterThan(1000);
    expect(twice.slice(0, 5)).toEqual([]);
    expect(lost.slice(0, 5)).toEqual([]);
  });

  it('routes the overlap cases of the built-in pack each through exactly one pattern, in the right state', () => {
    // Prepare
    const compiled = patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    const route = (record: Record<string, unknown>) => routing(compiled, { eventVersion: '1.09', userIdentity: { type: 'IAMUser' }, ...record }).matched.map(({ p }) => p);
    // Act
    const createAccessKey = route({ eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', readOnly: false });
    const listUsers = route({ eventSource: 'iam.amazonaws.com', eventName: 'ListUsers', readOnly: true });
    const rootSecretRead = route({ eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', readOnly: true, userIdentity: { type: 'Root' } });
    const rootCreateUser = route({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', readOnly: false, userIdentity: { type: 'Root' } });
    const rootSignIn = route({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', userIdentity: { type: 'Root' } });
    const signIn = route({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn' });
    const otherService = route({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DeleteTable', readOnly: false });
    const otherServiceRead = route({ eventSource: 'dynamodb.amazonaws.com', eventName: 'DescribeTable', readOnly: true });
    // Assert: the any-source "mutating" prefixes ride in the per-source pattern of IAM, not in a second one.
    expect(createAccessKey).toHaveLength(1);
    expect(createAccessKey[0]!.rules).toEqual(expect.arrayContaining(['iam-access-key-created-for-other-user', 'mutating-api-call', 'instance-credentials-used-outside-instance']));
    expect(createAccessKey[0]!.globalServices).toBe(true);
    expect(createAccessKey[0]!.readOnlyEvents).toBe(false);
    expect(listUsers.map((p) => p.readOnlyEvents)).toEqual([true]);
    expect(rootSecretRead.map((p) => [p.readOnlyEvents, p.rules.includes('secrets-manager-secret-retrieved')])).toEqual([[true, true]]);
    expect(rootCreateUser.map((p) => [p.readOnlyEvents, p.rules])).toEqual([[false, ['root-account-usage']]]);
    expect(rootSignIn.map((p) => p.readOnlyEvents)).toEqual([false]);
    expect(signIn.map((p) => [p.pattern.source, p.pattern['detail-type']])).toEqual([[expect.arrayContaining(['aws.signin']), expect.arrayContaining(['AWS Console Sign In via CloudTrail'])]]);
    expect(otherService.map((p) => [p.readOnlyEvents, p.rules.includes('mutating-api-call')])).toEqual([[false, true]]);
    expect(otherServiceRead).toEqual([]);
  });

  it('keeps a read-only and a write pattern apart when a read-only rule takes every name of a source another rule names', () => {
    // Prepare: a write rule on two IAM calls, a read-only rule on every IAM call, a source-less write prefix.
    const yaml = (name: string, detection: string, extra = '') =>
      `title: ${name}\nid: ${name}\nname: ${name}\nlogsource: {product: aws, service: cloudtrail}\n${extra}detection:\n${detection}\n  condition: s\n`;
    const ruleSet = [
      ...compileRuleFile('w.yml', yaml('w', '  s:\n    eventSource: iam.amazonaws.com\n    eventName: [CreateUser, DeleteUser]'), { pack: 'p' }),
      ...compileRuleFile('r.yml', yaml('r', '  s:\n    eventSource: iam.amazonaws.com', 'firebreak: {readOnlyEvents: true}\n'), { pack: 'p' }),
      ...compileRuleFile('m.yml', yaml('m', '  s:\n    eventName|startswith: Delete'), { pack: 'p' }),
    ];
    const compiled = generateCloudTrailPatterns(ruleSet).patterns.map((p) => ({ p, match: compileEventPattern(p.pattern) }));
    // Act
    const deliveries = ['CreateUser', 'DeleteUser', 'GetUser'].map((eventName) => routing(compiled, { eventSource: 'iam.amazonaws.com', eventName, readOnly: eventName === 'GetUser' }));
    const elsewhere = routing(compiled, { eventSource: 'ec2.amazonaws.com', eventName: 'DeleteVolume', readOnly: false });
    // Assert
    expect(deliveries.map((d) => d.matched.map(({ p }) => p.readOnlyEvents))).toEqual([[true], [true], [true]]);
    expect(elsewhere.matched.map(({ p }) => [p.readOnlyEvents, p.rules])).toEqual([[false, ['m']]]);
  });
});

describe('limits of the partition', () => {
  const yaml = (name: string, detection: string, extra = '') =>
    `title: ${name}\nid: ${name}\nname: ${name}\nlogsource: {product: aws, service: cloudtrail}\n${extra}detection:\n${detection}\n  condition: s\n`;

  it('refuses rule sets whose field exclusions would multiply $or combinations past the cap, naming the fields', () => {
    // Prepare: seven rules narrowed only by seven different fields, and a source-less name rule beside them.
    const ruleSet = [
      ...Array.from({ length: 7 }, (_, i) => compileRuleFile(`f${i}.yml`, yaml(`f${i}`, `  s:\n    field${i}: value${i}`), { pack: 'p' })).flat(),
      ...compileRuleFile('n.yml', yaml('n', '  s:\n    eventName: DeleteTrail'), { pack: 'p' }),
    ];
    // Act
    const generate = () => generateCloudTrailPatterns(ruleSet);
    // Assert
    expect(2 ** 8).toBeGreaterThan(MAX_OR_COMBINATIONS);
    expect(generate).toThrow(/exclude the fields field0, field1, .*: over 64 \$or combinations/);
  });

  it('splits names by the same read-only verbs the compiler uses to flag a rule', () => {
    const flagged = (eventName: string) =>
      (compileRuleFile('v.yml', yaml('v', `  s:\n    eventSource: x.amazonaws.com\n    eventName: ${eventName}`), { pack: 'p' })[0] as DetectionRuleIR).readOnlyEvents;
    expect(READ_ONLY_VERBS.map((verb) => [verb, flagged(`${verb}Thing`)])).toEqual(READ_ONLY_VERBS.map((verb) => [verb, true]));
    expect(['CreateThing', 'DeleteThing', 'PutThing', 'AssumeRole'].map(flagged)).toEqual([false, false, false, false]);
  });

  it('keeps every name of a rule flagged read-only by hand when none of them looks read-only', () => {
    // Prepare
    const ruleSet = compileRuleFile('x.yml', yaml('x', '  s:\n    eventSource: kms.amazonaws.com\n    eventName: [ReEncrypt, GenerateDataKey]', 'firebreak: {readOnlyEvents: true}\n'), { pack: 'p' });
    // Act
    const set = generateCloudTrailPatterns(ruleSet);
    // Assert
    expect(set.patterns.map((p) => [p.readOnlyEvents, (p.pattern.detail as { eventName: string[] }).eventName])).toEqual([[true, ['GenerateDataKey', 'ReEncrypt']]]);
  });
});
