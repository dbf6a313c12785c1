import { describe, expect, it } from 'vitest';
import { createRiskScorer } from '../../../lambdas/core/scoring/risk-score.js';
import { correlationKeyFor } from '../../../lambdas/core/scoring/correlation-key.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { readFixture } from '../findings/fixture-loader.js';

function iamFinding(mutate: (raw: Record<string, any>) => void = () => {}): Finding {
  const raw = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json')) as Record<string, any>;
  // The sample is marked archived; these tests are about live findings (archived ones have their own test below).
  raw.service.archived = false;
  mutate(raw);
  const result = normalizeGuardDutyFinding(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.findings[0]!;
}

describe('risk score', () => {
  it('a real HIGH finding opens an incident at the default HIGH threshold, unadjusted', () => {
    // Prepare
    const finding = iamFinding((raw) => {
      raw.severity = 8;
      raw.service.additionalInfo.sample = false;
    });
    // Act
    const result = createRiskScorer(parseFirebreakConfig({})).score(finding);
    // Assert
    expect(result).toEqual({ riskScore: 80, scoreReasons: [], opensIncident: true });
  });

  it('a MEDIUM finding stays below the default threshold but opens one when the threshold is MEDIUM', () => {
    // Prepare
    const finding = iamFinding((raw) => (raw.service.additionalInfo.sample = false));
    // Act
    const high = createRiskScorer(parseFirebreakConfig({})).score(finding);
    const medium = createRiskScorer(parseFirebreakConfig({ severityThreshold: 'MEDIUM' })).score(finding);
    // Assert
    expect(high.opensIncident).toBe(false);
    expect(medium.opensIncident).toBe(true);
  });

  it('allowlisted CIDR lowers the score below the threshold; break-glass and prod tags raise it', () => {
    // Prepare
    const finding = iamFinding((raw) => {
      raw.severity = 8;
      raw.service.additionalInfo.sample = false;
    });
    const vpn = parseFirebreakConfig({ allowlists: { cidrs: ['198.51.100.0/24'] } });
    const breakGlass = parseFirebreakConfig({ allowlists: { principals: ['arn:aws:iam::*:user/Generated*'] } });
    const prod = iamFinding((raw) => {
      raw.severity = 8;
      raw.service.additionalInfo.sample = false;
      raw.resource.instanceDetails.tags.push({ key: 'Environment', value: 'prod' });
    });
    // Act
    const lowered = createRiskScorer(vpn).score(finding);
    const raised = createRiskScorer(breakGlass).score(finding);
    const prodScore = createRiskScorer(parseFirebreakConfig({})).score(prod);
    // Assert
    expect(lowered).toEqual({ riskScore: 50, scoreReasons: ['-30 remote IP 198.51.100.0 is in an allowlisted CIDR'], opensIncident: false });
    expect(raised.riskScore).toBe(95);
    expect(raised.scoreReasons[0]).toMatch(/^\+15 break-glass principal arn:aws:iam::123456789012:user\/GeneratedFindingUserName/);
    expect(prodScore).toEqual({ riskScore: 90, scoreReasons: ['+10 resource i-99999999 is tagged as production'], opensIncident: true });
  });

  it('a sample finding scores lower but still opens (in notify mode) so the flow stays visible', () => {
    // Prepare
    const finding = iamFinding((raw) => (raw.severity = 8));
    // Act
    const result = createRiskScorer(parseFirebreakConfig({})).score(finding);
    // Assert
    expect(result.riskScore).toBe(40);
    expect(result.scoreReasons).toEqual(['-40 sample finding (generated, not real activity): notify only']);
    expect(result.opensIncident).toBe(true);
  });
});

describe('findings the product has closed', () => {
  it('an archived GuardDuty finding or a resolved/passed ASFF finding is scored down below the threshold, with the reason', () => {
    // Prepare
    const archived = iamFinding((raw) => {
      raw.severity = 8;
      raw.service.additionalInfo.sample = false;
      raw.service.archived = true;
    });
    // Act
    const result = createRiskScorer(parseFirebreakConfig({})).score(archived);
    // Assert
    expect(archived.closedInProduct).toBe('archived in GuardDuty');
    expect(result).toEqual({ riskScore: 20, scoreReasons: ['-60 closed in GuardDuty (archived in GuardDuty): an update, not a new threat'], opensIncident: false });
  });
});

describe('correlation key', () => {
  it('prefers a long-term access key, then the principal ARN, then a resource', () => {
    // Prepare
    const withKey = iamFinding((raw) => (raw.resource.accessKeyDetails.accessKeyId = 'AKIAIOSFODNN7EXAMPLE'));
    const sessionKey = iamFinding((raw) => (raw.resource.accessKeyDetails.accessKeyId = 'ASIAIOSFODNN7EXAMPLE'));
    const withoutKey = iamFinding((raw) => delete raw.resource.accessKeyDetails.accessKeyId);
    const noPrincipal = iamFinding((raw) => delete raw.resource.accessKeyDetails);
    // Act / Assert
    expect(correlationKeyFor(withKey)).toBe('accesskey:AKIAIOSFODNN7EXAMPLE');
    expect(correlationKeyFor(sessionKey)).toBe('principal:arn:aws:iam::123456789012:user/GeneratedFindingUserName');
    expect(correlationKeyFor(withoutKey)).toBe('principal:arn:aws:iam::123456789012:user/GeneratedFindingUserName');
    expect(correlationKeyFor(noPrincipal)).toBe('resource:123456789012:AWS::EC2::Instance:i-99999999');
  });
});

describe('closed in the product (ASFF)', () => {
  it('a HIGH control update that says PASSED is marked and opens no incident; the same finding FAILED does', async () => {
    // Prepare: a Security Hub event carrying a PASSED CIS control, re-rated HIGH so only the closure keeps it quiet.
    const { detectEvents } = await import('../../../lambdas/core/detection/detect-events.js');
    const passed = structuredClone(readFixture('securityhub/automated-security-response-on-aws/simdata/cis1314-save.json')) as Record<string, any>;
    passed.detail.findings[0].Severity = { Label: 'HIGH', Normalized: 70 };
    const failed = structuredClone(passed);
    failed.detail.findings[0].Compliance.Status = 'FAILED';
    const options = { config: parseFirebreakConfig({}), now: new Date('2026-01-01T00:00:00Z') };
    // Act
    const a = await detectEvents(passed, options);
    const b = await detectEvents(failed, options);
    // Assert
    if (a.kind !== 'detected' || b.kind !== 'detected') throw new Error('both must normalize');
    expect(a.findings[0]!.finding.closedInProduct).toBe('control PASSED');
    expect([a.findings[0]!.riskScore, a.findings[0]!.opensIncident]).toEqual([10, false]);
    expect([b.findings[0]!.riskScore, b.findings[0]!.opensIncident]).toEqual([70, true]);
  });
});
