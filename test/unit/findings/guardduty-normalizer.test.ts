import { describe, expect, it } from 'vitest';
import { normalizeGuardDutyFinding, guardDutyDedupKey } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { guardDutySeverity } from '../../../lambdas/core/findings/severity.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { pantherTests, readFixture } from './fixture-loader.js';

const config = parseFirebreakConfig({});
const now = new Date('2026-01-01T00:00:00Z');

function only(result: ReturnType<typeof normalizeGuardDutyFinding>): Finding {
  if (!result.ok) throw new Error(`expected a finding, got rejection: ${result.reason}`);
  expect(result.findings).toHaveLength(1);
  return result.findings[0]!;
}

async function detectOne(input: unknown) {
  const outcome = await detectEvents(input, { config, now });
  if (outcome.kind !== 'detected') throw new Error(`rejected: ${outcome.reason}`);
  expect(outcome.findings).toHaveLength(1);
  return outcome.findings[0]!;
}

describe('GuardDuty severity', () => {
  it.each([
    [1.0, 'LOW'], [3.9, 'LOW'], [4.0, 'MEDIUM'], [6.9, 'MEDIUM'], [7.0, 'HIGH'], [8.9, 'HIGH'], [9.0, 'CRITICAL'], [10, 'CRITICAL'],
  ])('%s → %s (GuardDuty documented ranges)', (value, label) => {
    // Act
    const severity = guardDutySeverity(value);
    // Assert
    expect(severity.label).toBe(label);
    expect(severity.normalized).toBe(Math.round(value * 10));
  });
});

describe('normalizeGuardDutyFinding on the corpus', () => {
  it('raw GetFindings shape: Recon:IAMUser/MaliciousIPCaller.Custom → AccessKey finding with the real caller', () => {
    // Prepare
    const raw = readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json');
    // Act
    const finding = only(normalizeGuardDutyFinding(raw));
    // Assert
    expect(finding.dedupKey).toBe('guardduty:123456789012:us-east-1:30bf285e52a1e405084ff6ec28e06e17');
    expect(finding.source).toBe('guardduty');
    expect(finding.type).toBe('Recon:IAMUser/MaliciousIPCaller.Custom');
    expect(finding.severity).toEqual({ label: 'MEDIUM', normalized: 50, original: 5 });
    expect(finding.resourceClass).toBe('AccessKey');
    expect(finding.principal).toEqual({
      type: 'IAMUser',
      userName: 'GeneratedFindingUserName',
      principalId: 'GeneratedFindingPrincipalId',
      accessKeyId: 'GeneratedFindingAccessKeyId',
      arn: 'arn:aws:iam::123456789012:user/GeneratedFindingUserName',
    });
    expect(finding.network).toMatchObject({ remoteIp: '198.51.100.0', remoteCountry: 'GeneratedFindingCountryName' });
    expect(finding.sample).toBe(true);
    expect(finding.count).toBe(1);
    expect(finding.attack.tactics).toEqual(['TA0043']);
    expect(finding.firstSeen).toBe('2022-01-13T00:00:47.000Z');
    expect(finding.productRefs).toEqual({
      asffId: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/30bf285e52a1e405084ff6ec28e06e17',
      productArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
      guardDutyDetectorId: '48bf285e13736c6c722945805b3e224a',
    });
    expect(finding.resources.map((r) => `${r.type}:${r.id}`)).toEqual(['AWS::IAM::AccessKey:GeneratedFindingAccessKeyId', 'AWS::EC2::Instance:i-99999999']);
  });

  it('EventBridge envelope: TorIPCaller keeps the detail account, adds the event id', async () => {
    // Prepare
    const event = readFixture('guardduty/cloud-custodian/iam-duty-event.json') as { id: string };
    // Act
    const scored = await detectOne(event);
    // Assert
    expect(scored.finding.dedupKey).toMatch(/^guardduty:\d{12}:us-east-1:[0-9a-f]+$/);
    expect(scored.finding.type).toBe('UnauthorizedAccess:IAMUser/TorIPCaller');
    expect(scored.finding.resourceClass).toBe('AccessKey');
    expect(scored.finding.sourceEventIds).toContain(event.id);
    expect(scored.finding.attack.tactics).toEqual(['TA0001']);
    expect(scored.correlationKey).toBe('principal:arn:aws:iam::883606788610:user/GeneratedFindingUserName');
  });

  it('partial {region, detail} envelope (no account anywhere) → normalized with the envelope region and an explicit unknown account', async () => {
    // Prepare
    const event = readFixture('guardduty/aws-samples-waf-acl/gd2acl_test_event.json');
    // Act
    const scored = await detectOne(event);
    // Assert
    expect(scored.finding.dedupKey).toBe('guardduty:unknown:us-east-1:02be5693b63eea1d67e6f321c6aee4f3');
    expect(scored.finding.resourceClass).toBe('Instance');
    expect(scored.finding.severity.label).toBe('LOW');
    expect(scored.finding.network).toEqual({
      remoteIp: '198.51.100.0', remoteCountry: 'GeneratedFindingCountryName', remoteOrg: 'GeneratedFindingORG', localPort: 22, resourceRole: 'TARGET',
    });
    expect(scored.finding.resources[0]).toMatchObject({
      type: 'AWS::EC2::Instance',
      id: 'i-99999999',
      details: { networkInterfaceIds: ['eni-bfcffe88'], securityGroupIds: ['GeneratedFindingSecurityId'], vpcId: 'GeneratedFindingVPCId' },
    });
    expect(scored.correlationKey).toBe('resource:unknown:AWS::EC2::Instance:i-99999999');
  });

  it('dedupKey is stable across re-deliveries: same finding with a higher service.count and new updatedAt', () => {
    // Prepare
    const first = readFixture('guardduty/cloud-custodian/iam-duty-event.json') as { detail: Record<string, any> };
    const again = structuredClone(first);
    again.detail.service.count = 7;
    again.detail.updatedAt = '2017-12-09T10:00:00.000Z';
    // Act
    const a = only(normalizeGuardDutyFinding(first.detail));
    const b = only(normalizeGuardDutyFinding(again.detail));
    // Assert
    expect(b.dedupKey).toBe(a.dedupKey);
    expect(b.count).toBe(7);
  });

  it('userType is the real caller: AssumedRole → role ARN and session; Root → account root', () => {
    // Prepare
    const raw = readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json') as Record<string, any>;
    const assumed = structuredClone(raw);
    assumed.resource.accessKeyDetails = { accessKeyId: 'ASIAEXAMPLE', principalId: 'AROAEXAMPLE:attacker-session', userName: 'Deploy', userType: 'AssumedRole' };
    const root = structuredClone(raw);
    root.resource.accessKeyDetails = { accessKeyId: 'AKIAROOT', principalId: '123456789012', userName: 'Root', userType: 'Root' };
    // Act
    const a = only(normalizeGuardDutyFinding(assumed));
    const r = only(normalizeGuardDutyFinding(root));
    // Assert
    expect(a.principal).toMatchObject({ type: 'AssumedRole', roleName: 'Deploy', sessionName: 'attacker-session', arn: 'arn:aws:iam::123456789012:role/Deploy' });
    expect(a.type).toContain('IAMUser');
    expect(r.principal).toMatchObject({ type: 'Root', arn: 'arn:aws:iam::123456789012:root' });
  });

  it('S3 finding → S3Bucket with the bucket resource', () => {
    // Act
    const finding = only(normalizeGuardDutyFinding(readFixture('guardduty/aws-samples-automated-response/guardduty_s3_event.json')));
    // Assert
    expect(finding.resourceClass).toBe('S3Bucket');
    expect(finding.resources.some((r) => r.type === 'AWS::S3::Bucket')).toBe(true);
    expect(finding.sample).toBe(true);
  });

  it('attack sequence: tactics and techniques read from the description, principal from the title', () => {
    // Prepare
    const [real] = pantherTests('guardduty/panther-analysis-tests/aws_guardduty_critical_sev_findings.tests.json');
    // Act
    const finding = only(normalizeGuardDutyFinding(real!.Log));
    // Assert
    expect(finding.severity.label).toBe('CRITICAL');
    expect(finding.resourceClass).toBe('IAMUser');
    expect(finding.attack.techniques).toEqual(['T1562.008', 'T1098.003', 'T1078.004', 'T1087.004', 'T1098']);
    expect(finding.attack.tactics).toEqual(['TA0003', 'TA0004', 'TA0005', 'TA0007', 'TA0001']);
    expect(finding.principal).toMatchObject({ type: 'IAMUser', userName: 'john_doe', arn: 'arn:aws:iam::123456789012:user/john_doe' });
    expect(finding.firstSeen).toBe('2025-02-25T20:40:06.000Z');
    expect(finding.sample).toBe(false);
  });

  it('guardDutyDedupKey format', () => {
    expect(guardDutyDedupKey('111122223333', 'eu-west-1', 'abc')).toBe('guardduty:111122223333:eu-west-1:abc');
  });
});

describe('every GuardDuty corpus file: expected outcome', () => {
  type Expect = { type: string; label: string; resourceClass: string; sample: boolean };
  const files: [string, Expect][] = [
    ['aws-samples-automated-response/guardduty_ec2_event.json', { type: 'Canary:EC2/Stateless.IntegTest', label: 'MEDIUM', resourceClass: 'Instance', sample: false }],
    ['aws-samples-automated-response/guardduty_iam_event.json', { type: 'Recon:IAMUser/MaliciousIPCaller.Custom', label: 'MEDIUM', resourceClass: 'AccessKey', sample: true }],
    ['aws-samples-automated-response/guardduty_s3_event.json', { type: 'PenTest:S3/ParrotLinux', label: 'MEDIUM', resourceClass: 'S3Bucket', sample: true }],
    ['aws-samples-waf-acl/gd2acl_test_event.json', { type: 'UnauthorizedAccess:EC2/SSHBruteForce', label: 'LOW', resourceClass: 'Instance', sample: true }],
    ['cloud-custodian/ec2-duty-event.json', { type: 'Backdoor:EC2/C&CActivity.B!DNS', label: 'MEDIUM', resourceClass: 'Instance', sample: true }],
    ['cloud-custodian/iam-duty-event.json', { type: 'UnauthorizedAccess:IAMUser/TorIPCaller', label: 'MEDIUM', resourceClass: 'AccessKey', sample: true }],
  ];
  it.each(files)('%s', async (file, expected) => {
    // Act
    const scored = await detectOne(readFixture(`guardduty/${file}`));
    // Assert
    expect({
      type: scored.finding.type,
      label: scored.finding.severity.label,
      resourceClass: scored.finding.resourceClass,
      sample: scored.finding.sample,
    }).toEqual(expected);
  });

  const panther: [string, string, string, string, boolean][] = [
    ['aws_guardduty_critical_sev_findings.tests.json', 'Critical Sev Finding', 'CRITICAL', 'IAMUser', false],
    ['aws_guardduty_critical_sev_findings.tests.json', 'Critical Sev Finding As Sample Data', 'CRITICAL', 'S3Bucket', true],
    ['aws_guardduty_high_sev_findings.tests.json', 'High Sev Finding', 'HIGH', 'AccessKey', false],
    ['aws_guardduty_high_sev_findings.tests.json', 'High Sev Finding As Sample Data', 'HIGH', 'AccessKey', true],
    ['aws_guardduty_med_sev_findings.tests.json', 'Medium Sev Finding', 'MEDIUM', 'AccessKey', false],
    ['aws_guardduty_med_sev_findings.tests.json', 'Medium Sev Finding As Sample Data', 'MEDIUM', 'AccessKey', true],
    ['aws_guardduty_low_sev_findings.tests.json', 'Low Sev Finding', 'LOW', 'AccessKey', false],
    ['aws_guardduty_low_sev_findings.tests.json', 'Low Sev Finding As Sample Data', 'LOW', 'AccessKey', true],
  ];
  it.each(panther)('%s / %s → %s %s sample=%s', async (file, name, label, resourceClass, sample) => {
    // Prepare
    const test = pantherTests(`guardduty/panther-analysis-tests/${file}`).find((t) => t.Name === name);
    // Act
    const scored = await detectOne(test!.Log);
    // Assert
    expect(scored.finding.severity.label).toBe(label);
    expect(scored.finding.resourceClass).toBe(resourceClass);
    expect(scored.finding.sample).toBe(sample);
    // Panther's own label: its rules alert on real findings only, never on sample data.
    expect(!scored.finding.sample).toBe(test!.ExpectedResult);
  });
});

describe('GuardDuty rejections name the problem', () => {
  it.each([
    [{ detail: { id: 'x', type: 'Recon:IAMUser/X', severity: 'high', service: {} }, region: 'us-east-1' }, 'severity'],
    [{ schemaVersion: '2.0', id: 'x', type: 'Recon:IAMUser/X', severity: 5, service: {}, createdAt: '2020-01-01T00:00:00Z' }, 'no region'],
    [{ id: 'x', type: 'Recon:IAMUser/X', severity: 5, region: 'us-east-1', service: {} }, 'timestamp'],
  ])('%j → rejected mentioning %s', async (input, mention) => {
    // Act
    const outcome = await detectEvents(input, { config, now });
    // Assert
    expect(outcome.kind).toBe('rejected');
    expect(outcome.kind === 'rejected' && outcome.reason).toContain(mention);
  });
});
