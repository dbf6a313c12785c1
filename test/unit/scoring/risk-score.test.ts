import { describe, expect, it } from 'vitest';
import { createRiskScorer } from '../../../lambdas/core/scoring/risk-score.js';
import { correlationKeyFor } from '../../../lambdas/core/scoring/correlation-key.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { readFixture } from '../findings/fixture-loader.js';

function iamFinding(mutate: (raw: Record<string, any>) => void = () => {}): Finding {
  const raw = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json')) as Record<string, any>;
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
