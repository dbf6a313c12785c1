import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_PACKS, activeRules } from '../../../lambdas/core/rules/rule-pack.js';
import { RuleEngine } from '../../../lambdas/core/rules/sigma-evaluator.js';
import { PACKS, compilePackFromDisk, serializePack } from '../../../lambdas/core/rules/rule-pack-sources.js';
import { FIXTURES } from '../findings/fixture-loader.js';
import { RULE_FIXTURES, cloudTrailFixture } from './cloudtrail-fixtures.js';

const ROOT = join(FIXTURES, '..', '..');
const builtin = RULE_PACKS.builtin;
const engine = new RuleEngine(builtin.rules);
const detectionRules = builtin.rules.filter((r) => r.kind === 'detection');

describe('built-in rule pack', () => {
  it.each(PACKS.map((p) => [p.pack, p]))('generated %s pack is up to date with its YAML (run npm run rules:compile)', (_name, definition) => {
    // Act
    const fresh = serializePack(compilePackFromDisk(ROOT, definition));
    const committed = readFileSync(join(ROOT, definition.output), 'utf8');
    // Assert
    expect(committed).toBe(fresh);
  });

  it('has at least 30 rules, each with ATT&CK technique ids and a level', () => {
    // Assert
    expect(builtin.rules.length).toBeGreaterThanOrEqual(30);
    for (const rule of builtin.rules) {
      expect(rule.techniques.length + rule.tactics.length, rule.name).toBeGreaterThan(0);
      expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t)) || rule.name === 'mutating-api-call', rule.name).toBe(true);
    }
  });

  it('every detection rule has at least one malicious and one benign fixture', () => {
    // Assert
    const missing = detectionRules
      .map((r) => r.name)
      .filter((name) => {
        const entry = RULE_FIXTURES[name];
        return typeof entry !== 'object' || entry.malicious.length === 0 || entry.benign.length === 0;
      });
    expect(missing).toEqual([]);
  });

  const cases = detectionRules.flatMap((rule) => {
    const entry = RULE_FIXTURES[rule.name];
    if (typeof entry !== 'object') return [];
    return [
      ...entry.malicious.map((ref) => [rule.name, 'matches', ref, true] as const),
      ...entry.benign.map((ref) => [rule.name, 'ignores', ref, false] as const),
    ];
  });

  it.each(cases)('%s %s %s', (ruleName, _verb, ref, expected) => {
    // Prepare
    const record = cloudTrailFixture(ref);
    // Act
    const matched = engine.match(record).map((r) => r.name);
    // Assert
    expect(matched.includes(ruleName)).toBe(expected);
  });

  it('the cloud-custodian benign events trigger no finding-producing rule', () => {
    // Prepare
    const files = ['event-cloud-trail-create-db.json', 'event-cloud-trail-create-volume.json', 'event-cloud-trail-run-instance-creator-assumed.json', 'event-cloud-trail-run-instances.json'];
    // Act
    const hits = files.flatMap((f) => engine.match(cloudTrailFixture(`custodian:${f}`) as Record<string, unknown>).filter((r) => !r.correlationOnly).map((r) => `${f}:${r.name}`));
    // Assert
    expect(hits).toEqual([]);
  });

  it('SigmaHQ optional pack: 57 of 66 rules load, the others are listed with the reason', () => {
    // Prepare
    const sigmahq = RULE_PACKS.sigmahq;
    // Assert
    expect(sigmahq.rules).toHaveLength(57);
    expect(sigmahq.skipped).toHaveLength(9);
    expect(sigmahq.skipped.filter((s) => s.reason.includes("'timeframe' is deprecated"))).toHaveLength(7);
    expect(sigmahq.skipped.filter((s) => s.reason.includes('aggregation expressions'))).toHaveLength(1);
    expect(sigmahq.skipped.filter((s) => s.reason.includes("modifier 'expand' is not supported"))).toHaveLength(1);
    // A loaded community rule really evaluates: SigmaHQ's "disable logging" rule on the real StopLogging event.
    const engine = new RuleEngine(sigmahq.rules);
    expect(engine.match(cloudTrailFixture('panther:aws_cloudtrail_stopped#0')).map((r) => r.name)).toContain('aws-cloudtrail-disable-logging');
  });

  it('activeRules drops disabled rules by name', () => {
    // Act
    const rules = activeRules(['builtin'], ['root-account-usage']);
    // Assert
    expect(rules.some((r) => r.name === 'root-account-usage')).toBe(false);
    expect(rules.length).toBe(builtin.rules.length - 1);
  });
});
