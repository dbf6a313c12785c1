import { describe, expect, it } from 'vitest';
import { cloudTrailPatternsFor, generateCloudTrailPatterns, MAX_PATTERN_LENGTH, type GeneratedPattern } from '../../../lambdas/core/rules/eventbridge-patterns.js';
import { activeRules, RULE_PACKS } from '../../../lambdas/core/rules/rule-pack.js';
import { RuleEngine } from '../../../lambdas/core/rules/sigma-evaluator.js';
import { compileRuleFile } from '../../../lambdas/core/rules/sigma-compiler.js';
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

  it('root activity is narrowed on userIdentity.type instead of matching every event', () => {
    const root = patterns.find((p) => p.rules.includes('root-account-usage'))!;
    expect(root.pattern).toEqual({
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
      detail: { userIdentity: { type: ['Root'] } },
    });
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
