import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK_IDS } from '../../../lambdas/core/config/firebreak-config.js';
import { routingCoverage } from '../../../lambdas/core/routing/coverage.js';
import { GUARDDUTY_FINDING_TYPES } from '../../../lambdas/core/routing/guardduty-finding-types.js';
import { asffControlKey, guardDutyRule, nativeGuardDutyType, routeFinding } from '../../../lambdas/core/routing/route-finding.js';
import { RULE_ROUTES } from '../../../lambdas/core/routing/routing-table.js';
import { finding } from '../actions/action-test-kit.js';

const tsvTypes = readFileSync(new URL('../../fixtures/guardduty/finding-types.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#') && !line.startsWith('type\t'))
  .map((line) => line.split('\t').slice(0, 2));

/** The only IAM types routed to notification: the root user is never changed automatically (issue 4). */
const ROOT_TYPES = ['Policy:IAMUser/RootCredentialUsage', 'Policy:IAMUser/ShortTermRootCredentialUsage'];

describe('routing table', () => {
  it('knows exactly the GuardDuty finding types of the user guide list', () => {
    expect(GUARDDUTY_FINDING_TYPES.map(([type, severity]) => [type, severity])).toEqual(tsvTypes);
    expect(tsvTypes).toHaveLength(198);
  });

  it('has an entry for every GuardDuty type (none falls through to the unknown default)', () => {
    const missing = GUARDDUTY_FINDING_TYPES.filter(([type]) => !guardDutyRule(type)).map(([type]) => type);
    expect(missing).toEqual([]);
  });

  it('routes every IAM, EC2, S3, Lambda and Runtime type to a containment playbook (root: CRITICAL notify by design)', () => {
    const contained = new Set(['IAMUser', 'IAM', 'EC2', 'S3', 'Lambda', 'Runtime']);
    const rows = routingCoverage().rows.filter((r) => r.source === 'guardduty' && contained.has(r.group));
    const notContained = rows.filter((r) => r.playbook === 'notify-only').map((r) => r.key);
    expect(rows.length).toBeGreaterThan(130);
    expect(notContained).toEqual(ROOT_TYPES);
    for (const type of ROOT_TYPES) expect(guardDutyRule(type)?.rule.escalate).toBe('CRITICAL');
  });

  it('a credential finding goes to credential-compromise', () => {
    const route = routeFinding(finding({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', resourceClass: 'AccessKey' }));
    expect(route).toMatchObject({ playbook: 'credential-compromise', matchedBy: 'guardduty-resource:IAMUser' });
  });

  it('a playbook that is not deployed in this version degrades to notify-only and says why', () => {
    const route = routeFinding(finding({ type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', resourceClass: 'Instance' }));
    if ((PLAYBOOK_IDS as readonly string[]).includes('compromised-instance')) {
      expect(route.playbook).toBe('compromised-instance');
    } else {
      expect(route).toMatchObject({ playbook: 'notify-only', reason: expect.stringContaining('compromised-instance is not available') });
    }
  });

  it('root activity is notify-only and escalated to CRITICAL, whatever the finding type', () => {
    const route = routeFinding(finding({ type: 'Recon:IAMUser/TorIPCaller', resourceClass: 'Root', principal: { type: 'Root' } }));
    expect(route).toMatchObject({ playbook: 'notify-only', escalate: 'CRITICAL', matchedBy: 'principal:Root' });
  });

  it('an unknown type falls back to notify-only', () => {
    const route = routeFinding(finding({ type: 'Something:New/NeverSeen', resourceClass: 'Other', product: 'Other' }));
    expect(route).toMatchObject({ playbook: 'notify-only', matchedBy: 'resource-class:Other' });
  });

  it('reads GuardDuty types in their Security Hub (ASFF) form', () => {
    expect(nativeGuardDutyType('TTPs/Initial Access/UnauthorizedAccess:IAMUser-TorIPCaller')).toBe('UnauthorizedAccess:IAMUser/TorIPCaller');
    expect(nativeGuardDutyType('UnauthorizedAccess:IAMUser/TorIPCaller')).toBe('UnauthorizedAccess:IAMUser/TorIPCaller');
    const viaHub = routeFinding(finding({ type: 'TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller', resourceClass: 'IAMUser', source: 'securityhub' }));
    expect(viaHub).toMatchObject({ playbook: 'credential-compromise', matchedBy: 'guardduty-resource:IAMUser' });
  });

  it('reads Security Hub control ids from every generator form', () => {
    expect(asffControlKey('security-control/S3.2')).toBe('S3.2');
    expect(asffControlKey('aws-foundational-security-best-practices/v/1.0.0/EC2.19')).toBe('EC2.19');
    expect(asffControlKey('cis-aws-foundations-benchmark/v/1.2.0/4.1')).toBe('cis-1.2.0/4.1');
    expect(asffControlKey('arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/2.1')).toBe('cis-1.2.0/2.1');
    expect(asffControlKey('pci-dss/v/3.2.1/PCI.S3.1')).toBeUndefined();
    const control = routeFinding(finding({ type: 'security-control/S3.8', resourceClass: 'S3Bucket', source: 'securityhub', product: 'Security Hub' }));
    expect(control.matchedBy).toBe('asff-control:S3.8');
    const posture = routeFinding(finding({ type: 'security-control/KMS.4', resourceClass: 'Other', source: 'securityhub', product: 'Security Hub' }));
    expect(posture).toMatchObject({ playbook: 'notify-only', matchedBy: 'asff-product:Security Hub' });
  });

  it('reads a legacy CIS finding\'s standard from its ASFF Id', () => {
    const cis = finding({
      type: '4.1',
      source: 'securityhub',
      product: 'Security Hub',
      resourceClass: 'SecurityGroup',
      productRefs: { asffId: 'arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0/4.1/finding/0e3c3c3e-1f6b-4f0e-9e8e-6f6b6b6b6b6b' },
    });
    expect(routeFinding(cis)).toMatchObject({ playbook: 'network-exposure', matchedBy: 'asff-control:cis-1.2.0/4.1' });
  });

  it('coverage counts add up', () => {
    const { counts } = routingCoverage();
    expect(counts.guardDutyTypes).toBe(198);
    expect(counts.guardDutyContained + counts.guardDutyNotifyOnly).toBe(198);
    expect(Object.values(counts.byPlaybook).reduce((a, b) => a + b, 0)).toBe(198);
  });
});

describe('detection rule routes', () => {
  const rulesDir = new URL('../../../rules/', import.meta.url);
  const ruleNames = readdirSync(rulesDir)
    .filter((file) => file.endsWith('.yml'))
    .map((file) => /^name:\s*(\S+)/m.exec(readFileSync(new URL(file, rulesDir), 'utf8'))?.[1])
    .filter((name): name is string => Boolean(name));

  it('every rule of the built-in pack has an explicit route', () => {
    expect(ruleNames.length).toBeGreaterThan(30);
    expect(ruleNames.filter((name) => !RULE_ROUTES[name])).toEqual([]);
  });

  it('no route names a rule that does not exist', () => {
    expect(Object.keys(RULE_ROUTES).filter((name) => !ruleNames.includes(name))).toEqual([]);
  });

  it('a rule finding routes by its rule id', () => {
    const route = routeFinding(finding({ type: 'security-group-opened-to-world', ruleId: 'security-group-opened-to-world', source: 'cloudtrail', product: 'Firebreak', resourceClass: 'SecurityGroup' }));
    expect(route).toMatchObject({ playbook: 'network-exposure', matchedBy: 'rule:security-group-opened-to-world' });
  });
});
