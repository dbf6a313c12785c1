import { describe, expect, it } from 'vitest';
import { compileRuleFile, compileRulePack, RuleCompileError } from '../../../lambdas/core/rules/sigma-compiler.js';
import { RuleEngine } from '../../../lambdas/core/rules/sigma-evaluator.js';
import type { DetectionRuleIR } from '../../../lambdas/core/rules/sigma-ir.js';

function rule(detection: string, extra = ''): string {
  return `title: test\nid: 00000000-0000-4000-8000-000000000000\nname: t\nlogsource: {product: aws, service: cloudtrail}\ntags: [attack.t1078]\n${extra}detection:\n${detection}\nlevel: high\n`;
}

function matcher(detection: string) {
  const engine = new RuleEngine(compileRuleFile('t.yml', rule(detection), { pack: 'test' }));
  return (event: Record<string, unknown>) => engine.match(event).length === 1;
}

const login = {
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  sourceIPAddress: '10.1.2.3',
  userIdentity: { type: 'IAMUser', userName: 'Alice', arn: 'arn:aws:iam::1:user/Alice' },
  responseElements: { ConsoleLogin: 'Failure' },
  requestParameters: { items: [{ port: 22 }, { port: 443 }], policy: '{"Effect":"Allow"}' },
  errorMessage: null,
};

describe('Sigma detection: values and modifiers', () => {
  it.each([
    ['plain value is case-insensitive', '  s:\n    eventName: consolelogin\n  condition: s', true],
    ['list is OR', '  s:\n    eventName: [GetObject, ConsoleLogin]\n  condition: s', true],
    ['wildcard *', "  s:\n    eventName: 'Console*'\n  condition: s", true],
    ['wildcard ?', "  s:\n    eventName: 'ConsoleLog?n'\n  condition: s", true],
    ['escaped wildcard is literal', "  s:\n    eventName: 'Console\\*'\n  condition: s", false],
    ['contains', '  s:\n    userIdentity.arn|contains: user/ali\n  condition: s', true],
    ['startswith', '  s:\n    userIdentity.arn|startswith: arn:aws:iam::1\n  condition: s', true],
    ['endswith', '  s:\n    userIdentity.arn|endswith: /alice\n  condition: s', true],
    ['contains|all needs every value', '  s:\n    userIdentity.arn|contains|all: [iam, bob]\n  condition: s', false],
    ['contains|all passes when all present', '  s:\n    userIdentity.arn|contains|all: [iam, alice]\n  condition: s', true],
    ['re is case-sensitive', "  s:\n    userIdentity.userName|re: '^alice$'\n  condition: s", false],
    ['re|i', "  s:\n    userIdentity.userName|re|i: '^alice$'\n  condition: s", true],
    ['cidr', '  s:\n    sourceIPAddress|cidr: 10.0.0.0/8\n  condition: s', true],
    ['cidr miss', '  s:\n    sourceIPAddress|cidr: 192.168.0.0/16\n  condition: s', false],
    ['exists true', '  s:\n    responseElements.ConsoleLogin|exists: true\n  condition: s', true],
    ['exists false', '  s:\n    additionalEventData|exists: false\n  condition: s', true],
    ['null matches a null field', '  s:\n    errorMessage: null\n  condition: s', true],
    ['null matches a missing field', '  s:\n    errorCode: null\n  condition: s', true],
    ['number against array of objects', '  s:\n    requestParameters.items.port: 22\n  condition: s', true],
    ['gte', '  s:\n    requestParameters.items.port|gte: 400\n  condition: s', true],
    ['fieldref', '  s:\n    userIdentity.arn|fieldref|endswith: userIdentity.userName\n  condition: s', true],
    ['map is AND', '  s:\n    eventName: ConsoleLogin\n    sourceIPAddress: 1.1.1.1\n  condition: s', false],
    ['list of maps is OR', '  s:\n    - eventName: Nope\n    - sourceIPAddress: 10.1.2.3\n  condition: s', true],
  ])('%s', (_name, detection, expected) => {
    expect(matcher(detection)(login)).toBe(expected);
  });
});

describe('Sigma conditions', () => {
  const searches = '  sel_a:\n    eventName: ConsoleLogin\n  sel_b:\n    sourceIPAddress: 1.1.1.1\n  filter_x:\n    userIdentity.type: Root\n';
  it.each([
    ['sel_a and not filter_x', true],
    ['sel_a and sel_b', false],
    ['sel_a or sel_b', true],
    ['not (sel_a or sel_b)', false],
    ['1 of sel_*', true],
    ['all of sel_*', false],
    ['1 of them', true],
    ['all of them', false],
    ['sel_a and not 1 of filter*', true],
    ['(sel_b or sel_a) and (not sel_b)', true],
  ])('%s → %s', (condition, expected) => {
    expect(matcher(`${searches}  condition: ${condition}`)(login)).toBe(expected);
  });
});

describe('malformed rules fail the compile naming the file and the reason', () => {
  it.each([
    ['unknown modifier', '  s:\n    eventName|base64: x\n  condition: s', "modifier 'base64' is not supported"],
    ['unknown identifier', '  s:\n    eventName: x\n  condition: s and other', "unknown search identifier 'other'"],
    ['aggregation', '  s:\n    eventName: x\n  condition: s | count() > 5', 'write a correlation rule'],
    ['keyword search', '  s:\n    - ConsoleLogin\n  condition: s', 'keyword searches'],
    ['bad regex', "  s:\n    eventName|re: '('\n  condition: s", 'invalid regular expression'],
    ['bad cidr', '  s:\n    sourceIPAddress|cidr: 10.0.0.0/99\n  condition: s', "invalid CIDR '10.0.0.0/99'"],
    ['no condition', '  s:\n    eventName: x', 'detection has no condition'],
    ['unbalanced', '  s:\n    eventName: x\n  condition: (s', 'missing )'],
  ])('%s', (_name, detection, reason) => {
    expect(() => compileRuleFile('rules/broken.yml', rule(detection), { pack: 'builtin' })).toThrowError(new RegExp(`^rules/broken\\.yml: .*${reason.replace(/[()|.*+?[\]\\]/g, '\\$&')}`));
  });

  it('missing title / wrong level / other logsource', () => {
    expect(() => compileRuleFile('a.yml', 'id: x\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {a: 1}, condition: s}\n', { pack: 'p' })).toThrowError(/^a\.yml: title:/);
    expect(() => compileRuleFile('b.yml', rule('  s:\n    a: 1\n  condition: s').replace('level: high', 'level: severe'), { pack: 'p' })).toThrowError(/^b\.yml: level:/);
    expect(() => compileRuleFile('c.yml', rule('  s:\n    a: 1\n  condition: s').replace('service: cloudtrail', 'service: s3'), { pack: 'p' })).toThrowError(/logsource aws\/s3 is not supported/);
  });

  it('invalid YAML names the file', () => {
    expect(() => compileRuleFile('d.yml', 'title: [unclosed\n', { pack: 'p' })).toThrowError(/^d\.yml: YAML error/);
  });

  it('a correlation referencing an unknown rule fails the pack', () => {
    const text = 'title: c\nid: c1\nname: c\ncorrelation: {type: event_count, rules: [nope], timespan: 5m, condition: {gte: 2}}\n';
    expect(() => compileRulePack([{ file: 'c.yml', text }], { pack: 'builtin', strict: true })).toThrowError(RuleCompileError);
  });

  it('a non-strict pack lists bad files in skipped instead of failing', () => {
    const pack = compileRulePack([{ file: 'bad.yml', text: rule('  s:\n    - kw\n  condition: s') }], { pack: 'sigmahq', strict: false });
    expect(pack.rules).toEqual([]);
    expect(pack.skipped).toEqual([{ file: 'bad.yml', reason: expect.stringContaining('keyword searches') }]);
  });
});

describe('rule constraints for the index and EventBridge', () => {
  it('narrows eventName through and/or and ignores not', () => {
    const [r] = compileRuleFile(
      't.yml',
      rule('  a:\n    eventSource: iam.amazonaws.com\n    eventName: [CreateUser, CreateRole]\n  b:\n    eventName|startswith: Delete\n  f:\n    eventName: CreateRole\n  condition: (a or b) and not f'),
      { pack: 'p' },
    ) as DetectionRuleIR[];
    expect(r!.eventName).toEqual({ kind: 'values', exact: ['CreateUser', 'CreateRole'], prefixes: ['Delete'] });
    expect(r!.eventSource).toEqual({ kind: 'any' });
    expect(r!.readOnlyEvents).toBe(false);
  });

  it('read-only calls are flagged', () => {
    const [r] = compileRuleFile('t.yml', rule('  a:\n    eventName: GetSecretValue\n  condition: a'), { pack: 'p' }) as DetectionRuleIR[];
    expect(r!.readOnlyEvents).toBe(true);
  });

  it('ATT&CK tags become tactic and technique ids', () => {
    const [r] = compileRuleFile('t.yml', rule('  a:\n    eventName: X\n  condition: a').replace('tags: [attack.t1078]', 'tags: [attack.credential_access, attack.t1552.005, attack.defense-impairment]'), { pack: 'p' });
    expect(r!.tactics).toEqual(['TA0006', 'defense-impairment']);
    expect(r!.techniques).toEqual(['T1552.005']);
  });
});
