import { describe, expect, it } from 'vitest';
import { normalizeAsffFinding } from '../../../lambdas/core/findings/asff/normalize-asff.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import type { NormalizeResult } from '../../../lambdas/core/findings/normalize-result.js';
import { readFixture } from './fixture-loader.js';

function only(result: NormalizeResult): Finding {
  if (!result.ok) throw new Error(`expected a finding, got rejection: ${result.reason}`);
  return result.findings[0]!;
}

const SSH_BRUTE_FORCE_ASFF = 'securityhub/awsdocs/guardduty-user-guide__securityhub-integration__asff_guardduty_UnauthorizedAccess-EC2-SSHBruteForce.json';

// Who is the attacker decides what may be blocked: the remote IP of a TARGET finding, never that of an ACTOR finding.
describe('GuardDuty resourceRole', () => {
  it('native finding: service.resourceRole TARGET is carried on the finding', () => {
    // Prepare
    const raw = readFixture('guardduty/aws-samples-automated-response/guardduty_ec2_event.json');
    // Act
    const finding = only(normalizeGuardDutyFinding(raw));
    // Assert
    expect(finding.network?.resourceRole).toBe('TARGET');
  });

  it('native finding: an instance that is the ACTOR is recognized', () => {
    // Prepare: the same real finding, as GuardDuty reports an instance that attacks others (e.g. SSHBruteForce outbound)
    const raw = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_ec2_event.json')) as { service: Record<string, unknown> };
    raw.service.resourceRole = 'ACTOR';
    // Act
    const finding = only(normalizeGuardDutyFinding(raw));
    // Assert
    expect(finding.network?.resourceRole).toBe('ACTOR');
  });

  it('GuardDuty via Security Hub: ProductFields aws/guardduty/service/resourceRole is read', () => {
    // Prepare
    const asff = readFixture(SSH_BRUTE_FORCE_ASFF);
    // Act
    const finding = only(normalizeAsffFinding(asff));
    // Assert
    expect(finding.network).toMatchObject({ remoteIp: '199.241.229.197', resourceRole: 'TARGET' });
  });

  it('an unknown role value is left unknown, not guessed', () => {
    // Prepare
    const raw = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_ec2_event.json')) as { service: Record<string, unknown> };
    raw.service.resourceRole = 'BYSTANDER';
    // Act
    const finding = only(normalizeGuardDutyFinding(raw));
    // Assert
    expect(finding.network?.resourceRole).toBeUndefined();
  });
});
