import { describe, expect, it } from 'vitest';
import { detectEvents, type DetectionOutcome } from '../../../lambdas/core/detection/detect-events.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { normalizeAsffFinding } from '../../../lambdas/core/findings/asff/normalize-asff.js';
import { corpusInputs, fixtureFiles } from './corpus-inputs.js';
import { CORPUS_EXPECTATIONS } from './corpus-expectations.js';
import { readFixture } from './fixture-loader.js';

const config = parseFirebreakConfig({});
const now = new Date('2026-01-01T00:00:00Z');

function summarize(o: DetectionOutcome): string {
  if (o.kind === 'rejected') return `REJECT ${o.reason}`;
  return (
    o.findings
      .map((s) => `${s.finding.product}|${s.finding.type}|${s.finding.severity.label}|${s.finding.resourceClass}|${s.finding.dedupKey.split(':')[0]}|sample=${s.finding.sample}`)
      .join(' ; ') + (o.rejectedRecords ? ` REJ ${JSON.stringify(o.rejectedRecords)}` : '')
  );
}

const files = [...fixtureFiles('securityhub'), ...fixtureFiles('guardduty')];

describe('every GuardDuty and Security Hub corpus file normalizes or is rejected with a precise reason', () => {
  it('the expectation table covers exactly the fixture files', () => {
    expect(Object.keys(CORPUS_EXPECTATIONS).sort()).toEqual([...files].sort());
  });

  it.each(files)('%s', async (file) => {
    // Prepare
    const inputs = corpusInputs(file);
    // Act
    const outcomes: string[] = [];
    for (const { input } of inputs) outcomes.push(summarize(await detectEvents(input, { config, now })));
    // Assert
    expect(outcomes).toEqual(CORPUS_EXPECTATIONS[file]);
  });

  it('counts: accepted vs rejected events across the corpus', async () => {
    // Act
    let accepted = 0;
    let rejected = 0;
    let findings = 0;
    for (const file of files) {
      for (const { input } of corpusInputs(file)) {
        const o = await detectEvents(input, { config, now });
        if (o.kind === 'rejected') rejected++;
        else {
          accepted++;
          findings += o.findings.length;
        }
      }
    }
    // Assert: the figures quoted in the detection report.
    expect({ files: files.length, accepted, rejected, findings }).toEqual({ files: 166, accepted: 201, rejected: 9, findings: 203 });
  });
});

describe('GuardDuty through Security Hub is the same finding as native GuardDuty', () => {
  it('ASFF Id (the GuardDuty finding ARN) yields the native dedupKey, type, class and count', () => {
    // Prepare
    const envelope = readFixture('securityhub/cloud-custodian/event-securityhub-iamkey-finding-action.json') as { detail: { findings: unknown[] } };
    const asff = envelope.detail.findings[0] as Record<string, any>;
    const native = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json')) as Record<string, any>;
    native.id = '4cb5a629e9757b650d102f683cdbcd7b';
    native.accountId = '644160558196';
    native.region = 'us-east-1';
    native.arn = asff.Id;
    native.type = 'UnauthorizedAccess:IAMUser/ConsoleLogin';
    // Act
    const viaHub = normalizeAsffFinding(asff);
    const direct = normalizeGuardDutyFinding(native);
    // Assert
    if (!viaHub.ok || !direct.ok) throw new Error('both must normalize');
    expect(viaHub.findings[0]!.dedupKey).toBe('guardduty:644160558196:us-east-1:4cb5a629e9757b650d102f683cdbcd7b');
    expect(viaHub.findings[0]!.dedupKey).toBe(direct.findings[0]!.dedupKey);
    expect(viaHub.findings[0]!.type).toBe(direct.findings[0]!.type);
    expect(viaHub.findings[0]!.resourceClass).toBe('AccessKey');
    expect(viaHub.findings[0]!.productRefs.asffId).toBe(direct.findings[0]!.productRefs.asffId);
    expect(viaHub.findings[0]!.principal).toMatchObject({ type: 'IAMUser', userName: 'kapil', arn: 'arn:aws:iam::644160558196:user/kapil' });
    expect(viaHub.findings[0]!.network?.remoteIp).toBe('208.115.85.104');
  });

  it('the GuardDuty guide sample (SSHBruteForce): native type, count from ProductFields, local port', () => {
    // Act
    const result = normalizeAsffFinding(readFixture('securityhub/awsdocs/guardduty-user-guide__securityhub-integration__asff_guardduty_UnauthorizedAccess-EC2-SSHBruteForce.json'));
    // Assert
    if (!result.ok) throw new Error(result.reason);
    const f = result.findings[0]!;
    expect(f.dedupKey).toBe('guardduty:193043430472:us-east-1:46ba0ac2845071e23ccdeb2ae03bfdea');
    expect(f.type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
    expect(f.count).toBe(74);
    expect(f.network).toEqual({ remoteIp: '199.241.229.197', localPort: 22, resourceRole: 'TARGET' });
    expect(f.severity).toEqual({ label: 'MEDIUM', normalized: 40, original: 2 });
    expect(f.attack.tactics).toEqual(['TA0001']);
  });
});

describe('ASFF severity: Label first, Normalized as fallback', () => {
  const base = readFixture('securityhub/automated-security-response-on-aws/simdata/afsbp-ec2.1.json') as Record<string, any>;
  it.each([
    [{ Label: 'HIGH', Normalized: 70 }, 'HIGH', 70],
    [{ Label: 'HIGH', Normalized: 40 }, 'HIGH', 70],
    [{ Normalized: 6 }, 'LOW', 6],
    [{ Normalized: 95 }, 'CRITICAL', 95],
    [{ Normalized: 0 }, 'INFORMATIONAL', 0],
  ])('%j → %s/%s', (severity, label, normalized) => {
    // Prepare
    const asff = { ...structuredClone(base), Severity: severity };
    // Act
    const result = normalizeAsffFinding(asff);
    // Assert
    if (!result.ok) throw new Error(result.reason);
    expect(result.findings[0]!.severity.label).toBe(label);
    expect(result.findings[0]!.severity.normalized).toBe(normalized);
  });

  it('neither Label nor Normalized → rejected naming Severity', () => {
    const result = normalizeAsffFinding({ ...structuredClone(base), Severity: { Product: 3 } });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('Severity has neither Label nor Normalized') });
  });
});

describe('Inspector v2: CVSS, EPSS, fix available', () => {
  it('native finding (EventBridge detail / ListFindings item) carries the vulnerability facts', async () => {
    // Prepare
    const [first] = corpusInputs('securityhub/cloud-custodian/test_inspector2_finding__inspector2.ListFindings_1.json');
    // Act
    const outcome = await detectEvents(first!.input, { config, now });
    // Assert
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    const f = outcome.findings[0]!.finding;
    expect(f.dedupKey).toBe('inspector:arn:aws:inspector2:eu-central-1:644160558196:finding/bae2fba169a149bf0778f477b6f0d303');
    expect(f.vulnerability).toEqual({
      id: 'CVE-2022-40982',
      cvssScore: 6.5,
      cvssVector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N',
      cvssVersion: '3.1',
      epssScore: 0.00105,
      fixAvailable: 'YES',
      exploitAvailable: 'NO',
      packages: ['intel-microcode@3.20230214.0ubuntu0.20.04.1', 'linux-image-aws@5.15.0.1036.40~20.04.25'],
    });
    expect(f.resources[0]).toMatchObject({ type: 'AWS::EC2::Instance', id: 'i-07b035550fa86717d', tags: { Name: 'inspector-test' } });
    expect(f.firstSeen).toBe('2023-09-08T20:07:30.366Z');
  });

  it('Inspector through Security Hub (ASFF Vulnerabilities) carries CVSS', async () => {
    // Prepare
    const [first] = corpusInputs('securityhub/cloud-custodian/test_ecr_image_modify_policy__securityhub.GetFindings_1.json');
    // Act
    const outcome = await detectEvents(first!.input, { config, now });
    // Assert
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    const v = outcome.findings[0]!.finding.vulnerability;
    expect(v?.id).toBe('CVE-2020-28196');
    expect(v?.cvssScore).toEqual(expect.any(Number));
  });
});

describe('unknown and new types are never dropped', () => {
  it('a GuardDuty type Firebreak has never seen normalizes, with class Other (routed to notify)', async () => {
    // Prepare
    const raw = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_ec2_event.json')) as Record<string, any>;
    raw.type = 'Impact:Quantum/EntangledCrypto';
    raw.resource = { resourceType: 'QuantumComputer' };
    // Act
    const outcome = await detectEvents(raw, { config, now });
    // Assert
    expect(outcome.kind === 'detected' && outcome.findings.map((f) => [f.finding.type, f.finding.resourceClass, f.finding.attack.tactics])).toEqual([
      ['Impact:Quantum/EntangledCrypto', 'Other', ['TA0040']],
    ]);
  });

  it('an EventBridge event from a service without a normalizer becomes a generic finding naming what arrived', async () => {
    // Prepare: the real Access Analyzer finding event, re-labelled as a product Firebreak does not know.
    const event = { ...structuredClone(readFixture('securityhub/awsdocs/iam-user-guide__access-analyzer-eventbridge__event0.json') as Record<string, unknown>), source: 'aws.newservice', 'detail-type': 'New Service Finding' };
    // Act
    const outcome = await detectEvents(event, { config, now });
    // Assert
    if (outcome.kind !== 'detected') throw new Error(outcome.reason);
    expect(outcome.findings[0]!.finding).toMatchObject({
      source: 'other',
      product: 'newservice',
      type: 'aws.newservice/New Service Finding',
      resourceClass: 'Other',
      severity: { label: 'MEDIUM' },
      dedupKey: 'event:aws.newservice:111122223333:us-west-2:11111111-2222-4444-aaaa-333333333333',
    });
  });
});
