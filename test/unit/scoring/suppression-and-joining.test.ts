import { describe, expect, it } from 'vitest';
import { compileSuppressions, SuppressionSchema } from '../../../lambdas/core/scoring/suppression.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { normalizeGuardDutyFinding } from '../../../lambdas/core/findings/guardduty/normalize-guardduty.js';
import { readFixture } from '../findings/fixture-loader.js';
import { cloudTrailFixture } from '../rules/cloudtrail-fixtures.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';

const now = new Date('2026-01-01T00:00:00Z');

function torFinding(): Finding {
  const result = normalizeGuardDutyFinding((readFixture('guardduty/cloud-custodian/iam-duty-event.json') as { detail: unknown }).detail);
  if (!result.ok) throw new Error(result.reason);
  return result.findings[0]!;
}

describe('suppressions', () => {
  it('every given field must match; lists match any entry; wildcards and CIDRs work', () => {
    // Prepare
    const suppress = compileSuppressions([
      SuppressionSchema.parse({ id: 'tor-test', reason: 'red team exercise', match: { type: ['UnauthorizedAccess:IAMUser/*'], remoteCidr: ['198.51.100.0/24'] } }),
      SuppressionSchema.parse({ id: 'other-account', reason: 'sandbox', match: { accountId: ['999999999999'] } }),
    ]);
    const finding = torFinding();
    // Act / Assert
    expect(suppress(finding, now)).toEqual({ suppressionId: 'tor-test', reason: 'red team exercise' });
    expect(suppress({ ...finding, network: { remoteIp: '203.0.113.1' } }, now)).toBeUndefined();
    expect(suppress({ ...finding, type: 'Recon:IAMUser/TorIPCaller' }, now)).toBeUndefined();
  });

  it('an expired suppression stops applying', () => {
    const suppress = compileSuppressions([SuppressionSchema.parse({ id: 'old', reason: 'until fixed', match: { severity: ['MEDIUM'] }, expiresAt: '2025-12-31T23:59:59Z' })]);
    expect(suppress(torFinding(), now)).toBeUndefined();
    expect(suppress(torFinding(), new Date('2025-06-01T00:00:00Z'))).toEqual({ suppressionId: 'old', reason: 'until fixed' });
  });

  it('config rejects an empty match, a bad CIDR, an unknown key, an unknown rule name', () => {
    expect(() => parseFirebreakConfig({ suppressions: [{ id: 'x', reason: 'r', match: {} }] })).toThrow(/at least one field/);
    expect(() => parseFirebreakConfig({ suppressions: [{ id: 'x', reason: 'r', match: { remoteCidr: ['10.0.0.0/33'] } }] })).toThrow(/expected a CIDR/);
    expect(() => parseFirebreakConfig({ suppressions: [{ id: 'x', reason: 'r', match: { colour: ['red'] } }] })).toThrow(/colour/);
    expect(() => parseFirebreakConfig({ detection: { disabledRules: ['no-such-rule'] } })).toThrow(/unknown rule 'no-such-rule'/);
    expect(() => parseFirebreakConfig({ detection: { correlations: { 'root-account-usage': { threshold: 3 } } } })).toThrow(/unknown correlation rule 'root-account-usage'/);
  });

  it('detectEvents reports suppressed findings with id and reason instead of dropping them', async () => {
    // Prepare
    const config = parseFirebreakConfig({ suppressions: [{ id: 'tor-test', reason: 'red team exercise', match: { type: ['UnauthorizedAccess:IAMUser/TorIPCaller'] } }] });
    // Act
    const outcome = await detectEvents(readFixture('guardduty/cloud-custodian/iam-duty-event.json'), { config, now });
    // Assert
    expect(outcome.kind === 'detected' && outcome.findings).toEqual([]);
    expect(outcome.kind === 'detected' && outcome.suppressed.map((s) => [s.suppressionId, s.reason, s.finding.type])).toEqual([
      ['tor-test', 'red team exercise', 'UnauthorizedAccess:IAMUser/TorIPCaller'],
    ]);
  });
});

describe('correlation keys join GuardDuty and CloudTrail findings about the same credential', () => {
  it('a GuardDuty credential finding and the CloudTrail persistence calls signed with the same access key share a key', async () => {
    // Prepare: GuardDuty says alice's key AKIA...EXAMPLE is used from Tor; CloudTrail shows that key creating a key for bob
    // and attaching AdministratorAccess.
    const config = parseFirebreakConfig({});
    const gd = structuredClone(readFixture('guardduty/cloud-custodian/iam-duty-event.json')) as Record<string, any>;
    gd.detail.resource.accessKeyDetails = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'alice', userType: 'IAMUser', principalId: 'AIDAALICE' };
    const identity = { type: 'IAMUser', principalId: 'AIDAALICE', arn: 'arn:aws:iam::883606788610:user/alice', accountId: '883606788610', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'alice' };
    const createKey = { ...structuredClone(cloudTrailFixture('panther:aws_iam_user_key_created#1')), userIdentity: identity, requestParameters: { userName: 'bob' } };
    const attach = { ...structuredClone(cloudTrailFixture('panther:aws_iam_attach_admin_user_policy#0')), userIdentity: identity };
    // Act
    const keys: string[] = [];
    for (const event of [gd, createKey, attach]) {
      const outcome = await detectEvents(event, { config, now });
      if (outcome.kind !== 'detected') throw new Error(outcome.reason);
      keys.push(...outcome.findings.map((f) => `${f.finding.type}=${f.correlationKey}`));
    }
    // Assert
    expect(keys).toEqual([
      'UnauthorizedAccess:IAMUser/TorIPCaller=accesskey:AKIAIOSFODNN7EXAMPLE',
      'iam-access-key-created-for-other-user=accesskey:AKIAIOSFODNN7EXAMPLE',
      'iam-admin-policy-attached=accesskey:AKIAIOSFODNN7EXAMPLE',
    ]);
  });

  it('an assumed role: GuardDuty (role name in userName) and CloudTrail (session issuer) yield the same role ARN key', async () => {
    // Prepare
    const config = parseFirebreakConfig({});
    const gd = structuredClone(readFixture('guardduty/aws-samples-automated-response/guardduty_iam_event.json')) as Record<string, any>;
    gd.resource.accessKeyDetails = { accessKeyId: 'ASIAEXAMPLESESSION1', userName: 'tester', userType: 'AssumedRole', principalId: 'AROAEXAMPLE:s1' };
    const stop = structuredClone(cloudTrailFixture('panther:aws_cloudtrail_stopped#0')) as Record<string, any>;
    // Act
    const a = await detectEvents(gd, { config, now });
    const b = await detectEvents(stop, { config, now });
    // Assert
    expect(a.kind === 'detected' && a.findings[0]!.correlationKey).toBe('principal:arn:aws:iam::123456789012:role/tester');
    expect(b.kind === 'detected' && b.findings[0]!.correlationKey).toBe('principal:arn:aws:iam::123456789012:role/tester');
  });
});
