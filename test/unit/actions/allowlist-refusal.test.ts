import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AnyAction } from '../../../lambdas/actions/action.js';
import { ACTIONS } from '../../../lambdas/actions/registry.js';
import type { Finding } from '../../../lambdas/core/findings/finding.js';
import { actionContext, finding } from './action-test-kit.js';

const stubs = [
  mockClient(AutoScalingClient),
  mockClient(CloudTrailClient),
  mockClient(ConfigServiceClient),
  mockClient(EC2Client),
  mockClient(ECSClient),
  mockClient(ElasticLoadBalancingV2Client),
  mockClient(GuardDutyClient),
  mockClient(IAMClient),
  mockClient(LambdaClient),
  mockClient(S3Client),
  mockClient(S3ControlClient),
  mockClient(SecurityHubClient),
  mockClient(WAFV2Client),
];

/** Actions on account-wide settings (re-enabling a defense, account Block Public Access) or read-only evidence: there is no principal or resource to allowlist. */
const NOTHING_TO_PROTECT = new Set(['cloudtrail/start-logging', 'guardduty/enable-detector', 'securityhub/enable-hub', 'config/start-recorder', 'ec2/enable-flow-logs', 's3/block-account-public-access', 'cloudtrail/gather-principal-activity']);

const TAGS = { team: 'payments' };
/** Every subject carries the protected tag, every principal is allowlisted, every remote IP is trusted. */
const ALLOWLISTS = { principals: ['arn:aws:iam::*'], cidrs: ['0.0.0.0/0'], resourceTags: [{ key: 'team', value: 'pay*' }] };
const instance = { type: 'AWS::EC2::Instance', id: 'i-05746eb48123455e0', tags: TAGS, details: { vpcId: 'vpc-34865123', networkInterfaceIds: ['eni-0a1b2c3d4e5f60718'], subnetIds: ['subnet-d58b7123'], securityGroupIds: ['sg-9918a123'] } };
const SAMPLES: Finding[] = [
  finding({ type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller', resourceClass: 'AccessKey', principal: { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', arn: 'arn:aws:iam::123456789012:user/alice' } }),
  finding({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', resourceClass: 'IAMRole', principal: { type: 'AssumedRole', roleName: 'web', arn: 'arn:aws:iam::123456789012:role/web' } }),
  finding({ type: 'UnauthorizedAccess:EC2/SSHBruteForce', resourceClass: 'Instance', network: { remoteIp: '198.51.100.7', localPort: 22 }, resources: [instance] }),
  finding({ type: 'Policy:S3/BucketPublicAccessGranted', resourceClass: 'S3Bucket', resources: [{ type: 'AWS::S3::Bucket', id: 'example-bucket', tags: TAGS, details: {} }] }),
  finding({ type: 'CryptoCurrency:Lambda/BitcoinTool.B', resourceClass: 'Lambda', resources: [{ type: 'AWS::Lambda::Function', id: 'fn', tags: TAGS, details: {} }] }),
  finding({ type: 'Execution:Runtime/ReverseShell', resourceClass: 'ECSCluster', resources: [{ type: 'AWS::ECS::Cluster', id: 'prod', tags: TAGS, details: { taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123' } }] }),
];

function paramsFor(action: AnyAction): unknown {
  for (const sample of SAMPLES) {
    const params = action.paramsFromFinding(sample);
    if (params !== undefined) return action.params.parse(params);
  }
  return undefined;
}

describe('every action fails closed on an allowlisted principal, a protected resource tag or a trusted IP', () => {
  beforeEach(() => stubs.forEach((s) => s.reset()));

  it.each(ACTIONS.filter((a) => !NOTHING_TO_PROTECT.has(a.id)).map((a) => [a.id, a] as const))('%s refuses before any AWS call, in dry-run and for real', async (_id, action) => {
    // Prepare
    const params = paramsFor(action);
    expect(params, `${action.id}: no sample finding gives it params`).toBeDefined();
    // Act
    const real = await action.execute(params, actionContext({ allowlists: ALLOWLISTS }));
    const dry = await action.execute(params, actionContext({ allowlists: ALLOWLISTS, dryRun: true }));
    // Assert
    for (const result of [real, dry]) expect(result).toMatchObject({ status: 'skipped', refused: true, reason: expect.stringMatching(/^refused: /), calls: [] });
    for (const stub of stubs) expect(stub.calls()).toHaveLength(0);
  });
});
