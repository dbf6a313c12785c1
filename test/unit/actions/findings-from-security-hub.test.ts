import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { denyIpInNetworkAcl } from '../../../lambdas/actions/ec2/deny-ip-in-network-acl.js';
import { isolateInstance } from '../../../lambdas/actions/ec2/isolate-instance.js';
import { revokeWorldOpenIngress } from '../../../lambdas/actions/ec2/revoke-world-open-ingress.js';
import { blockBucketPublicAccess } from '../../../lambdas/actions/s3/block-public-access.js';
import { blockIp } from '../../../lambdas/actions/wafv2/block-ip.js';
import { idFromArn } from '../../../lambdas/actions/safety/finding-resources.js';
import { parseFirebreakConfig } from '../../../lambdas/core/config/firebreak-config.js';
import { detectEvents } from '../../../lambdas/core/detection/detect-events.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { routeFinding } from '../../../lambdas/core/routing/route-finding.js';

/**
 * Security Hub names resources by ASFF type and ARN (`AwsEc2Instance`, `arn:aws:ec2:...:instance/i-...`); the same
 * actions must derive the same params from them as from GuardDuty's own events. Real Security Hub samples, through the
 * real detection path (test/fixtures/SOURCES.md).
 */
async function findingOf(path: string): Promise<Finding> {
  const raw = JSON.parse(readFileSync(new URL(`../../fixtures/securityhub/${path}`, import.meta.url), 'utf8')) as unknown;
  const outcome = await detectEvents(raw, { config: parseFirebreakConfig({ severityThreshold: 'INFORMATIONAL' }), now: new Date('2026-11-25T15:00:00Z') });
  if (outcome.kind !== 'detected') throw new Error(`${path}: ${outcome.reason}`);
  return [...outcome.findings.map((f) => f.finding), ...outcome.suppressed.map((s) => s.finding)][0]!;
}

describe('actions on findings delivered by Security Hub (ASFF)', () => {
  it('reads ids out of ARNs', () => {
    expect(idFromArn('arn:aws::ec2:us-east-1:193043430472:instance/i-0c10c2c7863d1a356')).toBe('i-0c10c2c7863d1a356');
    expect(idFromArn('arn:aws:s3:::config-integration-demo-bucket')).toBe('config-integration-demo-bucket');
    expect(idFromArn('arn:aws:ec2:us-east-1:111111111111:security-group/sg-ab1e739b')).toBe('sg-ab1e739b');
    expect(idFromArn('i-0abc')).toBe('i-0abc');
  });

  it('GuardDuty SSHBruteForce via Security Hub: the instance and the attacker are found as from GuardDuty itself', async () => {
    const finding = await findingOf('awsdocs/guardduty-user-guide__securityhub-integration__asff_guardduty_UnauthorizedAccess-EC2-SSHBruteForce.json');
    expect(routeFinding(finding).playbook).toBe('malicious-ip');
    expect(isolateInstance.paramsFromFinding(finding)).toMatchObject({ instanceId: 'i-0c10c2c7863d1a356', vpcId: 'vpc-a0c2d7c7', subnetIds: ['subnet-4975b475'] });
    expect(denyIpInNetworkAcl.paramsFromFinding(finding)).toEqual({ ip: '199.241.229.197', subnetIds: ['subnet-4975b475'] });
    expect(blockIp.paramsFromFinding(finding)).toEqual({ ip: '199.241.229.197' });
  });

  it('Security Hub control EC2.2 (default security group allows traffic): the group id comes from the ARN', async () => {
    const finding = await findingOf('automated-security-response-on-aws/envelopes/afsbp_ec22.json');
    expect(routeFinding(finding).playbook).toBe('network-exposure');
    expect(revokeWorldOpenIngress.paramsFromFinding(finding)).toMatchObject({ groupIds: ['sg-ab1e739b'], match: [] });
  });

  it('an AWS Config finding on a bucket: the bucket name comes from the ARN', async () => {
    const finding = await findingOf('awsdocs/securityhub-user-guide__internal-providers__asff_config_rule.json');
    expect(blockBucketPublicAccess.paramsFromFinding(finding)).toEqual({ bucketName: 'config-integration-demo-bucket', tags: {} });
  });
});
